// SPDX-License-Identifier: MIT OR Apache-2.0
//! The system calls that change a thread's namespaces, and the two ioctls rustix has no wrapper
//! for. Every `setns` and `unshare` of the library goes through here.
//!
//! # Safety
//!
//! The ioctls pass a valid, borrowed file descriptor and an ioctl number whose argument is unused
//! (`NS_GET_NSTYPE`) or an integer (`SIOCGSKNS`); neither writes through a pointer, so no memory is
//! at stake. `unshare` is `unsafe` in rustix because `CLONE_FILES` would split the fd table
//! between threads; here it is only ever called with `CLONE_NEWNET` or `CLONE_NEWNS`, which change
//! nothing but the calling thread's network or mount namespace.
#![allow(unsafe_code)]

use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

use rustix::io::Errno;
use rustix::thread::{LinkNameSpaceType, UnshareFlags};

/// Moves the calling thread into the network namespace `ns`. Allocates nothing, so it may run
/// between `fork` and `exec`.
pub(crate) fn setns_net(ns: impl AsFd) -> Result<(), Errno> {
    rustix::thread::move_into_link_name_space(ns.as_fd(), Some(LinkNameSpaceType::Network))
}

/// Moves the calling thread into a new network namespace.
pub(crate) fn unshare_net() -> Result<(), Errno> {
    // SAFETY: CLONE_NEWNET only changes this thread's network namespace; the fd table stays
    // shared (see the module's Safety section).
    unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWNET) }
}

/// Gives the calling thread a mount namespace of its own, for a process about to `exec`.
/// Fails with `EINVAL` in a multi-threaded process (the filesystem context is shared).
pub(crate) fn unshare_mount() -> Result<(), Errno> {
    // SAFETY: CLONE_NEWNS (which implies CLONE_FS) changes only this thread's mount namespace and
    // filesystem context; the fd table stays shared.
    unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWNS) }
}

/// `NS_GET_NSTYPE` from `<linux/nsfs.h>`: `_IO(0xb7, 0x3)`.
const NS_GET_NSTYPE: libc::c_ulong = 0xb703;

/// `SIOCGSKNS` from `<linux/sockios.h>`: opens the network namespace of a socket.
const SIOCGSKNS: libc::c_ulong = 0x894c;

/// The namespace type (`CLONE_NEW*`) of an nsfs file descriptor.
pub(crate) fn ns_type(fd: impl AsFd) -> Result<i32, Errno> {
    // SAFETY: NS_GET_NSTYPE takes no argument and only reads the fd, which is borrowed and open.
    let r = unsafe { libc::ioctl(fd.as_fd().as_raw_fd(), NS_GET_NSTYPE as _) };
    if r < 0 {
        Err(Errno::from_raw_os_error(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ))
    } else {
        Ok(r)
    }
}

/// The network namespace a socket was created in (`ioctl(SIOCGSKNS)`), as a new fd.
pub(crate) fn socket_netns(socket: impl AsFd) -> Result<OwnedFd, Errno> {
    // SAFETY: SIOCGSKNS takes no argument and returns a new fd, which we own from here on.
    let r = unsafe { libc::ioctl(socket.as_fd().as_raw_fd(), SIOCGSKNS as _) };
    if r < 0 {
        Err(Errno::from_raw_os_error(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        ))
    } else {
        // SAFETY: the kernel just returned this fd to us; nothing else owns it. It is not
        // O_CLOEXEC, so set that at once.
        let fd = unsafe { OwnedFd::from_raw_fd(r) };
        rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC)?;
        Ok(fd)
    }
}
