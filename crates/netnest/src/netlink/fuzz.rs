// SPDX-License-Identifier: MIT OR Apache-2.0
//! The reply parser and the captured replies, for the fuzz target `tests/fuzz_netlink.rs`.
//!
//! Not part of the API: hidden from the docs, no semver promise. It exists so that the fuzz
//! target exercises the library's own parser through the library, not a second compilation of
//! its source.

use super::captured;
use super::wire;
use crate::error::{ErrorSite, KernelError};

/// `NLMSG_HDRLEN`.
pub const HEADER_LEN: usize = wire::HEADER_LEN;

/// The replies recorded from iproute2 6.1 talking to the kernel (an `NLMSG_ERROR` with the
/// request echoed, another, an error in `NLMSG_DONE`, a dump of one nsid).
pub const CAPTURED: [&[u8]; 4] = captured::CAPTURED;

/// A parsed `nlmsghdr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// `nlmsg_len`.
    pub len: u32,
    /// `nlmsg_type`.
    pub kind: u16,
    /// `nlmsg_flags`.
    pub flags: u16,
    /// `nlmsg_seq`.
    pub seq: u32,
    /// `nlmsg_pid`.
    pub port: u32,
}

impl From<wire::Header> for Header {
    fn from(h: wire::Header) -> Header {
        Header {
            len: h.len,
            kind: h.kind,
            flags: h.flags,
            seq: h.seq,
            port: h.port,
        }
    }
}

/// Bytes that are not a well-formed netlink datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// The messages of one datagram, each as its header and payload, as the socket reads them; a
/// malformed frame ends the datagram.
pub fn frames(buf: &[u8]) -> impl Iterator<Item = Result<(Header, &[u8]), Malformed>> {
    wire::frames(buf).map(|f| f.map(|(h, p)| (h.into(), p)).map_err(|_| Malformed))
}

/// Decodes an `NLMSG_ERROR` payload: `Ok(Ok(warning))` for an ACK, `Ok(Err(error))` for an error.
pub fn parse_error(
    flags: u16,
    payload: &[u8],
    site: ErrorSite,
) -> Result<Result<Option<String>, KernelError>, Malformed> {
    wire::parse_error(flags, payload, site).map_err(|_| Malformed)
}

/// Decodes an `NLMSG_DONE` payload.
pub fn parse_done(flags: u16, payload: &[u8]) -> Result<Option<String>, KernelError> {
    wire::parse_done(flags, payload)
}
