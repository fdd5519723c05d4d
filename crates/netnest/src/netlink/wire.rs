// SPDX-License-Identifier: MIT OR Apache-2.0
//! The netlink framing this client reads itself: `nlmsghdr`s in a datagram, and the payloads of
//! `NLMSG_ERROR` and `NLMSG_DONE` with their extended-ACK attributes (`struct nlmsgerr` plus
//! `NLMSGERR_ATTR_*`), which `netlink-packet-core` keeps only as opaque bytes.

use crate::error::{ErrorSite, KernelError};

/// `NLMSG_HDRLEN`.
pub(crate) const HEADER_LEN: usize = 16;

/// `NLMSG_NOOP`.
pub(crate) const NLMSG_NOOP: u16 = 1;
/// `NLMSG_ERROR`.
pub(crate) const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`.
pub(crate) const NLMSG_DONE: u16 = 3;
/// `NLMSG_OVERRUN`.
pub(crate) const NLMSG_OVERRUN: u16 = 4;

/// `NLM_F_MULTI`: part of a multipart reply.
pub(crate) const NLM_F_MULTI: u16 = 0x2;
/// `NLM_F_DUMP_INTR`: the dump changed while it was being read.
pub(crate) const NLM_F_DUMP_INTR: u16 = 0x10;
/// `NLM_F_CAPPED` (on `NLMSG_ERROR`): the request is echoed as its header only.
pub(crate) const NLM_F_CAPPED: u16 = 0x100;
/// `NLM_F_ACK_TLVS` (on `NLMSG_ERROR`/`NLMSG_DONE`): extended-ACK attributes follow.
pub(crate) const NLM_F_ACK_TLVS: u16 = 0x200;

/// `NLMSGERR_ATTR_MSG`: a NUL-terminated string.
const NLMSGERR_ATTR_MSG: u16 = 1;
/// `NLMSGERR_ATTR_OFFS`: u32, offset of the offending attribute in the request.
const NLMSGERR_ATTR_OFFS: u16 = 2;
/// `NLMSGERR_ATTR_MISS_TYPE`: u32, type of a missing attribute.
const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// `NLMSGERR_ATTR_MISS_NEST`: u32, offset of the nest missing it.
const NLMSGERR_ATTR_MISS_NEST: u16 = 6;
/// `NLA_TYPE_MASK`: the type bits of `nla_type`.
const NLA_TYPE_MASK: u16 = 0x3fff;

/// A parsed `nlmsghdr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub len: u32,
    pub kind: u16,
    pub flags: u16,
    pub seq: u32,
    pub port: u32,
}

/// Bytes that are not a well-formed netlink datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The messages of one datagram, each as its header and its payload.
pub(crate) fn frames(buf: &[u8]) -> Frames<'_> {
    Frames { rest: buf }
}

/// Iterator returned by [`frames`].
pub(crate) struct Frames<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<(Header, &'a [u8]), Malformed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.len() < HEADER_LEN {
            return None;
        }
        let b = self.rest;
        let header = Header {
            len: u32_at(b, 0),
            kind: u16_at(b, 4),
            flags: u16_at(b, 6),
            seq: u32_at(b, 8),
            port: u32_at(b, 12),
        };
        let len = header.len as usize;
        if len < HEADER_LEN || len > b.len() {
            self.rest = &[];
            return Some(Err(Malformed));
        }
        let payload = &b[HEADER_LEN..len];
        let aligned = (len + 3) & !3;
        self.rest = b.get(aligned..).unwrap_or(&[]);
        Some(Ok((header, payload)))
    }
}

/// Serializes an `nlmsghdr` (for tests that build replies by hand).
#[cfg(test)]
pub(crate) fn put_header(out: &mut Vec<u8>, header: Header) {
    out.extend_from_slice(&header.len.to_ne_bytes());
    out.extend_from_slice(&header.kind.to_ne_bytes());
    out.extend_from_slice(&header.flags.to_ne_bytes());
    out.extend_from_slice(&header.seq.to_ne_bytes());
    out.extend_from_slice(&header.port.to_ne_bytes());
}

/// What an `NLMSG_ERROR` or `NLMSG_DONE` says: `Ok(warning)` for a success (an ACK, possibly
/// with an extended-ACK warning message), `Err` for an error.
pub(crate) type Status = Result<Option<String>, KernelError>;

/// Decodes an `NLMSG_ERROR` payload (`struct nlmsgerr` + extended ACK), whose header had `flags`.
pub(crate) fn parse_error(
    flags: u16,
    payload: &[u8],
    site: ErrorSite,
) -> Result<Status, Malformed> {
    if payload.len() < 4 {
        return Err(Malformed);
    }
    let code = i32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
    let tlvs = if flags & NLM_F_ACK_TLVS == 0 {
        &[][..]
    } else {
        // The request's header is echoed after the code; the rest of the request too, unless capped.
        let echoed = payload.get(4..4 + HEADER_LEN).ok_or(Malformed)?;
        let skip = if flags & NLM_F_CAPPED != 0 {
            HEADER_LEN
        } else {
            (u32_at(echoed, 0) as usize).max(HEADER_LEN)
        };
        payload.get(4 + ((skip + 3) & !3)..).unwrap_or(&[])
    };
    Ok(status(code, tlvs, site))
}

/// Decodes an `NLMSG_DONE` payload: an `int` (zero-length payloads mean 0) and, with
/// `NLM_F_ACK_TLVS`, an extended ACK.
pub(crate) fn parse_done(flags: u16, payload: &[u8]) -> Status {
    let code = match payload.get(..4) {
        Some(b) => i32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
        None => 0,
    };
    let tlvs = if flags & NLM_F_ACK_TLVS != 0 {
        payload.get(4..).unwrap_or(&[])
    } else {
        &[]
    };
    status(code, tlvs, ErrorSite::DumpDone)
}

fn status(code: i32, tlvs: &[u8], site: ErrorSite) -> Status {
    let mut error = KernelError::new(code.checked_neg().unwrap_or(i32::MAX), site);
    parse_ext_ack(tlvs, &mut error);
    if code == 0 {
        Ok(error.message)
    } else {
        Err(error)
    }
}

/// Fills `error` from the `NLMSGERR_ATTR_*` attributes in `tlvs`; unknown ones are skipped.
fn parse_ext_ack(mut tlvs: &[u8], error: &mut KernelError) {
    while tlvs.len() >= 4 {
        let len = u16_at(tlvs, 0) as usize;
        let kind = u16_at(tlvs, 2) & NLA_TYPE_MASK;
        if len < 4 || len > tlvs.len() {
            return;
        }
        let value = &tlvs[4..len];
        let as_u32 = || (value.len() >= 4).then(|| u32_at(value, 0));
        match kind {
            NLMSGERR_ATTR_MSG => {
                let text = value.split(|&b| b == 0).next().unwrap_or(&[]);
                error.message = Some(String::from_utf8_lossy(text).into_owned());
            }
            NLMSGERR_ATTR_OFFS => error.offset = as_u32(),
            NLMSGERR_ATTR_MISS_TYPE => error.missing_type = as_u32(),
            NLMSGERR_ATTR_MISS_NEST => error.missing_nest = as_u32(),
            _ => {}
        }
        tlvs = tlvs.get((len + 3) & !3..).unwrap_or(&[]);
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
