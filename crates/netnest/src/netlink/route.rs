// SPDX-License-Identifier: MIT OR Apache-2.0
//! Routes: [`Route`], [`RouteSpec`], and `ip route show/add/delete` on [`IpRoute`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use super::iproute::IpRoute;
use super::link::LinkRef;
use super::validate;
use crate::error::{Error, Op, Result};

/// `RT_TABLE_MAIN`.
const MAIN: u32 = 254;

/// A route as the kernel reports it (`ip route show table all`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The destination, `None` for a default route (`0.0.0.0/0`, `::/0`).
    pub destination: Option<IpAddr>,
    /// The destination's prefix length (0 for a default route).
    pub prefix_len: u8,
    /// The next hop (`via`).
    pub gateway: Option<IpAddr>,
    /// The output link's index (`dev`).
    pub oif: Option<u32>,
    /// The preferred source address (`src`).
    pub prefsrc: Option<IpAddr>,
    /// The metric (`metric`).
    pub priority: Option<u32>,
    /// The table (`main` is 254, `local` 255).
    pub table: u32,
    /// Who installed it (`proto kernel`, `proto boot`…).
    pub protocol: RouteProtocol,
    /// The scope (`scope link`…).
    pub scope: RouteScope,
    /// The type (`unicast`, `local`, `broadcast`…).
    pub kind: RouteType,
    /// The whole message.
    pub message: RouteMessage,
}

fn ip_of(address: &RouteAddress) -> Option<IpAddr> {
    match address {
        RouteAddress::Inet(a) => Some(IpAddr::V4(*a)),
        RouteAddress::Inet6(a) => Some(IpAddr::V6(*a)),
        _ => None,
    }
}

impl Route {
    /// Extracts the fields of an `RTM_NEWROUTE` message.
    pub fn from_message(message: RouteMessage) -> Route {
        let h = &message.header;
        let mut route = Route {
            destination: None,
            prefix_len: h.destination_prefix_length,
            gateway: None,
            oif: None,
            prefsrc: None,
            priority: None,
            table: u32::from(h.table),
            protocol: h.protocol,
            scope: h.scope,
            kind: h.kind,
            message: RouteMessage::default(),
        };
        for attr in &message.attributes {
            match attr {
                RouteAttribute::Destination(a) => route.destination = ip_of(a),
                RouteAttribute::Gateway(a) => route.gateway = ip_of(a),
                RouteAttribute::PrefSource(a) => route.prefsrc = ip_of(a),
                RouteAttribute::Oif(i) => route.oif = Some(*i),
                RouteAttribute::Priority(p) => route.priority = Some(*p),
                RouteAttribute::Table(t) => route.table = *t,
                _ => {}
            }
        }
        route.message = message;
        route
    }

    /// Whether this is a default route (no destination, prefix 0).
    pub fn is_default(&self) -> bool {
        self.destination.is_none() && self.prefix_len == 0
    }
}

/// A route to add or delete, as `ip route add|delete` takes it.
///
/// ```
/// use netnest::netlink::RouteSpec;
/// // ip route add default via 10.0.0.1
/// let default = RouteSpec::default_v4().via("10.0.0.1".parse()?);
/// // ip route add 192.168.7.0/24 dev veth0
/// let direct = RouteSpec::to("192.168.7.0".parse()?, 24).dev("veth0");
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    destination: IpAddr,
    prefix_len: u8,
    gateway: Option<IpAddr>,
    dev: Option<LinkRef>,
    table: u32,
    metric: Option<u32>,
}

impl RouteSpec {
    /// A route to `destination/prefix_len`.
    pub fn to(destination: IpAddr, prefix_len: u8) -> RouteSpec {
        RouteSpec {
            destination,
            prefix_len,
            gateway: None,
            dev: None,
            table: MAIN,
            metric: None,
        }
    }

    /// The IPv4 default route (`default`, `0.0.0.0/0`).
    pub fn default_v4() -> RouteSpec {
        RouteSpec::to(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)
    }

    /// The IPv6 default route (`default`, `::/0`, with `ip -6`).
    pub fn default_v6() -> RouteSpec {
        RouteSpec::to(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0)
    }

    /// Through a gateway (`via GATEWAY`).
    pub fn via(mut self, gateway: IpAddr) -> RouteSpec {
        self.gateway = Some(gateway);
        self
    }

    /// Out of a link (`dev DEV`).
    pub fn dev(mut self, link: impl Into<LinkRef>) -> RouteSpec {
        self.dev = Some(link.into());
        self
    }

    /// In a table other than `main` (`table ID`).
    pub fn table(mut self, table: u32) -> RouteSpec {
        self.table = table;
        self
    }

    /// With a metric (`metric N`).
    pub fn metric(mut self, metric: u32) -> RouteSpec {
        self.metric = Some(metric);
        self
    }
}

impl IpRoute {
    /// Every route of every table, IPv4 and IPv6. Equivalent to `ip route show table all` plus
    /// `ip -6 route show table all`; filter on [`Route::table`] for `ip route show` (main).
    pub fn route_list(&mut self) -> Result<Vec<Route>> {
        let request = RouteNetlinkMessage::GetRoute(RouteMessage::default());
        self.socket()
            .dump(request)?
            .into_iter()
            .map(|m| match m {
                RouteNetlinkMessage::NewRoute(m) => Ok(Route::from_message(m)),
                _ => Err(Error::errno(Op::Netlink, rustix::io::Errno::BADMSG)),
            })
            .collect()
    }

    fn route_message(&mut self, spec: &RouteSpec, add: bool) -> Result<RouteMessage> {
        validate::prefix(spec.destination, spec.prefix_len)?;
        let mut m = RouteMessage::default();
        let h = &mut m.header;
        h.address_family = match spec.destination {
            IpAddr::V4(_) => AddressFamily::Inet,
            IpAddr::V6(_) => AddressFamily::Inet6,
        };
        h.destination_prefix_length = spec.prefix_len;
        h.table = u8::try_from(spec.table).unwrap_or(RouteHeader::RT_TABLE_UNSPEC);
        // As `ip route`: a new route is `proto boot`, `unicast`, scope `link` when it has
        // a device and no gateway, `global` otherwise; a deletion matches any scope.
        if add {
            h.protocol = RouteProtocol::Boot;
            h.kind = RouteType::Unicast;
            h.scope = if spec.gateway.is_none() && spec.dev.is_some() {
                RouteScope::Link
            } else {
                RouteScope::Universe
            };
        } else {
            h.scope = RouteScope::NoWhere;
        }
        if spec.table > 255 {
            m.attributes.push(RouteAttribute::Table(spec.table));
        }
        if spec.prefix_len > 0 || !spec.destination.is_unspecified() {
            m.attributes
                .push(RouteAttribute::Destination(spec.destination.into()));
        }
        if let Some(gateway) = spec.gateway {
            m.attributes.push(RouteAttribute::Gateway(gateway.into()));
        }
        if let Some(dev) = spec.dev.clone() {
            let index = self.link_index(dev)?;
            m.attributes.push(RouteAttribute::Oif(index));
        }
        if let Some(metric) = spec.metric {
            m.attributes.push(RouteAttribute::Priority(metric));
        }
        Ok(m)
    }

    /// Adds a route. Equivalent to `ip route add SPEC` (fails with `EEXIST` if it exists).
    ///
    /// ```no_run
    /// use netnest::netlink::RouteSpec;
    /// let mut ipr = netnest::IpRoute::new()?;
    /// ipr.route_add(&RouteSpec::default_v4().via("10.0.0.1".parse().unwrap()))?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn route_add(&mut self, spec: &RouteSpec) -> Result<()> {
        let m = self.route_message(spec, true)?;
        self.socket()
            .ack(RouteNetlinkMessage::NewRoute(m), NLM_F_CREATE | NLM_F_EXCL)
    }

    /// Deletes a route. Equivalent to `ip route delete SPEC` (`ESRCH` if there is none).
    pub fn route_del(&mut self, spec: &RouteSpec) -> Result<()> {
        let m = self.route_message(spec, false)?;
        self.socket().ack(RouteNetlinkMessage::DelRoute(m), 0)
    }
}
