//! Running code inside a network namespace. This is the only file that calls `setns` or
//! `unshare(CLONE_NEWNET)`.
//!
//! A thread's network namespace is a per-thread attribute, and a socket stays in the namespace it
//! was created in, whatever thread uses it afterwards. So the safe way to work inside a namespace is
//! to do it on a short-lived thread that enters the namespace, does the work and exits: the
//! caller's thread never changes, and no pooled thread is left in the wrong namespace.
//!
//! * [`run`] runs a closure on such a thread and returns its value.
//! * [`socket`] opens a socket on such a thread and returns it, for use from any thread.
//! * [`NetNs::enter`] switches the *calling* thread, with a guard that cannot leave the thread,
//!   restores the original namespace when dropped (also while unwinding) and aborts the process if
//!   it cannot.
//!
//! # Safety
//!
//! `unshare` is `unsafe` in rustix because `CLONE_FILES` would split the fd table between threads;
//! here it is only ever called with `CLONE_NEWNET` or `CLONE_NEWNS`, which change nothing but the
//! calling thread's network or mount namespace.
#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::os::fd::{AsFd, OwnedFd};

use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};
use rustix::thread::{LinkNameSpaceType, UnshareFlags};

use crate::error::{Error, Op, Result};
use crate::handle::NetNs;

/// Stack size of the threads netnest starts for its own short jobs (not for [`run`], whose
/// closure may need the default).
const SMALL_STACK: usize = 64 * 1024;

/// Moves the calling thread into `ns`.
fn setns(ns: impl AsFd) -> Result<()> {
    rustix::thread::move_into_link_name_space(ns.as_fd(), Some(LinkNameSpaceType::Network))
        .map_err(|e| Error::errno(Op::Setns, e))
}

/// Runs `f` on a new thread with the given stack size, inside `enter`'s result, and joins it.
fn on_thread<T: Send>(
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

/// Runs `f` inside a new, anonymous network namespace, on the calling thread, and moves the
/// thread back before returning.
///
/// Creating a namespace on the calling thread and returning costs two `setns` (a few µs each: one
/// checks that the thread can come back, see below); a fresh thread costs ten to forty times that. `f` runs synchronously with no way to leave the thread,
/// and if the thread cannot be moved back the process aborts, as with [`EnterGuard`]: so to the
/// caller the thread never changed. `f` must not panic across this frame without care: a panic
/// unwinds through the restoring guard, which moves the thread back first.
///
/// A thread that could not come back (in a user namespace of its own, which may create network
/// namespaces but has no privilege over the one it is in) would abort the process: there, `f` runs
/// on a short-lived thread instead, which never has to come back.
pub(crate) fn in_new_netns<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T> {
    let original = NetNs::current()?;
    if !can_return_to(&original) {
        return on_thread(Some(SMALL_STACK), unshare_netns, f);
    }
    unshare_netns()?;
    let _back = EnterGuard {
        original,
        _entered: PhantomData,
        _not_send: PhantomData,
    };
    Ok(f())
}

/// Moves the calling thread into a new network namespace.
fn unshare_netns() -> Result<()> {
    // SAFETY: CLONE_NEWNET only changes this thread's network namespace; the fd table stays
    // shared (see the module's Safety section).
    unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWNET) }
        .map_err(|e| Error::errno(Op::Unshare, e))
}

/// Whether the calling thread, now in `original`, could move back into it after leaving it.
///
/// `setns` needs `CAP_SYS_ADMIN` over the user namespace that owns the target. A process in a user
/// namespace of its own (`unshare -Ur`) has it over the namespaces it makes, not over its parent's
/// network namespace, which it may still be in: it can leave and never return. Checked by moving
/// the thread into the namespace it is already in (a few µs).
fn can_return_to(original: &NetNs) -> bool {
    setns(original).is_ok()
}

/// Moves the calling thread into `ns` for good: for a process about to `exec` (after `fork`, or a
/// single-threaded command). Allocates nothing.
pub(crate) fn setns_for_exec(ns: impl AsFd) -> std::result::Result<(), rustix::io::Errno> {
    rustix::thread::move_into_link_name_space(ns.as_fd(), Some(LinkNameSpaceType::Network))
}

/// Gives the calling thread a mount namespace of its own, for a process about to `exec`.
/// Fails with `EINVAL` in a multi-threaded process (the filesystem context is shared).
pub(crate) fn unshare_mount_for_exec() -> std::result::Result<(), rustix::io::Errno> {
    // SAFETY: CLONE_NEWNS (which implies CLONE_FS) changes only this thread's mount namespace and
    // filesystem context; the fd table stays shared.
    unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWNS) }
}

/// The calling thread, moved into a network namespace by [`NetNs::enter`]. Dropping it moves the
/// thread back.
///
/// The guard cannot be sent to or shared with another thread (it restores *this* thread). If
/// restoring fails, the process is aborted: running on in the wrong namespace is worse.
/// `std::mem::forget` on a guard leaves the thread in the namespace; don't.
#[must_use = "the thread returns to its namespace when the guard is dropped"]
pub struct EnterGuard<'ns> {
    original: NetNs,
    _entered: PhantomData<&'ns NetNs>,
    _not_send: PhantomData<*const ()>,
}

impl NetNs {
    /// Moves the calling thread into this namespace until the returned guard is dropped.
    ///
    /// Prefer [`run`]: it leaves the calling thread alone. Use `enter` when the work must happen on
    /// this thread. Never hold the guard across an `.await`: the task could resume on another
    /// thread (the guard is `!Send`, so the compiler refuses it in a `Send` future).
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// {
    ///     let _inside = ns.enter()?;
    ///     assert_eq!(netnest::NetNs::current()?, ns);
    /// }
    /// assert_ne!(netnest::NetNs::current()?, ns);
    /// # Ok::<(), netnest::Error>(())
    /// ```
    ///
    /// Fails with [`Op::Setns`] (`EPERM`) without moving the thread if it could not come back:
    /// in a user namespace that does not own the thread's current namespace, entering a namespace
    /// it owns would succeed, and the guard would then abort the process.
    #[doc(alias = "Set", alias = "setns")]
    pub fn enter(&self) -> Result<EnterGuard<'_>> {
        let original = NetNs::current()?;
        if !can_return_to(&original) {
            return Err(Error::errno(Op::Setns, rustix::io::Errno::PERM));
        }
        setns(self)?;
        Ok(EnterGuard {
            original,
            _entered: PhantomData,
            _not_send: PhantomData,
        })
    }
}

impl Drop for EnterGuard<'_> {
    fn drop(&mut self) {
        if let Err(e) = setns(&self.original) {
            eprintln!("netnest: cannot return the thread to its network namespace: {e}; aborting");
            std::process::abort();
        }
    }
}
