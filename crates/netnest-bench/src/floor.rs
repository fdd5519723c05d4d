//! The kernel floor: the system calls alone, on the calling thread, with nothing cached but what
//! any program would keep (the original namespace's fd). What no library can beat.
//!
//! # Safety
//!
//! `unshare(CLONE_NEWNET)` is `unsafe` in rustix only because other flags (`CLONE_FILES`) could
//! split the fd table; here it changes the calling thread's network namespace, which is moved back
//! with `setns` before the function returns.
#![allow(unsafe_code)]

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use rustix::fs::{Mode, OFlags};
use rustix::thread::{move_into_link_name_space, LinkNameSpaceType, UnshareFlags};

/// The calling thread's namespace, to come back to.
pub fn current() -> OwnedFd {
    rustix::fs::open(
        "/proc/thread-self/ns/net",
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .expect("open /proc/thread-self/ns/net")
}

fn setns(fd: impl AsFd) {
    move_into_link_name_space(fd.as_fd(), Some(LinkNameSpaceType::Network)).expect("setns");
}

/// A named namespace at `path` in an already shared run directory: the mode-0 file, `unshare`,
/// the bind mount, `setns` back.
pub fn create(path: &Path, original: &OwnedFd) {
    drop(
        rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .expect("create"),
    );
    // SAFETY: CLONE_NEWNET only (module docs); the thread is moved back below.
    unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWNET) }.expect("unshare");
    rustix::mount::mount_bind("/proc/thread-self/ns/net", path).expect("bind");
    setns(original);
}

/// `umount2(MNT_DETACH)` and `unlink`.
pub fn delete(path: &Path) {
    let _ = rustix::mount::unmount(path, rustix::mount::UnmountFlags::DETACH);
    rustix::fs::unlink(path).expect("unlink");
}

/// `setns` into `target`, a netlink socket, `setns` back.
pub fn socket(target: &OwnedFd, original: &OwnedFd) -> OwnedFd {
    setns(target);
    let sock = rustix::net::socket_with(
        rustix::net::AddressFamily::NETLINK,
        rustix::net::SocketType::RAW,
        rustix::net::SocketFlags::CLOEXEC,
        None, // NETLINK_ROUTE is protocol 0
    )
    .expect("socket");
    setns(original);
    sock
}

/// `setns` into `target`, `f`, `setns` back.
pub fn run<T>(target: &OwnedFd, original: &OwnedFd, f: impl FnOnce() -> T) -> T {
    setns(target);
    let r = f();
    setns(original);
    r
}
