//! The same address twice in one namespace.

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
    let mut seen: HashMap<(Place, IpAddr), String> = HashMap::new();
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
            if let Some(first) = seen.insert((place, a.addr), ifname.to_owned()) {
                let (span, path) = spans.get(j).cloned().unwrap_or((0..0, String::new()));
                c.err(
                    span,
                    path,
                    format!(
                        "address {} is on both {wher}:{first} and {wher}:{ifname}",
                        a.addr
                    ),
                );
            }
        }
    }
}
