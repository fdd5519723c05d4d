// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`SocketOptions`]: how to open a [`Socket`], with the socket options iproute2 sets.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::net::{AddressFamily, SocketFlags, SocketType};

use super::socket::Socket;
use super::sys;
use crate::error::{Error, Op, Result};
use crate::netns::NetNs;

/// Size of the receive buffer asked for with `SO_RCVBUF(FORCE)`: iproute2's 1 MiB.
pub const DEFAULT_RCVBUF: usize = 1024 * 1024;
/// Size of the send buffer: iproute2's 32 KiB.
pub const DEFAULT_SNDBUF: usize = 32 * 1024;

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
        Ok(Socket::from_parts(fd, local.pid(), self.strict_check))
    }
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
}
