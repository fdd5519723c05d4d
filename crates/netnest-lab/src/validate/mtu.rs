// SPDX-License-Identifier: MIT OR Apache-2.0
//! MTUs that the kernel would change or refuse after the file validated:
//!
//! * A bridge's `mtu` is given to its ports' links (both ends of a veth share one MTU): the
//!   kernel brings a bridge to its smallest port's MTU whenever a port joins, so a bridge of
//!   9000 with ports of 1500 would silently end at 1500. A port whose link sets another MTU is
//!   refused.
//! * IPv6 needs an MTU of at least 1280 (RFC 8200): the kernel turns IPv6 off on a smaller
//!   interface and refuses its addresses (`EINVAL`).

use std::ops::Range;

use super::{bridge_path, BridgesOf, Checker};
use crate::file::RawLab;
use crate::prefix::IpPrefix;
use crate::topology::{Bridge, Link, Node, Place};

/// The smallest MTU that carries IPv6.
const IPV6_MIN_MTU: u32 = 1280;

/// Gives bridge MTUs to their ports' links, then checks IPv6 addresses against MTUs.
pub(super) fn check(
    c: &mut Checker,
    raw: &RawLab,
    written: &[BridgesOf],
    links: &mut [Link],
    nodes: &[Node],
    host_bridges: &[Bridge],
) {
    // Which bridge (path, MTU) gave each link its MTU, when the link sets none.
    let mut given: Vec<Option<(String, u32)>> = vec![None; links.len()];
    for (place, owner, bridges) in written {
        let model = match place {
            Place::Host => host_bridges,
            Place::Node(n) => &nodes[*n].bridges,
        };
        for ((key, raw_bridge), bridge) in bridges.iter().zip(model) {
            let (Some(mtu), Some(span)) = (bridge.mtu, raw_bridge.mtu.as_ref().map(|m| m.span()))
            else {
                continue;
            };
            let path = bridge_path(*place, owner, key.get_ref());
            for (i, link) in links.iter_mut().enumerate() {
                let is_port = [&link.a, &link.b]
                    .iter()
                    .any(|e| e.place == *place && e.bridge.as_deref() == Some(&bridge.name));
                if !is_port {
                    continue;
                }
                port_mtu(c, raw, i, link, &mut given[i], (&path, mtu, span.clone()));
            }
        }
    }
    ipv6(c, raw, written, links, nodes, host_bridges);
}

/// Gives link `i`, a port of the bridge `(path, mtu, span of its mtu)`, the bridge's MTU, or
/// reports a link whose MTU differs.
fn port_mtu(
    c: &mut Checker,
    raw: &RawLab,
    i: usize,
    link: &mut Link,
    given: &mut Option<(String, u32)>,
    (path, mtu, span): (&str, u32, Range<usize>),
) {
    let why = "the kernel brings a bridge down to its smallest port's MTU";
    if let Some(own) = &raw.links[i].get_ref().mtu {
        if *own.get_ref() != mtu {
            c.err(
                own.span(),
                format!("links[{i}].mtu"),
                format!(
                    "links[{i}] has mtu {} but is a port of {path}, whose mtu is {mtu} ({why}): give them the same MTU, or leave the link's out to take the bridge's",
                    own.get_ref()
                ),
            );
        }
        return;
    }
    match given {
        Some((other, m)) if *m != mtu => c.err(
            span,
            format!("{path}.mtu"),
            format!(
                "links[{i}] is a port of both {other} (mtu {m}) and {path} (mtu {mtu}), and a veth has one MTU: give the bridges the same MTU"
            ),
        ),
        _ => {
            *given = Some((path.to_owned(), mtu));
            link.mtu = Some(mtu);
        }
    }
}

/// Reports each IPv6 address on a link or bridge whose MTU is below [`IPV6_MIN_MTU`].
fn ipv6(
    c: &mut Checker,
    raw: &RawLab,
    written: &[BridgesOf],
    links: &[Link],
    nodes: &[Node],
    host_bridges: &[Bridge],
) {
    let report = |c: &mut Checker,
                  addresses: &[IpPrefix],
                  spans: Vec<(Range<usize>, String)>,
                  mtu: u32,
                  what: &str| {
        for (a, (span, path)) in addresses.iter().zip(spans) {
            if !a.is_ipv4() {
                c.err(
                    span,
                    path,
                    format!(
                        "IPv6 address {a} needs an MTU of at least {IPV6_MIN_MTU}, and {what} has {mtu} (the kernel turns IPv6 off below that)"
                    ),
                );
            }
        }
    };
    for (i, (link, raw_link)) in links.iter().zip(&raw.links).enumerate() {
        let Some(mtu) = link.mtu.filter(|m| *m < IPV6_MIN_MTU) else {
            continue;
        };
        let raw_link = raw_link.get_ref();
        for (side, end, raw_end) in [("a", &link.a, &raw_link.a), ("b", &link.b, &raw_link.b)] {
            let spans = spans_of(&raw_end.get_ref().addresses, &format!("links[{i}].{side}"));
            report(c, &end.addresses, spans, mtu, &format!("links[{i}]"));
        }
    }
    for (place, owner, bridges) in written {
        let model = match place {
            Place::Host => host_bridges,
            Place::Node(n) => &nodes[*n].bridges,
        };
        for ((key, raw_bridge), bridge) in bridges.iter().zip(model) {
            let Some(mtu) = bridge.mtu.filter(|m| *m < IPV6_MIN_MTU) else {
                continue;
            };
            let path = bridge_path(*place, owner, key.get_ref());
            let spans = spans_of(&raw_bridge.addresses, &path);
            report(c, &bridge.addresses, spans, mtu, &path);
        }
    }
}

/// The span and path of each address as written, after the prefix `base`.
fn spans_of(addresses: &[crate::file::S<String>], base: &str) -> Vec<(Range<usize>, String)> {
    addresses
        .iter()
        .enumerate()
        .map(|(j, a)| (a.span(), format!("{base}.addresses[{j}]")))
        .collect()
}
