// SPDX-License-Identifier: MIT OR Apache-2.0
//! Standard sockets bound inside a namespace: [`bind_udp`], [`bind_tcp_listener`].

use std::net::{SocketAddr, TcpListener, UdpSocket};

use super::handle::NetNs;
use super::run::try_run;
use crate::error::{Error, Op, Result};

/// A UDP socket made and bound inside `ns` (`std::net::UdpSocket::bind` there); it stays in
/// `ns` whatever thread uses it.
///
/// Fails with [`Op::Socket`] and the errno of the bind (`EADDRNOTAVAIL` when `ns` has no such
/// address, `EADDRINUSE`…).
///
/// ```no_run
/// let ns = netnest::NetNs::new()?;
/// let udp = netnest::bind_udp(&ns, "127.0.0.1:0".parse().unwrap())?;
/// assert_eq!(netnest::NetNs::of_socket(&udp)?, ns);
/// # Ok::<(), netnest::Error>(())
/// ```
pub fn bind_udp(ns: &NetNs, address: SocketAddr) -> Result<UdpSocket> {
    try_run(ns, || {
        UdpSocket::bind(address).map_err(|e| Error::new(Op::Socket, None, e))
    })
}

/// A TCP listener made, bound and listening inside `ns` (`std::net::TcpListener::bind` there);
/// the connections it accepts are in `ns` too.
///
/// ```no_run
/// let ns = netnest::NetNs::new()?;
/// let listener = netnest::bind_tcp_listener(&ns, "127.0.0.1:0".parse().unwrap())?;
/// # Ok::<(), netnest::Error>(())
/// ```
pub fn bind_tcp_listener(ns: &NetNs, address: SocketAddr) -> Result<TcpListener> {
    try_run(ns, || {
        TcpListener::bind(address).map_err(|e| Error::new(Op::Socket, None, e))
    })
}
