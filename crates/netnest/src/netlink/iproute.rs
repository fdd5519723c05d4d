// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`IpRoute`]: links, addresses and routes of one namespace, as pyroute2's
//! `IPRoute(netns=…, flags=…)` and `NetNS(…)` offer them.

use crate::error::Result;
use crate::name::Name;
use crate::netns::NetNs;
use crate::registry::{CreateMode, Registry};

use super::options::SocketOptions;
use super::socket::Socket;

/// A route-netlink handle on one network namespace: `ip -n NAME link/address/route …` as
/// methods.
///
/// Opened in the calling thread's namespace ([`IpRoute::new`]), inside any [`NetNs`]
/// ([`IpRoute::in_netns`]), or by name ([`IpRoute::open`], with pyroute2's `flags=` semantics as
/// a [`CreateMode`]). The socket is created inside the namespace on a short-lived thread, so the
/// handle can then be used from any thread, and never moves one. Opening costs a thread spawn and
/// a few system calls (tens of microseconds), where pyroute2 forks a process (milliseconds).
///
/// The methods are grouped by noun: `link_*` (`ip link`), `addr_*` (`ip address`), `route_*`
/// (`ip route`), and the nsid methods of the [`Socket`] underneath ([`IpRoute::socket`]).
///
/// ```no_run
/// use netnest::{CreateMode, IpRoute, Name, Registry};
/// // pyroute2: IPRoute(netns="blue")  (creates "blue" if missing)
/// let mut ipr = IpRoute::open(&Registry::default(), &Name::new("blue")?, CreateMode::CreateOrOpen)?;
/// for link in ipr.link_list()? {
///     println!("{} {} up={}", link.index, link.name, link.up);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[doc(alias = "IPRoute", alias = "NetNS")]
pub struct IpRoute {
    socket: Socket,
}

impl IpRoute {
    /// A handle on the calling thread's namespace (pyroute2's `IPRoute()`).
    pub fn new() -> Result<IpRoute> {
        Ok(IpRoute::from_socket(
            SocketOptions::new().strict_check(true).open()?,
        ))
    }

    /// A handle on `ns` (pyroute2's `IPRoute(netns=fd)`).
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// let mut ipr = netnest::IpRoute::in_netns(&ns)?;
    /// let lo = ipr.link_get("lo")?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn in_netns(ns: &NetNs) -> Result<IpRoute> {
        Ok(IpRoute::from_socket(
            SocketOptions::new().strict_check(true).open_in(ns)?,
        ))
    }

    /// A handle on the namespace called `name` in `registry`, created first if `mode` says so
    /// (pyroute2's `IPRoute(netns=NAME, flags=…)`): [`CreateMode::CreateOrOpen`] is pyroute2's
    /// default `O_CREAT`; [`CreateMode::OpenExisting`] is `flags=0` and fails with a
    /// `NotFound` error (`ENOENT`, [`crate::Op::Open`]) if there is no such name, creating
    /// nothing; [`CreateMode::CreateNew`] is `O_CREAT|O_EXCL` and fails with `EEXIST`.
    pub fn open(registry: &Registry, name: &Name, mode: CreateMode) -> Result<IpRoute> {
        IpRoute::in_netns(&registry.create(name, mode)?)
    }

    /// A handle on an already opened socket.
    pub fn from_socket(socket: Socket) -> IpRoute {
        IpRoute { socket }
    }

    /// The socket underneath, for nsids ([`Socket::nsid_of`]…) and raw requests
    /// ([`Socket::request`], [`Socket::dump`]).
    pub fn socket(&mut self) -> &mut Socket {
        &mut self.socket
    }

    /// Gives up the handle and returns its socket.
    pub fn into_socket(self) -> Socket {
        self.socket
    }

    /// The namespace this handle works in.
    pub fn netns(&self) -> Result<NetNs> {
        self.socket.netns()
    }
}
