//! The two ioctls rustix has no wrapper for.
//!
//! # Safety
//!
//! Both calls pass a valid, borrowed file descriptor and an ioctl number whose argument is unused
//! (`NS_GET_NSTYPE`) or an integer (`SIOCGSKNS`); neither writes through a pointer, so no memory is
//! at stake. This is the only module besides `thread` that may use `unsafe`.
#![allow(unsafe_code)]

use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

use rustix::io::Errno;

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
