//! [`Socket`]: a synchronous route-netlink socket, opened in the current namespace or inside any
//! [`NetNs`], and [`SocketOptions`] to open one.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use netlink_packet_core::{
    NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_REQUEST,
};
use netlink_packet_route::RouteNetlinkMessage;
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};

use super::sys;
use super::wire::{self, Header};
use crate::error::{Error, Op, Result};
use crate::handle::NetNs;

/// Size of the receive buffer asked for with `SO_RCVBUF(FORCE)`: iproute2's 1 MiB.
pub const DEFAULT_RCVBUF: usize = 1024 * 1024;
/// Size of the send buffer: iproute2's 32 KiB.
pub const DEFAULT_SNDBUF: usize = 32 * 1024;
/// The largest datagram the kernel sends on a route-netlink socket is 32 KiB for dumps; replies
/// carrying big links can be larger, so the buffer grows on `MSG_TRUNC`.
const RECV_BUF: usize = 64 * 1024;

/// How to open a [`Socket`]: the socket options iproute2 and pyroute2 set.
///
/// The defaults are those of iproute2's `rtnl_open`: `NETLINK_EXT_ACK` on, 1 MiB receive buffer,
/// 32 KiB send buffer, no strict checking. `NETLINK_CAP_ACK` is on too (error replies echo only
/// the request's header), which iproute2 leaves off.
///
/// ```no_run
/// use netnest::netlink::SocketOptions;
/// // The socket `ip netns set` and `ip netns list-id` use (`rth`).
/// let sock = SocketOptions::new().strict_check(true).open()?;
/// # Ok::<(), netnest::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketOptions {
    ext_ack: bool,
    cap_ack: bool,
    strict_check: bool,
    rcvbuf: usize,
    sndbuf: usize,
}

impl Default for SocketOptions {
    fn default() -> SocketOptions {
        SocketOptions {
            ext_ack: true,
            cap_ack: true,
            strict_check: false,
            rcvbuf: DEFAULT_RCVBUF,
            sndbuf: DEFAULT_SNDBUF,
        }
    }
}

impl SocketOptions {
    /// The defaults (see the type's documentation).
    pub fn new() -> SocketOptions {
        SocketOptions::default()
    }

    /// `NETLINK_EXT_ACK`: error replies carry the kernel's message (default on).
    pub fn ext_ack(mut self, on: bool) -> SocketOptions {
        self.ext_ack = on;
        self
    }

    /// `NETLINK_CAP_ACK`: error replies echo only the request's header (default on).
    pub fn cap_ack(mut self, on: bool) -> SocketOptions {
        self.cap_ack = on;
        self
    }

    /// `NETLINK_GET_STRICT_CHK`: the kernel validates dump requests and honours their filters,
    /// such as `NETNSA_TARGET_NSID` (`ip netns list-id target-nsid N`). Default off, as on
    /// iproute2's second socket; iproute2's main socket (`rth`) turns it on.
    pub fn strict_check(mut self, on: bool) -> SocketOptions {
        self.strict_check = on;
        self
    }

    /// The receive buffer size (`SO_RCVBUFFORCE`, falling back to `SO_RCVBUF` without privileges).
    pub fn rcvbuf(mut self, bytes: usize) -> SocketOptions {
        self.rcvbuf = bytes;
        self
    }

    /// The send buffer size (`SO_SNDBUF`); it bounds how many requests fit in one batch datagram.
    pub fn sndbuf(mut self, bytes: usize) -> SocketOptions {
        self.sndbuf = bytes;
        self
    }

    /// Opens a socket in the calling thread's network namespace.
    pub fn open(&self) -> Result<Socket> {
        let fd = rustix::net::socket_with(
            AddressFamily::NETLINK,
            SocketType::RAW,
            SocketFlags::CLOEXEC,
            None,
        )
        .map_err(|e| Error::errno(Op::Socket, e))?;
        self.configure(fd)
    }

    /// Opens a socket inside `ns` (with [`crate::socket`], on a short-lived thread); the socket
    /// then works in `ns` from any thread.
    pub fn open_in(&self, ns: &NetNs) -> Result<Socket> {
        let fd = crate::socket(ns, AddressFamily::NETLINK, SocketType::RAW, None)?;
        self.configure(fd)
    }

    /// Sets the options on an open, unbound `NETLINK_ROUTE` socket and binds it.
    pub fn configure(&self, fd: OwnedFd) -> Result<Socket> {
        let nl = |e: io::Error| Error::new(Op::Netlink, None, e);
        rustix::net::sockopt::set_socket_send_buffer_size(&fd, self.sndbuf)
            .map_err(|e| Error::errno(Op::Netlink, e))?;
        if rustix::net::sockopt::set_socket_recv_buffer_size_force(&fd, self.rcvbuf).is_err() {
            rustix::net::sockopt::set_socket_recv_buffer_size(&fd, self.rcvbuf)
                .map_err(|e| Error::errno(Op::Netlink, e))?;
        }
        let options = [
            (sys::NETLINK_EXT_ACK, self.ext_ack),
            (sys::NETLINK_CAP_ACK, self.cap_ack),
            (sys::NETLINK_GET_STRICT_CHK, self.strict_check),
        ];
        for (name, on) in options {
            if on {
                sys::set_netlink_option(fd.as_fd(), name, 1).map_err(nl)?;
            }
        }
        let any = rustix::net::netlink::SocketAddrNetlink::new(0, 0);
        rustix::net::bind(&fd, &any).map_err(|e| Error::errno(Op::Netlink, e))?;
        let local = rustix::net::getsockname(&fd).map_err(|e| Error::errno(Op::Netlink, e))?;
        let local = rustix::net::netlink::SocketAddrNetlink::try_from(local)
            .map_err(|e| Error::errno(Op::Netlink, e))?;
        Ok(Socket {
            fd,
            port: local.pid(),
            seq: initial_seq(),
            buf: vec![0; RECV_BUF],
            strict_check: self.strict_check,
        })
    }
}

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
    /// Opens a socket with the default [`SocketOptions`] in the calling thread's namespace.
    ///
    /// ```no_run
    /// let mut sock = netnest::netlink::Socket::open()?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn open() -> Result<Socket> {
        SocketOptions::new().open()
    }

    /// Opens a socket with the default [`SocketOptions`] inside `ns`.
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// let mut sock = netnest::netlink::Socket::open_in(&ns)?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn open_in(ns: &NetNs) -> Result<Socket> {
        SocketOptions::new().open_in(ns)
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
                        .map_or(true, |a| a.pid() == 0);
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
