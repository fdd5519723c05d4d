// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Socket`]: a synchronous route-netlink socket, opened in the current namespace or inside any
//! [`NetNs`] (see [`SocketOptions`](super::SocketOptions)).

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use netlink_packet_core::{
    NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_REQUEST,
};
use netlink_packet_route::RouteNetlinkMessage;
use rustix::net::{RecvFlags, SendFlags};

use super::sys;
use super::wire::{self, Header};
use crate::error::{Error, Op, Result};
use crate::netns::NetNs;

/// The largest datagram the kernel sends on a route-netlink socket is 32 KiB for dumps; replies
/// carrying big links can be larger, so the buffer grows on `MSG_TRUNC`.
const RECV_BUF: usize = 64 * 1024;

/// Like iproute2, start the sequence numbers at the time, so replies meant for an earlier socket
/// of the same port are not mistaken for ours.
fn initial_seq() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as u32)
        .unwrap_or(1)
}

/// A route-netlink (`NETLINK_ROUTE`) socket with a synchronous request/response loop.
///
/// * Requests and replies are `netlink-packet-route` messages ([`RouteNetlinkMessage`]);
///   framing, sequence numbers, ACKs, multipart dumps and error replies are handled here.
/// * Error replies become [`Error`]s with [`Op::Netlink`], the errno, and the extended ACK in
///   [`Error::kernel_error`] (`Peer netns reference is invalid`).
/// * Every method takes `&mut self`: one request or dump at a time per socket, as the kernel
///   requires (a second dump on a socket whose first dump is unfinished gets `EBUSY`).
/// * [`Socket::batch`] sends many requests in one datagram and matches the replies by sequence
///   number: what makes looking up the nsids of 1000 namespaces fast.
///
/// The socket belongs to the namespace it was opened in ([`Socket::open_in`]) for life, whatever
/// thread uses it.
#[derive(Debug)]
pub struct Socket {
    fd: OwnedFd,
    port: u32,
    seq: u32,
    buf: Vec<u8>,
    strict_check: bool,
}

/// What the caller of [`Socket::read_replies`] says after each message.
pub(crate) enum Flow {
    /// Keep reading.
    More,
    /// The exchange is complete.
    Done,
}

impl Socket {
    /// A socket on a configured, bound fd.
    pub(crate) fn from_parts(fd: OwnedFd, port: u32, strict_check: bool) -> Socket {
        Socket {
            fd,
            port,
            seq: initial_seq(),
            buf: vec![0; RECV_BUF],
            strict_check,
        }
    }

    /// The netlink port id the kernel bound the socket to.
    pub fn port(&self) -> u32 {
        self.port
    }

    /// Whether the socket was opened with `NETLINK_GET_STRICT_CHK`.
    pub fn strict_check(&self) -> bool {
        self.strict_check
    }

    /// The network namespace the socket works in.
    pub fn netns(&self) -> Result<NetNs> {
        NetNs::of_socket(&self.fd)
    }

    /// Gives up the socket and returns its descriptor.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    pub(crate) fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Appends `msg` to `out` with `NLM_F_REQUEST | flags` and a new sequence number, which it
    /// returns.
    pub(crate) fn encode(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
        out: &mut Vec<u8>,
    ) -> u32 {
        let seq = self.next_seq();
        encode(msg, NLM_F_REQUEST | flags, seq, out);
        seq
    }

    /// Sends one datagram holding one or more requests.
    pub(crate) fn send_raw(&self, datagram: &[u8]) -> Result<()> {
        loop {
            match rustix::net::send(&self.fd, datagram, SendFlags::empty()) {
                Ok(n) if n == datagram.len() => return Ok(()),
                Ok(_) => return Err(Error::errno(Op::Netlink, rustix::io::Errno::MSGSIZE)),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(Error::errno(Op::Netlink, e)),
            }
        }
    }

    /// Receives one datagram from the kernel into the buffer; returns its length.
    fn recv_datagram(&mut self, flags: RecvFlags) -> Result<usize> {
        loop {
            let r = rustix::net::recvfrom(&self.fd, &mut self.buf[..], flags | RecvFlags::TRUNC);
            match r {
                Ok((_, full, _)) if full > self.buf.len() => {
                    // Truncated: the datagram is lost. Grow for the next time and say so.
                    self.buf.resize(full.next_power_of_two(), 0);
                    return Err(Error::errno(Op::Netlink, rustix::io::Errno::MSGSIZE));
                }
                Ok((n, _, from)) => {
                    let from_kernel = from
                        .and_then(|a| rustix::net::netlink::SocketAddrNetlink::try_from(a).ok())
                        .is_none_or(|a| a.pid() == 0);
                    if from_kernel {
                        return Ok(n);
                    }
                }
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(Error::errno(Op::Netlink, e)),
            }
        }
    }

    /// Waits for one datagram and gives `on_frame` each of its messages, whoever they are
    /// addressed to (for multicast subscribers).
    pub(crate) fn recv_each(
        &mut self,
        mut on_frame: impl FnMut(Header, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let n = self.recv_datagram(RecvFlags::empty())?;
        for frame in wire::frames(&self.buf[..n]) {
            let (header, payload) = frame.map_err(|_| malformed())?;
            on_frame(header, payload)?;
        }
        Ok(())
    }

    /// Joins multicast group `group` (`NETLINK_ADD_MEMBERSHIP`), such as `RTNLGRP_NSID` (28).
    pub(crate) fn add_membership(&self, group: u32) -> Result<()> {
        sys::set_netlink_option(
            self.fd.as_fd(),
            sys::NETLINK_ADD_MEMBERSHIP,
            group as libc::c_int,
        )
        .map_err(|e| Error::new(Op::Netlink, None, e))
    }

    /// Reads datagrams and gives `on_frame` each message addressed to this socket, until it
    /// returns [`Flow::Done`] or an error. With `nonblocking`, returns `Ok(false)` when nothing is
    /// left to read instead of waiting.
    pub(crate) fn read_replies(
        &mut self,
        nonblocking: bool,
        mut on_frame: impl FnMut(Header, &[u8]) -> Result<Flow>,
    ) -> Result<bool> {
        let flags = if nonblocking {
            RecvFlags::DONTWAIT
        } else {
            RecvFlags::empty()
        };
        loop {
            let n = match self.recv_datagram(flags) {
                Err(e) if nonblocking && e.raw_os_error() == Some(libc::EAGAIN) => {
                    return Ok(false)
                }
                other => other?,
            };
            for frame in wire::frames(&self.buf[..n]) {
                let (header, payload) = frame.map_err(|_| malformed())?;
                if header.port != self.port && header.port != 0 {
                    continue;
                }
                if header.kind == wire::NLMSG_NOOP || header.kind == wire::NLMSG_OVERRUN {
                    continue;
                }
                if let Flow::Done = on_frame(header, payload)? {
                    return Ok(true);
                }
            }
        }
    }
}

/// Appends `msg` to `out` with header flags `flags` and sequence number `seq`, padded to 4 bytes.
pub(crate) fn encode(msg: RouteNetlinkMessage, flags: u16, seq: u32, out: &mut Vec<u8>) {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    header.sequence_number = seq;
    let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(msg));
    packet.finalize();
    let start = out.len();
    out.resize(start + packet.buffer_len(), 0);
    packet.serialize(&mut out[start..]);
    out.resize((out.len() + 3) & !3, 0);
}

/// Decodes a route-netlink message (not `NLMSG_ERROR`/`NLMSG_DONE`).
pub(crate) fn decode(header: Header, payload: &[u8]) -> Result<RouteNetlinkMessage> {
    let mut h = NetlinkHeader::default();
    h.length = header.len;
    h.message_type = header.kind;
    h.flags = header.flags;
    h.sequence_number = header.seq;
    h.port_number = header.port;
    RouteNetlinkMessage::deserialize(&h, payload).map_err(|e| {
        Error::new(
            Op::Netlink,
            None,
            io::Error::new(io::ErrorKind::InvalidData, e),
        )
    })
}

/// The error for bytes that are not netlink.
pub(crate) fn malformed() -> Error {
    Error::new(
        Op::Netlink,
        None,
        io::Error::new(io::ErrorKind::InvalidData, "malformed netlink message"),
    )
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
