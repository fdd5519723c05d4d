// SPDX-License-Identifier: MIT OR Apache-2.0
//! Generated topologies in the shapes lab users know from Mininet and routing labs, addressed
//! and routed so that every node reaches every other (`netnest lab pingall` passes):
//!
//! * switched (one IPv4 subnet, 10.0.0.0/8, switches are bridges): [`linear`] (Mininet's
//!   `--topo linear,N`), [`tree`] (`--topo tree,DEPTH,FANOUT`), [`star`] (`--topo single,N`);
//!   the switches are bridges inside switch nodes, or bridges in the host with the
//!   switch-to-switch veths in the host too, as Mininet builds them ([`Switches`]);
//! * routed (a /30 per link, every node forwards, a route per remote link along a shortest
//!   path): [`ring`] and [`clos`] (leaf and spine routers, hosts under the leaves).
//!
//! `netnest lab generate` prints them as topology files ([`Topology::to_toml`]).

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use crate::builder::Builder;
use crate::error::SpecError;
use crate::topology::Topology;

/// Where the switches of a switched shape are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switches {
    /// Each switch a node `sI` with a bridge `br0` inside (one namespace per switch).
    InNodes,
    /// Each switch a bridge `LAB-sI` in the host, the switch-to-switch veths with both ends in
    /// the host (`LAB-sIeJ`), as Mininet does with `--switch lxbr`. The lab name must be short
    /// enough for these names to fit 15 bytes.
    InHost,
}

/// The address of host `i` (from 1) of a switched shape: 10.0.0.0/8 + i.
fn host_address(i: usize) -> String {
    format!(
        "{}/8",
        Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + i as u32)
    )
}

/// Builds a switched topology: `hosts` hosts `h1…`, switches `s1…s{switches}`, host `i`
/// attached to switch `attach(i)`, and switch-to-switch links `trunks` (pairs of switch
/// numbers).
fn switched(
    name: &str,
    hosts: usize,
    switches: usize,
    attach: impl Fn(usize) -> usize,
    trunks: &[(usize, usize)],
    place: Switches,
) -> Result<Topology, SpecError> {
    let mut b = Builder::new(name);
    let mut ports = vec![0usize; switches + 1];
    // The end of a new port of switch `s`: the link end and the bridge it joins.
    let mut port = |s: usize| {
        ports[s] += 1;
        match place {
            Switches::InNodes => (format!("s{s}:eth{}", ports[s] - 1), "br0".to_owned()),
            Switches::InHost => (
                format!("host:{name}-s{s}e{}", ports[s]),
                format!("{name}-s{s}"),
            ),
        }
    };
    for s in 1..=switches {
        match place {
            Switches::InNodes => {
                b.node(&format!("s{s}")).bridge("br0", Vec::<String>::new());
            }
            Switches::InHost => {
                b.host_bridge(&format!("{name}-s{s}"), Vec::<String>::new());
            }
        }
    }
    for h in 1..=hosts {
        b.node(&format!("h{h}"));
        let (end, bridge) = port(attach(h));
        b.link(&format!("h{h}:eth0"), &end)
            .addresses([host_address(h)], Vec::<String>::new())
            .bridge_b(&bridge);
    }
    for &(x, y) in trunks {
        let (a, bridge_a) = port(x);
        let (z, bridge_b) = port(y);
        b.link(&a, &z).bridge_a(&bridge_a).bridge_b(&bridge_b);
    }
    b.build()
}

/// Mininet's linear topology: `n` switches in a chain, one host under each.
pub fn linear(name: &str, n: usize, place: Switches) -> Result<Topology, SpecError> {
    let trunks: Vec<_> = (1..n).map(|s| (s, s + 1)).collect();
    switched(name, n, n, |h| h, &trunks, place)
}

/// One switch with `n` hosts (Mininet's `single,N`).
pub fn star(name: &str, n: usize, place: Switches) -> Result<Topology, SpecError> {
    switched(name, n, 1, |_| 1, &[], place)
}

/// Mininet's tree: switches `depth` levels deep, each with `fanout` children; `fanout` hosts
/// under each switch of the last level (`fanout^depth` hosts).
pub fn tree(name: &str, depth: u32, fanout: usize, place: Switches) -> Result<Topology, SpecError> {
    let depth = depth.max(1);
    let mut trunks = Vec::new();
    let mut level = vec![1usize];
    let mut next_switch = 2;
    for _ in 1..depth {
        let mut below = Vec::new();
        for &parent in &level {
            for _ in 0..fanout {
                trunks.push((parent, next_switch));
                below.push(next_switch);
                next_switch += 1;
            }
        }
        level = below;
    }
    let switches = next_switch - 1;
    let hosts = level.len() * fanout;
    switched(
        name,
        hosts,
        switches,
        |h| level[(h - 1) / fanout],
        &trunks,
        place,
    )
}

/// Builds a routed topology over the graph `edges` between `names`: link `k` is the /30
/// 10.0.0.0 + 4k, every node forwards and has, for each link it is not on, a route through its
/// neighbour on a shortest path.
fn routed(name: &str, names: &[String], edges: &[(usize, usize)]) -> Result<Topology, SpecError> {
    let base = u32::from(Ipv4Addr::new(10, 0, 0, 0));
    let addr = |k: usize, side: u32| Ipv4Addr::from(base + 4 * k as u32 + side);
    let n = names.len();
    // Per node: (neighbour, link) in link order; interface eth{position}.
    let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, &(x, y)) in edges.iter().enumerate() {
        adjacent[x].push((y, k));
        adjacent[y].push((x, k));
    }
    let ifname = |node: usize, link: usize| {
        let at = adjacent[node]
            .iter()
            .position(|&(_, k)| k == link)
            .expect("own link");
        format!("{}:eth{at}", names[node])
    };
    let mut b = Builder::new(name);
    for u in 0..n {
        // Breadth-first from u: the first hop (as a link) towards every node.
        let mut first: Vec<Option<usize>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[u] = true;
        let mut queue = VecDeque::from([u]);
        while let Some(v) = queue.pop_front() {
            for &(w, k) in &adjacent[v] {
                if !seen[w] {
                    seen[w] = true;
                    first[w] = if v == u { Some(k) } else { first[v] };
                    queue.push_back(w);
                }
            }
        }
        let mut node = b.node(&names[u]).sysctl("net.ipv4.ip_forward", "1");
        for (k, &(x, y)) in edges.iter().enumerate() {
            if x == u || y == u {
                continue;
            }
            // Towards the nearer end of link k.
            let Some(hop) = first[x].or(first[y]) else {
                continue;
            };
            let (hx, _) = edges[hop];
            let gateway = if hx == u { addr(hop, 2) } else { addr(hop, 1) };
            node = node.route(&format!("{}/30", addr(k, 0)), &gateway.to_string());
        }
    }
    for (k, &(x, y)) in edges.iter().enumerate() {
        b.link(&ifname(x, k), &ifname(y, k)).addresses(
            [format!("{}/30", addr(k, 1))],
            [format!("{}/30", addr(k, 2))],
        );
    }
    b.build()
}

/// `n` routers `r1…rN` in a ring (at least 3).
pub fn ring(name: &str, n: usize) -> Result<Topology, SpecError> {
    let n = n.max(3);
    let names: Vec<String> = (1..=n).map(|i| format!("r{i}")).collect();
    let edges: Vec<_> = (0..n).map(|i| (i, (i + 1) % n)).collect();
    routed(name, &names, &edges)
}

/// A two-level Clos (leaf and spine): `spines` spine routers, `leaves` leaf routers each linked
/// to every spine, `hosts` hosts under each leaf.
pub fn clos(name: &str, spines: usize, leaves: usize, hosts: usize) -> Result<Topology, SpecError> {
    let mut names: Vec<String> = (1..=spines).map(|i| format!("spine{i}")).collect();
    names.extend((1..=leaves).map(|i| format!("leaf{i}")));
    let mut edges = Vec::new();
    for l in 0..leaves {
        for s in 0..spines {
            edges.push((spines + l, s));
        }
    }
    for l in 0..leaves {
        for h in 1..=hosts {
            names.push(format!("h{}-{h}", l + 1));
            edges.push((spines + l, names.len() - 1));
        }
    }
    routed(name, &names, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::Place;

    #[test]
    fn linear_in_the_host_is_minis_shape() {
        let t = linear("m", 4, Switches::InHost).unwrap();
        assert_eq!(t.nodes.len(), 4, "hosts only");
        assert_eq!(t.host_bridges.len(), 4);
        assert_eq!(t.links.len(), 4 + 3);
        let trunk = &t.links[4];
        assert_eq!((trunk.a.place, trunk.b.place), (Place::Host, Place::Host));
        assert_eq!(trunk.a.bridge.as_deref(), Some("m-s1"));
        assert_eq!(t.to_toml().parse::<Topology>().unwrap(), t);
        let nodes = linear("m", 4, Switches::InNodes).unwrap();
        assert_eq!(nodes.nodes.len(), 8);
        assert!(nodes.host_interfaces().is_empty());
    }

    #[test]
    fn tree_has_fanout_to_the_depth_hosts() {
        let t = tree("t", 2, 3, Switches::InNodes).unwrap();
        let hosts = t.nodes.iter().filter(|n| n.name.starts_with('h')).count();
        assert_eq!(hosts, 9);
        assert_eq!(t.nodes.len(), 9 + 4);
    }

    #[test]
    fn routed_shapes_route_every_remote_link() {
        let r = ring("r", 5).unwrap();
        assert_eq!(r.links.len(), 5);
        // Each router is on 2 of the 5 links and routes to the other 3.
        assert!(r.nodes.iter().all(|n| n.routes.len() == 3));
        let c = clos("c", 2, 3, 2).unwrap();
        assert_eq!(c.nodes.len(), 2 + 3 + 6);
        assert_eq!(c.links.len(), 6 + 6);
        assert!(c
            .nodes
            .iter()
            .all(|n| n.routes.len() == 12 - n_links(&c, &n.name)));
        assert_eq!(c.to_toml().parse::<Topology>().unwrap(), c);
    }

    fn n_links(t: &Topology, node: &str) -> usize {
        let i = t.node_index(node).unwrap();
        t.links
            .iter()
            .filter(|l| l.a.place == Place::Node(i) || l.b.place == Place::Node(i))
            .count()
    }
}
