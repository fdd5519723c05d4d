// SPDX-License-Identifier: MIT OR Apache-2.0
//! Bridge ports: `bridge = "BR"` on a link end, and `members = [...]` on a bridge.

use super::{BridgesOf, Checker};
use crate::file::RawLab;
use crate::topology::{Bridge, Link, Node, Place};

/// Makes each end named as a port (on the end or in a bridge's `members`) a port of its bridge.
pub(super) fn resolve(
    c: &mut Checker,
    raw: &RawLab,
    node_bridges: &[BridgesOf],
    links: &mut [Link],
    nodes: &[Node],
    host_bridges: &[Bridge],
) {
    for (i, l) in raw.links.iter().enumerate() {
        for (k, e) in [&l.get_ref().a, &l.get_ref().b].into_iter().enumerate() {
            let Some(bridge) = &e.get_ref().bridge else {
                continue;
            };
            let end = if k == 0 {
                &mut links[i].a
            } else {
                &mut links[i].b
            };
            let path = format!("links[{i}].{}.bridge", ["a", "b"][k]);
            let bridges = match end.place {
                Place::Host => host_bridges,
                Place::Node(n) => &nodes[n].bridges,
            };
            if bridges.iter().any(|b| &b.name == bridge.get_ref()) {
                end.bridge = Some(bridge.get_ref().clone());
            } else {
                let known: Vec<&str> = bridges.iter().map(|b| b.name.as_str()).collect();
                c.err(
                    bridge.span(),
                    path,
                    format!(
                        "unknown bridge \"{}\" in {} ({})",
                        bridge.get_ref(),
                        e.get_ref().node.get_ref(),
                        if known.is_empty() {
                            "it has no bridges".to_owned()
                        } else {
                            format!("its bridges are: {}", known.join(", "))
                        }
                    ),
                );
            }
        }
    }
    for (place, owner, bridges) in node_bridges {
        for (key, b) in bridges.iter() {
            for (j, member) in b.members.iter().enumerate() {
                let path = match place {
                    Place::Host => format!("host.bridges.{}.members[{j}]", key.get_ref()),
                    Place::Node(_) => {
                        format!("nodes.{owner}.bridges.{}.members[{j}]", key.get_ref())
                    }
                };
                let end = links
                    .iter_mut()
                    .flat_map(|l| [&mut l.a, &mut l.b])
                    .find(|e| e.place == *place && &e.ifname == member.get_ref());
                match end {
                    None => c.err(
                        member.span(),
                        path,
                        format!("\"{}\" is not a link end in {owner}", member.get_ref()),
                    ),
                    Some(end) => match &end.bridge {
                        Some(other) if other != key.get_ref() => c.err(
                            member.span(),
                            path,
                            format!(
                                "\"{}\" is already a port of bridge \"{other}\"",
                                member.get_ref()
                            ),
                        ),
                        _ => end.bridge = Some(key.get_ref().clone()),
                    },
                }
            }
        }
    }
}
