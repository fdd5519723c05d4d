// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reachability probes from inside a namespace, without running `ping` or `nc`: ICMP echo
//! ([`ping`], many targets at once) and TCP connect ([`tcp_connect`]), on sockets made inside
//! the namespace by [`crate::socket`].
//!
//! [`ping`] uses an ICMP datagram socket ("ping socket", no privilege needed where
//! `net.ipv4.ping_group_range` allows the caller's group; a new namespace allows nobody) and
//! falls back to a raw ICMP socket (`CAP_NET_RAW`). Each call sends every echo request at once
//! and waits for the replies together, so probing fifty targets costs one round trip, not fifty.

use std::net::{IpAddr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use rustix::io::Errno;
use rustix::net::{self as net, ipproto, AddressFamily, RecvFlags, SendFlags, SocketType};

use crate::error::{Error, Op, Result};
use crate::NetNs;

const ECHO_REQUEST_V4: u8 = 8;
const ECHO_REPLY_V4: u8 = 0;
const ECHO_REQUEST_V6: u8 = 128;
const ECHO_REPLY_V6: u8 = 129;

/// An ICMP socket of one family, and whether the kernel frames it (datagram) or we do (raw).
struct IcmpSocket {
    fd: OwnedFd,
    raw: bool,
    v6: bool,
}

impl IcmpSocket {
    fn open(ns: &NetNs, v6: bool) -> Result<IcmpSocket> {
        let (family, protocol) = if v6 {
            (AddressFamily::INET6, ipproto::ICMPV6)
        } else {
            (AddressFamily::INET, ipproto::ICMP)
        };
        match crate::socket(ns, family, SocketType::DGRAM, Some(protocol)) {
            Ok(fd) => Ok(IcmpSocket { fd, raw: false, v6 }),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)) => {
                let fd = crate::socket(ns, family, SocketType::RAW, Some(protocol))?;
                Ok(IcmpSocket { fd, raw: true, v6 })
            }
            Err(e) => Err(e),
        }
    }

    /// Sends echo request `seq` with identifier `id` to `to`; `false` if the kernel refused
    /// at once (no route, unreachable network).
    fn send(&self, to: IpAddr, id: u16, seq: u16) -> Result<bool> {
        let kind = if self.v6 {
            ECHO_REQUEST_V6
        } else {
            ECHO_REQUEST_V4
        };
        let mut packet = [0u8; 16];
        packet[0] = kind;
        packet[4..6].copy_from_slice(&id.to_be_bytes());
        packet[6..8].copy_from_slice(&seq.to_be_bytes());
        packet[8..16].copy_from_slice(b"netnest!");
        if !self.v6 {
            // The kernel fills the checksum of datagram sockets and of ICMPv6 raw ones only.
            let sum = checksum(&packet);
            packet[2..4].copy_from_slice(&sum.to_be_bytes());
        }
        let sent = match to {
            IpAddr::V4(a) => net::sendto(
                &self.fd,
                &packet,
                SendFlags::empty(),
                &SocketAddrV4::new(a, 0),
            ),
            IpAddr::V6(a) => net::sendto(
                &self.fd,
                &packet,
                SendFlags::empty(),
                &SocketAddrV6::new(a, 0, 0, 0),
            ),
        };
        match sent {
            Ok(_) => Ok(true),
            Err(Errno::NETUNREACH | Errno::HOSTUNREACH | Errno::ADDRNOTAVAIL | Errno::INVAL) => {
                Ok(false)
            }
            Err(e) => Err(Error::errno(Op::Socket, e)),
        }
    }

    /// Waits until `deadline` for one echo reply; returns its source, identifier and sequence.
    fn recv(&self, deadline: Instant) -> Result<Option<(IpAddr, u16, u16)>> {
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            net::sockopt::set_socket_timeout(
                &self.fd,
                net::sockopt::Timeout::Recv,
                Some(left.max(Duration::from_millis(1))),
            )
            .map_err(|e| Error::errno(Op::Socket, e))?;
            let (n, from) = match net::recvfrom(&self.fd, &mut buf, RecvFlags::empty()) {
                Ok((n, _, from)) => (n, from),
                Err(Errno::AGAIN | Errno::INTR) => continue,
                Err(e) => return Err(Error::errno(Op::Socket, e)),
            };
            let Some(from) = from.and_then(|a| SocketAddr::try_from(a).ok()) else {
                continue;
            };
            // A raw IPv4 socket hands over the IP header too.
            let icmp = if self.raw && !self.v6 {
                let ihl = usize::from(buf[0] & 0x0f) * 4;
                &buf[ihl.min(n)..n]
            } else {
                &buf[..n]
            };
            let reply = if self.v6 {
                ECHO_REPLY_V6
            } else {
                ECHO_REPLY_V4
            };
            if icmp.len() < 8 || icmp[0] != reply {
                continue;
            }
            let id = u16::from_be_bytes([icmp[4], icmp[5]]);
            let seq = u16::from_be_bytes([icmp[6], icmp[7]]);
            return Ok(Some((from.ip(), id, seq)));
        }
    }
}

/// The Internet checksum (RFC 1071).
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Sends one ICMP echo request from inside `ns` to each of `targets` (IPv4 and IPv6 may be
/// mixed; at most 65 536) and waits up to `timeout` for the replies. Returns, per target in order,
/// the round-trip time, or `None` if no reply came in time (or the namespace has no route).
///
/// Like `ping -c 1 -W TIMEOUT`, for many targets at once.
///
/// ```no_run
/// let ns = netnest::NetNs::new()?;
/// let rtts = netnest::probe::ping(&ns, &["127.0.0.1".parse().unwrap()], std::time::Duration::from_secs(1))?;
/// # Ok::<(), netnest::Error>(())
/// ```
pub fn ping(ns: &NetNs, targets: &[IpAddr], timeout: Duration) -> Result<Vec<Option<Duration>>> {
    static NEXT_ID: AtomicU16 = AtomicU16::new(0);
    if targets.len() > usize::from(u16::MAX) + 1 {
        return Err(Error::errno(Op::Socket, Errno::INVAL));
    }
    let mut results = vec![None; targets.len()];
    for v6 in [false, true] {
        let mine: Vec<usize> = (0..targets.len())
            .filter(|&i| targets[i].is_ipv6() == v6)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let socket = IcmpSocket::open(ns, v6)?;
        // A datagram socket's replies are the kernel's to match (it rewrites the identifier);
        // a raw socket sees every echo reply of the namespace, so ours carry our identifier.
        let id = (std::process::id() as u16)
            .wrapping_mul(31)
            .wrapping_add(NEXT_ID.fetch_add(1, Ordering::Relaxed));
        let mut sent_at: Vec<Option<Instant>> = vec![None; targets.len()];
        let mut waiting = 0;
        for &i in &mine {
            let now = Instant::now();
            if socket.send(targets[i], id, i as u16)? {
                sent_at[i] = Some(now);
                waiting += 1;
            }
        }
        let deadline = Instant::now() + timeout;
        while waiting > 0 {
            let Some((from, got_id, seq)) = socket.recv(deadline)? else {
                break;
            };
            let i = usize::from(seq);
            if (socket.raw && got_id != id) || i >= targets.len() || targets[i] != from {
                continue;
            }
            if let (Some(at), None) = (sent_at[i], results[i]) {
                results[i] = Some(at.elapsed());
                waiting -= 1;
            }
        }
    }
    Ok(results)
}

/// How a TCP connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TcpOutcome {
    /// The handshake completed (something listens there).
    Connected,
    /// The target answered with a reset: reachable, nothing listening.
    Refused,
    /// No answer in time.
    TimedOut,
    /// The kernel refused: no route, unreachable host or network (the errno).
    Unreachable(i32),
}

/// Tries a TCP connection from inside `ns` to `to`, waiting up to `timeout`, and closes it at
/// once. Like `nc -z -w TIMEOUT HOST PORT`.
#[doc(alias = "nc")]
pub fn tcp_connect(ns: &NetNs, to: SocketAddr, timeout: Duration) -> Result<TcpOutcome> {
    let family = match to {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let fd = crate::socket(ns, family, SocketType::STREAM, None)?;
    // A blocking connect gives up after the send timeout (EINPROGRESS).
    net::sockopt::set_socket_timeout(
        &fd,
        net::sockopt::Timeout::Send,
        Some(timeout.max(Duration::from_millis(1))),
    )
    .map_err(|e| Error::errno(Op::Socket, e))?;
    Ok(match net::connect(&fd, &to) {
        Ok(()) => TcpOutcome::Connected,
        Err(Errno::CONNREFUSED) => TcpOutcome::Refused,
        Err(Errno::INPROGRESS | Errno::TIMEDOUT | Errno::AGAIN) => TcpOutcome::TimedOut,
        Err(e @ (Errno::NETUNREACH | Errno::HOSTUNREACH | Errno::ADDRNOTAVAIL)) => {
            TcpOutcome::Unreachable(e.raw_os_error())
        }
        Err(e) => return Err(Error::errno(Op::Socket, e)),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn checksum_of_an_echo_request() {
        // type 8, code 0, id 0x1234, seq 1: sum 0x0800 + 0x1234 + 0x0001 = 0x1a35.
        let packet = [8, 0, 0, 0, 0x12, 0x34, 0, 1];
        assert_eq!(super::checksum(&packet), !0x1a35);
    }
}
