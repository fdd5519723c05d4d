// SPDX-License-Identifier: MIT OR Apache-2.0
//! The netlink requests a lab is made of, built from `netlink-packet-route` types (re-exported by
//! `netnest::netlink`) so that each namespace's requests go out together in one batch
//! ([`netnest::netlink::Socket::batch`]).
//!
//! Interfaces in a node are given their index at creation (`ifi_index`: 2, 3, … across the
//! whole lab, see [`super::plan::Plan::new`]; `lo` is 1), so no request ever waits for a lookup. Interfaces in the host take
//! whatever index the kernel gives and are named by name.

use std::net::IpAddr;
use std::os::fd::RawFd;

use netnest::netlink::core::{NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL};
use netnest::netlink::route_messages::address::{
    AddressAttribute, AddressHeaderFlags, AddressMessage,
};
use netnest::netlink::route_messages::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netnest::netlink::route_messages::route::{
    RouteAttribute, RouteHeader, RouteMessage, RouteNextHop, RouteProtocol, RouteScope, RouteType,
};
use netnest::netlink::route_messages::{AddressFamily, RouteNetlinkMessage};

use crate::prefix::IpPrefix;
use crate::topology::Route;

/// A request and its `NLM_F_*` flags, as [`netnest::netlink::Socket::batch`] takes them.
pub(crate) type Request = (RouteNetlinkMessage, u16);

/// How a request names an interface: by the index the plan gave it, or by name (host).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dev<'a> {
    Index(u32),
    Name(&'a str),
}

const CREATE: u16 = NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const CHANGE: u16 = NLM_F_ACK;

fn link_message(dev: Dev<'_>) -> LinkMessage {
    let mut m = LinkMessage::default();
    match dev {
        Dev::Index(i) => m.header.index = i,
        Dev::Name(n) => m.attributes.push(LinkAttribute::IfName(n.to_owned())),
    }
    m
}

fn up(m: &mut LinkMessage) {
    m.header.flags = LinkFlags::Up;
    m.header.change_mask = LinkFlags::Up;
}

/// `ip link set DEV up`.
pub(crate) fn set_up(dev: Dev<'_>) -> Request {
    let mut m = link_message(dev);
    up(&mut m);
    (RouteNetlinkMessage::NewLink(m), CHANGE)
}

/// A new interface's message: its index (0: the kernel chooses), name, MTU, maybe up.
fn new_interface(index: u32, name: &str, mtu: Option<u32>, is_up: bool) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    if is_up {
        up(&mut m);
    }
    m.attributes.push(LinkAttribute::IfName(name.to_owned()));
    if let Some(mtu) = mtu {
        m.attributes.push(LinkAttribute::Mtu(mtu));
    }
    m
}

/// `ip link add NAME [index N] [mtu M] [group G] up type bridge`.
pub(crate) fn add_bridge(index: u32, name: &str, mtu: Option<u32>, group: Option<u32>) -> Request {
    let mut m = new_interface(index, name, mtu, true);
    m.attributes.extend(group.map(LinkAttribute::Group));
    m.attributes
        .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
            InfoKind::Bridge,
        )]));
    (RouteNetlinkMessage::NewLink(m), CREATE)
}

/// One side of a veth to create.
pub(crate) struct VethSide<'a> {
    pub index: u32,
    pub name: &'a str,
    /// The bridge (by index, in the same namespace) to enslave it to at creation.
    pub master: Option<u32>,
    /// The link group to put it in (`IFLA_GROUP`): the lab's own group for host ends, so
    /// `down` deletes them all in one request.
    pub group: Option<u32>,
}

/// `ip link add A [index N] up [master BR] [group G] type veth peer name B [index M] [group G]
/// [netns NS]`, both
/// sides with `mtu`; the peer is created directly inside `peer_netns`. The peer cannot be
/// brought up in the same request (the kernel opens it before the pair is joined: `ENOTCONN`),
/// so it is brought up in its own namespace's second round ([`configure`]).
pub(crate) fn add_veth(
    a: VethSide<'_>,
    b: VethSide<'_>,
    mtu: Option<u32>,
    peer_netns: Option<RawFd>,
) -> Request {
    let mut peer = new_interface(b.index, b.name, mtu, false);
    peer.attributes.extend(b.group.map(LinkAttribute::Group));
    if let Some(fd) = peer_netns {
        peer.attributes.push(LinkAttribute::NetNsFd(fd));
    }
    let mut m = new_interface(a.index, a.name, mtu, true);
    m.attributes.extend(a.group.map(LinkAttribute::Group));
    if let Some(master) = a.master {
        m.attributes.push(LinkAttribute::Controller(master));
    }
    m.attributes.push(LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::Veth),
        LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer))),
    ]));
    (RouteNetlinkMessage::NewLink(m), CREATE)
}

/// `ip link set DEV [master BR] up`.
pub(crate) fn configure(dev: Dev<'_>, master: Option<u32>) -> Request {
    let mut m = link_message(dev);
    if let Some(master) = master {
        m.attributes.push(LinkAttribute::Controller(master));
    }
    up(&mut m);
    (RouteNetlinkMessage::NewLink(m), CHANGE)
}

/// `ip link set DEV alias TEXT`: how host interfaces are marked as the lab's.
pub(crate) fn set_alias(dev: Dev<'_>, alias: &str) -> Request {
    let mut m = link_message(dev);
    m.attributes.push(LinkAttribute::IfAlias(alias.to_owned()));
    (RouteNetlinkMessage::NewLink(m), CHANGE)
}

fn family(ip: &IpAddr) -> AddressFamily {
    match ip {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    }
}

/// `ip address add PREFIX dev DEV nodad`: IPv6 addresses skip duplicate address detection, so
/// they are usable at once (a lab has no duplicates to detect).
pub(crate) fn add_address(index: u32, prefix: &IpPrefix) -> Request {
    let mut m = AddressMessage::default();
    m.header.family = family(&prefix.addr);
    m.header.prefix_len = prefix.len;
    m.header.index = index;
    m.header.flags = AddressHeaderFlags::Nodad;
    m.attributes.push(AddressAttribute::Local(prefix.addr));
    m.attributes.push(AddressAttribute::Address(prefix.addr));
    (RouteNetlinkMessage::NewAddress(m), CREATE)
}

/// `ip route add TO [via GW] [dev DEV] [metric N]`, as `ip route` makes it: `proto boot`, table
/// main, scope link for a route out of a device without a gateway.
///
/// A route with next hops carries them in `RTA_MULTIPATH` (`nexthop via GW dev DEV weight W`
/// each), `hops` being their output interfaces' indexes.
pub(crate) fn add_route(route: &Route, oif: Option<u32>, hops: &[Option<u32>]) -> Request {
    let mut m = RouteMessage::default();
    let h = &mut m.header;
    h.address_family = family(&route.to.addr);
    h.destination_prefix_length = route.to.len;
    h.table = RouteHeader::RT_TABLE_MAIN;
    h.protocol = RouteProtocol::Boot;
    h.kind = RouteType::Unicast;
    h.scope = if route.via.is_none() && oif.is_some() {
        RouteScope::Link
    } else {
        RouteScope::Universe
    };
    if route.to.len > 0 {
        m.attributes
            .push(RouteAttribute::Destination(route.to.addr.into()));
    }
    if let Some(via) = route.via {
        m.attributes.push(RouteAttribute::Gateway(via.into()));
    }
    if let Some(oif) = oif {
        m.attributes.push(RouteAttribute::Oif(oif));
    }
    if let Some(metric) = route.metric {
        m.attributes.push(RouteAttribute::Priority(metric));
    }
    if !route.nexthops.is_empty() {
        let next_hops = route
            .nexthops
            .iter()
            .zip(hops)
            .map(|(h, oif)| {
                let mut hop = RouteNextHop::default();
                // The kernel's weight is `rtnh_hops + 1`.
                hop.hops = (h.weight - 1) as u8;
                hop.interface_index = oif.unwrap_or(0);
                if let Some(via) = h.via {
                    hop.attributes.push(RouteAttribute::Gateway(via.into()));
                }
                hop
            })
            .collect();
        m.attributes.push(RouteAttribute::MultiPath(next_hops));
    }
    (RouteNetlinkMessage::NewRoute(m), CREATE)
}
