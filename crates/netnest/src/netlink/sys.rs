// SPDX-License-Identifier: MIT OR Apache-2.0
//! The two socket calls neither rustix nor netlink-sys offers safely on an [`OwnedFd`].
//!
//! # Safety
//!
//! * rustix has no `setsockopt` at level `SOL_NETLINK`, so [`set_netlink_option`] calls
//!   `libc::setsockopt` with a pointer to a local `c_int` and its size; the kernel only reads it.
//! * netlink-sys builds its tokio socket only from a raw fd (`FromRawFd`), so [`tokio_socket`] hands
//!   over the fd of an [`OwnedFd`] it consumes (`into_raw_fd`): ownership moves, nothing else
//!   closes it.
//!
//! This is the only module of `netlink` that may use `unsafe`.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

/// `SOL_NETLINK`.
const SOL_NETLINK: libc::c_int = 270;

/// `NETLINK_ADD_MEMBERSHIP`.
pub(crate) const NETLINK_ADD_MEMBERSHIP: libc::c_int = 1;
/// `NETLINK_CAP_ACK`.
pub(crate) const NETLINK_CAP_ACK: libc::c_int = 10;
/// `NETLINK_EXT_ACK`.
pub(crate) const NETLINK_EXT_ACK: libc::c_int = 11;
/// `NETLINK_GET_STRICT_CHK`.
pub(crate) const NETLINK_GET_STRICT_CHK: libc::c_int = 12;

/// `setsockopt(fd, SOL_NETLINK, name, &value, sizeof(int))`.
pub(crate) fn set_netlink_option(
    fd: BorrowedFd<'_>,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    // SAFETY: `fd` is open for the duration of the call (borrowed); the option value is a local
    // `c_int` whose address and exact size are passed, and the kernel only reads it.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            SOL_NETLINK,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Wraps a netlink socket in netlink-sys's tokio socket (non-blocking, registered with the
/// current runtime's reactor). The caller checks that a runtime is current first: netlink-sys
/// panics otherwise.
#[cfg(feature = "tokio")]
pub(crate) fn tokio_socket(fd: std::os::fd::OwnedFd) -> netlink_sys::TokioSocket {
    use std::os::fd::{FromRawFd, IntoRawFd};
    // SAFETY: `into_raw_fd` gives up ownership of an open socket fd, which the TokioSocket now
    // owns and closes on drop; no other owner remains.
    unsafe { netlink_sys::TokioSocket::from_raw_fd(fd.into_raw_fd()) }
}
