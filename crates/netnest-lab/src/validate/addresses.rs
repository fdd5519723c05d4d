// SPDX-License-Identifier: MIT OR Apache-2.0
//! The same address twice in one namespace. A link-local IPv6 address (`fe80::/10`) is only
//! unique on its interface: the same one on several interfaces of a node (`fe80::1` as the
//! gateway on every interface of a router) is Linux's usual convention, and allowed.

use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::Range;

use super::{BridgesOf, Checker, HOST};
use crate::file::RawLab;
use crate::prefix::IpPrefix;
use crate::topology::{Bridge, Link, Node, Place};

/// An interface's addresses, with the span and path of each as written.
struct Addressed<'a> {
    place: Place,
    ifname: &'a str,
    addresses: &'a [IpPrefix],
    spans: Vec<(Range<usize>, String)>,
}

/// Reports an address given twice in one place, at the second, with its path.
pub(super) fn duplicates(
    c: &mut Checker,
    raw: &RawLab,
    node_bridges: &[BridgesOf],
    links: &[Link],
    nodes: &[Node],
    host_bridges: &[Bridge],
) {
    let where_ = addressed(raw, node_bridges, links, nodes, host_bridges);
    // Keyed by place and address, and by interface too for a link-local address.
    let mut seen: HashMap<(Place, Option<&str>, IpAddr), &str> = HashMap::new();
    for Addressed {
        place,
        ifname,
        addresses,
        spans,
    } in where_
    {
        let wher = match place {
            Place::Host => HOST,
            Place::Node(i) => nodes[i].name.as_str(),
        };
        for (j, a) in addresses.iter().enumerate() {
            let on = is_link_local(a.addr).then_some(ifname);
            if let Some(first) = seen.insert((place, on, a.addr), ifname) {
                let (span, path) = spans.get(j).cloned().unwrap_or((0..0, String::new()));
                c.err(
                    span,
                    path,
                    if first == ifname {
                        format!("address {} is given twice on {wher}:{ifname}", a.addr)
                    } else {
                        format!(
                            "address {} is on both {wher}:{first} and {wher}:{ifname}",
                            a.addr
                        )
                    },
                );
            }
        }
    }
}

/// Every interface with addresses, link ends first, then bridges.
fn addressed<'a>(
    raw: &RawLab,
    node_bridges: &[BridgesOf],
    links: &'a [Link],
    nodes: &'a [Node],
    host_bridges: &'a [Bridge],
) -> Vec<Addressed<'a>> {
    let mut where_: Vec<Addressed> = Vec::new();
    for (i, (l, raw_link)) in links.iter().zip(&raw.links).enumerate() {
        for (side, e, r) in [
            ("a", &l.a, &raw_link.get_ref().a),
            ("b", &l.b, &raw_link.get_ref().b),
        ] {
            let spans = r
                .get_ref()
                .addresses
                .iter()
                .enumerate()
                .map(|(j, a)| (a.span(), format!("links[{i}].{side}.addresses[{j}]")))
                .collect();
            where_.push(Addressed {
                place: e.place,
                ifname: &e.ifname,
                addresses: &e.addresses,
                spans,
            });
        }
    }
    for (place, owner, bridges) in node_bridges {
        let model = match place {
            Place::Host => host_bridges,
            Place::Node(n) => &nodes[*n].bridges,
        };
        for ((key, raw_bridge), b) in bridges.iter().zip(model) {
            let base = match place {
                Place::Host => format!("host.bridges.{}", key.get_ref()),
                Place::Node(_) => format!("nodes.{owner}.bridges.{}", key.get_ref()),
            };
            let spans = raw_bridge
                .addresses
                .iter()
                .enumerate()
                .map(|(j, a)| (a.span(), format!("{base}.addresses[{j}]")))
                .collect();
            where_.push(Addressed {
                place: *place,
                ifname: &b.name,
                addresses: &b.addresses,
                spans,
            });
        }
    }
    where_
}

/// Whether `ip` is an IPv6 link-local address (`fe80::/10`).
pub(super) fn is_link_local(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(a) if a.segments()[0] & 0xffc0 == 0xfe80)
}
