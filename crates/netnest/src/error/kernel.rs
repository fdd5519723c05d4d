// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`KernelError`]: a netlink error reply, with the extended ACK the upstream crates drop.

use std::fmt;

/// Where the kernel delivered an error, which decides how iproute2 reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorSite {
    /// An `NLMSG_ERROR` answering a request (`rtnl_talk`): iproute2 prints `Error: <msg>.` or
    /// `RTNETLINK answers: <strerror>`.
    Ack,
    /// An error code in the `NLMSG_DONE` that ends a dump (how this kernel reports a bad
    /// `target-nsid`): iproute2 prints `Error: <msg>.`; without a message, ENOENT and EOPNOTSUPP
    /// are silent.
    DumpDone,
    /// An `NLMSG_ERROR` instead of (or inside) a dump: iproute2 uses `perror("RTNETLINK answers")`.
    Dump,
}

/// An error reply from the kernel: the errno and the extended ACK (`NETLINK_EXT_ACK`).
///
/// Kept inside [`crate::Error`] (see [`crate::Error::kernel_error`]); the error's
/// [`raw_os_error`](crate::Error::raw_os_error) is [`KernelError::errno`].
///
/// To print it as iproute2 does: with a message, `Error: <message>` followed by `.` unless the
/// message already ends with one; without, `RTNETLINK answers: <strerror(errno)>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct KernelError {
    /// The errno, positive (`EEXIST` = 17, `EINVAL` = 22…).
    pub errno: i32,
    /// `NLMSGERR_ATTR_MSG`: the human-readable message, as the kernel wrote it (usually without a
    /// final `.`), e.g. `Peer netns reference is invalid`.
    pub message: Option<String>,
    /// `NLMSGERR_ATTR_OFFS`: the offset in the request of the attribute the kernel complains about.
    pub offset: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: the type of a missing attribute.
    pub missing_type: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_NEST`: the offset of the nest that lacks it.
    pub missing_nest: Option<u32>,
    /// Where the error came in.
    pub site: ErrorSite,
}

impl KernelError {
    /// An error with no extended ACK.
    pub fn new(errno: i32, site: ErrorSite) -> KernelError {
        KernelError {
            errno,
            message: None,
            offset: None,
            missing_type: None,
            missing_nest: None,
            site,
        }
    }

    /// The errno as an [`std::io::Error`].
    pub fn io_error(&self) -> std::io::Error {
        std::io::Error::from_raw_os_error(self.errno)
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{message} ({})", self.io_error()),
            None => fmt::Display::fmt(&self.io_error(), f),
        }
    }
}

impl std::error::Error for KernelError {}
