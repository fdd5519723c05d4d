// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Socket::nsids_of`]: the nsids of many namespaces, with no message objects.
//!
//! `netnest list` asks one `RTM_GETNSID` per name. Each request is 28 bytes written straight into
//! one datagram (header, `rtgenmsg` padded to 4, `NETNSA_FD`), up to 256 per datagram; each reply
//! is read where it lies in the receive buffer (`NETNSA_NSID` among its attributes), so that the
//! only allocation per call is the result vector.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::socket::{Flow, Socket};
use super::wire::{self, Header};
use crate::error::ErrorSite;
use crate::error::{Error, Op, Result};

/// At most this many requests per datagram: their replies (28 bytes each, up to ~100 for an
/// error with its extended ACK) fit in the receive buffer with room to spare.
const WINDOW: usize = 256;
/// `RTM_GETNSID` and `RTM_NEWNSID`.
const RTM_GETNSID: u16 = 90;
const RTM_NEWNSID: u16 = 88;
/// `NETNSA_NSID` and `NETNSA_FD`.
const NETNSA_NSID: u16 = 1;
const NETNSA_FD: u16 = 3;
/// `NLM_F_REQUEST`.
const NLM_F_REQUEST: u16 = 1;
/// A request's length: `nlmsghdr` (16), `rtgenmsg` padded (4), `NETNSA_FD` (8).
const REQUEST_LEN: usize = 28;

impl Socket {
    /// [`Socket::nsid_of`] for many namespaces at once: one result per namespace, in order (a
    /// file that is not a namespace gets its own `EINVAL` error, with the kernel's message
    /// `Peer netns reference is invalid`). The outer `Err` is for failures of the socket itself.
    ///
    /// The requests are pipelined, 256 to a datagram, and written and read in place: this is how
    /// `netnest list` shows the ids of 1000 namespaces at about the kernel's own cost, where
    /// iproute2 does two round trips per name.
    pub fn nsids_of<'a>(
        &mut self,
        namespaces: impl IntoIterator<Item = BorrowedFd<'a>>,
    ) -> Result<Vec<Result<Option<i32>>>> {
        let mut results = Vec::new();
        let mut datagram = Vec::with_capacity(WINDOW * REQUEST_LEN);
        let mut namespaces = namespaces.into_iter().peekable();
        while namespaces.peek().is_some() {
            datagram.clear();
            let base = results.len();
            let mut first_seq = None;
            for fd in namespaces.by_ref().take(WINDOW) {
                let seq = self.next_seq();
                first_seq.get_or_insert(seq);
                put_request(&mut datagram, seq, fd);
                // Until its reply says otherwise: the replies of a datagram all come back before
                // `send` returns, so a missing one is a lost one.
                results.push(Err(Error::errno(Op::Netlink, rustix::io::Errno::NOBUFS)));
            }
            let first_seq = first_seq.expect("at least one request");
            self.send_raw(&datagram)?;
            let mut pending = results.len() - base;
            let slots = &mut results[base..];
            let mut take = |header: Header, payload: &[u8]| -> Result<Flow> {
                let slot = header.seq.wrapping_sub(first_seq) as usize;
                let Some(result) = slots.get_mut(slot) else {
                    return Ok(Flow::More); // a stale reply
                };
                *result = match header.kind {
                    RTM_NEWNSID => Ok(nsid_in(payload)?),
                    wire::NLMSG_ERROR => {
                        match wire::parse_error(header.flags, payload, ErrorSite::Ack) {
                            Ok(Err(k)) => Err(Error::kernel(k)),
                            Ok(Ok(_)) | Err(_) => Err(super::socket::malformed()),
                        }
                    }
                    _ => return Ok(Flow::More),
                };
                pending -= 1;
                Ok(if pending == 0 { Flow::Done } else { Flow::More })
            };
            match self.read_replies(false, &mut take) {
                Ok(_) => {}
                // The kernel has answered the whole datagram: what is queued is all there is.
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    self.read_replies(true, &mut take)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(results)
    }
}

/// Appends one `RTM_GETNSID` request for the namespace behind `fd`.
fn put_request(out: &mut Vec<u8>, seq: u32, fd: BorrowedFd<'_>) {
    out.extend_from_slice(&(REQUEST_LEN as u32).to_ne_bytes());
    out.extend_from_slice(&RTM_GETNSID.to_ne_bytes());
    out.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes()); // port: the kernel fills it in
    out.extend_from_slice(&[0; 4]); // rtgenmsg: AF_UNSPEC, padded
    out.extend_from_slice(&8u16.to_ne_bytes());
    out.extend_from_slice(&NETNSA_FD.to_ne_bytes());
    out.extend_from_slice(&(fd.as_raw_fd() as u32).to_ne_bytes());
}

/// `NETNSA_NSID` of an `RTM_NEWNSID` payload (`None` for `-1`, not assigned); `EBADMSG` if it
/// has none.
fn nsid_in(payload: &[u8]) -> Result<Option<i32>> {
    let mut attrs = payload.get(4..).unwrap_or(&[]);
    while attrs.len() >= 4 {
        let len = u16::from_ne_bytes([attrs[0], attrs[1]]) as usize;
        let kind = u16::from_ne_bytes([attrs[2], attrs[3]]) & 0x3fff;
        if len < 4 || len > attrs.len() {
            break;
        }
        if kind == NETNSA_NSID && len >= 8 {
            let id = i32::from_ne_bytes([attrs[4], attrs[5], attrs[6], attrs[7]]);
            return Ok((id >= 0).then_some(id));
        }
        attrs = attrs.get((len + 3) & !3..).unwrap_or(&[]);
    }
    Err(Error::errno(Op::Netlink, rustix::io::Errno::BADMSG))
}
