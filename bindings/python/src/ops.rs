// SPDX-License-Identifier: MIT OR Apache-2.0
//! The calls of `netnest._native` besides the handle: names, `setns` of the calling thread, and
//! work on a library thread inside a namespace (a socket; a Python callable, for `Popen`).

use std::os::fd::{AsFd, IntoRawFd};
use std::path::{Path, PathBuf};

use netnest::rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};
use netnest::rustix::thread::{move_into_link_name_space, LinkNameSpaceType};
use netnest::{ExecEnv, NETNS_ETC_DIR};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::error::os_error;
use crate::handle::{locate, NetNS};

/// Removes a name (`ip netns delete`): unmounts the namespace from its file, then unlinks it.
#[pyfunction]
pub fn remove(py: Python<'_>, path: PathBuf) -> PyResult<()> {
    let (registry, name) = locate(&path)?;
    py.allow_threads(|| registry.delete(&name))
        .map_err(os_error)
}

/// Names the namespace of process `pid` (`ip netns attach`); nothing is left if it fails.
///
/// A pid that no process can have (negative, or beyond `u32`) fails with `OSError` `ENOENT` like
/// any missing process, not `OverflowError`: it is given to the library as `u32::MAX`, beyond any
/// `pid_max`.
#[pyfunction]
pub fn attach(py: Python<'_>, path: PathBuf, pid: i64) -> PyResult<()> {
    let (registry, name) = locate(&path)?;
    let pid = u32::try_from(pid).unwrap_or(u32::MAX);
    py.allow_threads(|| registry.attach(&name, pid))
        .map_err(os_error)
}

/// Moves the calling thread (only it) into `ns`.
#[pyfunction]
pub fn setns(py: Python<'_>, ns: &NetNS) -> PyResult<()> {
    let ns = ns.get()?;
    py.allow_threads(|| move_into_link_name_space(ns.as_fd(), Some(LinkNameSpaceType::Network)))
        .map_err(|e| {
            let errno = e.raw_os_error();
            PyOSError::new_err((errno, std::io::Error::from_raw_os_error(errno).to_string()))
        })
}

/// A socket made inside `ns` on a library thread; returns its descriptor (close-on-exec), which
/// the caller wraps in a `socket.socket` at once.
#[pyfunction]
pub fn socket(py: Python<'_>, ns: &NetNS, family: u16, kind: u32, proto: i32) -> PyResult<i32> {
    let ns = ns.get()?;
    let protocol = u32::try_from(proto)
        .ok()
        .and_then(std::num::NonZeroU32::new)
        .map(Protocol::from_raw);
    py.allow_threads(|| {
        netnest::socket(
            &ns,
            AddressFamily::from_raw(family),
            SocketType::from_raw(kind),
            protocol,
        )
    })
    .map(IntoRawFd::into_raw_fd)
    .map_err(os_error)
}

/// A socket made inside `ns` by the calling thread, moved into `ns` for the one system call and
/// back (the library's `EnterGuard`: the process aborts rather than run on in the wrong namespace),
/// with the GIL released. No thread is started, so there is no hand-off to wait for on a busy
/// machine. Falls back to [`socket`] where the thread could not come back (a user namespace).
#[pyfunction]
pub fn socket_here(
    py: Python<'_>,
    ns: &NetNS,
    family: u16,
    kind: u32,
    proto: i32,
) -> PyResult<i32> {
    let handle = ns.get()?;
    let protocol = u32::try_from(proto)
        .ok()
        .and_then(std::num::NonZeroU32::new)
        .map(Protocol::from_raw);
    let made = py.allow_threads(|| {
        let _inside = handle.enter()?;
        netnest::rustix::net::socket_with(
            AddressFamily::from_raw(family),
            SocketType::from_raw(kind),
            SocketFlags::CLOEXEC,
            protocol,
        )
        .map_err(|e| netnest::Error::new(netnest::Op::Socket, None, e.into()))
    });
    match made {
        Ok(fd) => Ok(fd.into_raw_fd()),
        Err(e) if e.op() == netnest::Op::Setns => socket(py, ns, family, kind, proto),
        Err(e) => Err(os_error(e)),
    }
}

/// Calls `f()` on a library thread inside `ns` and returns its result (or raises its exception).
/// The calling thread waits with the GIL released and never changes namespace.
///
/// With `exec_name`, the thread first gets the environment `ip netns exec NAME` gives a command:
/// a mount namespace of its own with the namespace's `/sys` and the files of `/etc/netns/NAME`
/// bound over `/etc`; a process started by `f` inherits it.
#[pyfunction]
#[pyo3(signature = (ns, f, exec_name = None))]
#[allow(unsafe_code)] // `ExecEnv::apply` on the thread of `netnest::run`: see the SAFETY note.
pub fn run_in(
    py: Python<'_>,
    ns: &NetNS,
    f: PyObject,
    exec_name: Option<PathBuf>,
) -> PyResult<PyObject> {
    let ns = ns.get()?;
    let call = move || Python::with_gil(|py| f.call0(py));
    match exec_name {
        None => py
            .allow_threads(|| netnest::run(&ns, call))
            .map_err(os_error)?,
        Some(name) => {
            let env = ns.try_clone().map_err(os_error)?;
            let env = ExecEnv::with_ns(env, &name, Path::new(NETNS_ETC_DIR));
            py.allow_threads(|| {
                netnest::run(&ns, || {
                    // SAFETY: this is the short-lived thread of `netnest::run`, made for this call
                    // and ended when it returns; no other thread of the process is moved, and the
                    // thread is never reused in the namespaces it enters here.
                    unsafe { env.apply(&mut |_, _| {}) }.map_err(|(step, e)| {
                        let errno = e.raw_os_error();
                        let text = std::io::Error::from_raw_os_error(errno).to_string();
                        Python::with_gil(|_| {
                            PyOSError::new_err((errno, format!("ip netns exec, {step:?}: {text}")))
                        })
                    })?;
                    call()
                })
            })
            .map_err(os_error)?
        }
    }
}
