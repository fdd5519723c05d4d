// SPDX-License-Identifier: MIT OR Apache-2.0
//! Waiting until every link of a lab carries traffic.
//!
//! Of the two ends of a veth, the one brought up first has no carrier yet, so the kernel
//! delays attaching its queueing discipline until the carrier-on event is handled by the
//! `linkwatch` worker, a moment later (much later on a busy machine). Until then the end drops
//! what it sends; bridges wait for their ports. So `up` returns only once every veth end reports
//! the operational state `UP`, and every bridge with ports has a carrier: one link dump per
//! namespace, repeated for the namespaces not yet ready.
//!
//! Linkwatch handles a veth's event at once only if its index differs from its peer's; the
//! plan gives every node interface an index unique in the lab for that reason
//! ([`super::plan::Plan::new`]).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use netnest::netlink::route_messages::link::{LinkFlags, LinkMessage};
use netnest::netlink::route_messages::RouteNetlinkMessage;
use netnest::netlink::{Link, OperState, Socket};
use netnest::IpRoute;

use crate::topology::{Place, Topology};

/// How long to wait at most; a lab whose links are not up by then is returned as it is.
const PATIENCE: Duration = Duration::from_secs(5);

/// The interfaces of `place` that must come up: veth ends, and bridges that have ports.
fn expected(t: &Topology, place: Place) -> HashSet<&str> {
    let ends: Vec<_> = t
        .links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .filter(|e| e.place == place)
        .collect();
    let bridges = t
        .bridges(place)
        .iter()
        .filter(|b| {
            ends.iter()
                .any(|e| e.bridge.as_deref() == Some(b.name.as_str()))
        })
        .map(|b| b.name.as_str());
    ends.iter()
        .map(|e| e.ifname.as_str())
        .chain(bridges)
        .collect()
}

/// Whether a link carries traffic: a veth once linkwatch made it `UP`; a bridge once it has a
/// carrier (`LOWER_UP`). A bridge may stay `UNKNOWN` until linkwatch's next round, up to a
/// second later, while already forwarding: its queue was attached when it was opened.
fn carries(l: &Link) -> bool {
    match l.kind.as_deref() {
        Some("bridge") => {
            l.flags.contains(LinkFlags::LowerUp)
                && matches!(l.state, OperState::Up | OperState::Unknown)
        }
        _ => l.state == OperState::Up,
    }
}

fn ready(links: impl IntoIterator<Item = Link>, want: &HashSet<&str>) -> bool {
    let up = links
        .into_iter()
        .filter(|l| want.contains(l.name.as_str()) && carries(l))
        .count();
    up == want.len()
}

fn dump(socket: &mut Socket) -> Vec<Link> {
    let request = RouteNetlinkMessage::GetLink(LinkMessage::default());
    match socket.dump(request) {
        Ok(msgs) => msgs
            .into_iter()
            .filter_map(|m| match m {
                RouteNetlinkMessage::NewLink(m) => Some(Link::from_message(m)),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Waits (at most [`PATIENCE`]) until the lab's links are operationally up.
pub(crate) fn wait_until_up(t: &Topology, sockets: &mut [Socket], host: &mut IpRoute) {
    let deadline = Instant::now() + PATIENCE;
    let mut pending: Vec<usize> = (0..t.nodes.len())
        .filter(|&i| !expected(t, Place::Node(i)).is_empty())
        .collect();
    let host_want = expected(t, Place::Host);
    let mut host_pending = !host_want.is_empty();
    let mut pause = Duration::from_micros(200);
    loop {
        pending.retain(|&i| !ready(dump(&mut sockets[i]), &expected(t, Place::Node(i))));
        if host_pending {
            let links = host_want.iter().filter_map(|n| host.link_get(*n).ok());
            host_pending = !ready(links, &host_want);
        }
        if (pending.is_empty() && !host_pending) || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}
