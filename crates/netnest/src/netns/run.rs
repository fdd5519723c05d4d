// SPDX-License-Identifier: MIT OR Apache-2.0
//! Working inside a namespace from a short-lived thread: [`run`] and [`socket`].
//!
//! A thread's network namespace is a per-thread attribute, and a socket stays in the namespace it
//! was created in, whatever thread uses it afterwards. So the safe way to work inside a namespace is
//! to do it on a short-lived thread that enters the namespace, does the work and exits: the
//! caller's thread never changes, and no pooled thread is left in the wrong namespace.

use std::os::fd::{AsFd, OwnedFd};

use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};

use super::handle::NetNs;
use crate::error::{Error, Op, Result};
use crate::sys;

/// Stack size of the threads netnest starts for its own short jobs (not for [`run`], whose
/// closure may need the default).
pub(super) const SMALL_STACK: usize = 64 * 1024;

/// Moves the calling thread into `ns`.
pub(super) fn setns(ns: impl AsFd) -> Result<()> {
    sys::setns_net(ns).map_err(|e| Error::errno(Op::Setns, e))
}

/// Runs `f` on a new thread with the given stack size, inside `enter`'s result, and joins it.
pub(super) fn on_thread<T: Send>(
    stack: Option<usize>,
    enter: impl FnOnce() -> Result<()> + Send,
    f: impl FnOnce() -> T + Send,
) -> Result<T> {
    std::thread::scope(|scope| {
        let mut builder = std::thread::Builder::new().name("netnest".into());
        if let Some(size) = stack {
            builder = builder.stack_size(size);
        }
        let worker = builder
            .spawn_scoped(scope, move || enter().map(|()| f()))
            .map_err(|e| Error::new(Op::SpawnThread, None, e))?;
        match worker.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Runs `f` on a short-lived thread inside `ns` and returns its value.
///
/// The calling thread never changes namespace. The thread is joined before `run` returns, so it
/// never lingers in the namespace; a panic in `f` is propagated to the caller. Threads that `f`
/// starts inherit the namespace; they are the caller's to join.
///
/// Anything `f` opens there (sockets above all) stays in `ns` after `run` returns. Mount namespace,
/// root and working directory are shared with the caller.
///
/// ```no_run
/// let ns = netnest::NetNs::new()?;
/// let inside = netnest::run(&ns, || netnest::NetNs::current())??;
/// assert_eq!(inside, ns);
/// # Ok::<(), netnest::Error>(())
/// ```
#[doc(alias = "Do", alias = "setns")]
pub fn run<T: Send>(ns: &NetNs, f: impl FnOnce() -> T + Send) -> Result<T> {
    on_thread(None, || setns(ns), f)
}

/// Like [`run`] with a closure that returns a `Result`: one `?` instead of two. The closure's
/// error type takes netnest's ([`std::io::Error`], `Box<dyn Error>`, [`Error`] itself…).
///
/// ```no_run
/// let ns = netnest::NetNs::new()?;
/// let listener = netnest::try_run(&ns, || std::net::TcpListener::bind("127.0.0.1:0"))?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn try_run<T: Send, E: Send + From<Error>>(
    ns: &NetNs,
    f: impl FnOnce() -> std::result::Result<T, E> + Send,
) -> std::result::Result<T, E> {
    run(ns, f)?
}

/// Opens a socket inside `ns` and returns it. The socket stays in `ns` whatever thread uses it
/// afterwards, so it may be handed to any thread or async runtime.
///
/// The socket is close-on-exec. This is what pyroute2 does by forking a process; here it costs a
/// thread and two system calls.
///
/// ```no_run
/// use rustix::net::{AddressFamily, SocketType};
/// let ns = netnest::NetNs::new()?;
/// let sock = netnest::socket(&ns, AddressFamily::INET, SocketType::DGRAM, None)?;
/// assert_eq!(netnest::NetNs::of_socket(&sock)?, ns);
/// # Ok::<(), netnest::Error>(())
/// ```
pub fn socket(
    ns: &NetNs,
    domain: AddressFamily,
    kind: SocketType,
    protocol: Option<Protocol>,
) -> Result<OwnedFd> {
    on_thread(
        Some(SMALL_STACK),
        || setns(ns),
        || {
            rustix::net::socket_with(domain, kind, SocketFlags::CLOEXEC, protocol)
                .map_err(|e| Error::errno(Op::Socket, e))
        },
    )?
}
