// SPDX-License-Identifier: MIT OR Apache-2.0
//! Generated topologies of any size, for benchmarks and load tests: a star around a bridge and
//! a chain of routers, each addressed, routed and up. [`crate::script`] writes the equivalent
//! `ip` shell script and `ip -batch` script of any topology, so the three can be timed side by
//! side.

use std::net::{IpAddr, Ipv4Addr};

use netnest_lab::Builder;
use netnest_lab::Topology;

fn v4(n: u32) -> Ipv4Addr {
    Ipv4Addr::from(n)
}

/// A star of `leaves` nodes `n1`…`nN` around bridge `br0` in node `sw` (`leaves + 1`
/// namespaces): leaf `i` has `eth0` with 10.1.0.0/16 + i, and a default route via the bridge's
/// address 10.1.255.254; the switch's port to leaf `i` is `p{i}`.
///
/// # Panics
///
/// If `leaves` is 0 or more than 65000, or `name` is not a valid lab name.
pub fn star(name: &str, leaves: usize) -> Topology {
    assert!((1..=65000).contains(&leaves), "1 to 65000 leaves");
    let base = u32::from(Ipv4Addr::new(10, 1, 0, 0));
    let mut b = Builder::new(name);
    b.node("sw").bridge("br0", ["10.1.255.254/16"]);
    for i in 1..=leaves {
        let leaf = format!("n{i}");
        b.node(&leaf).route("default", "10.1.255.254");
        b.link(&format!("{leaf}:eth0"), &format!("sw:p{i}"))
            .addresses(
                [format!("{}/16", v4(base + i as u32))],
                Vec::<String>::new(),
            )
            .bridge_b("br0");
    }
    b.build().expect("a generated star is valid")
}

/// The smallest list of CIDR blocks covering the addresses `first..=last`.
fn blocks(mut first: u32, last: u32) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    while first <= last {
        let mut len = 32u8;
        // Grow the block while it stays aligned and inside the range.
        while len > 0 {
            let size = 1u64 << (33 - len);
            let aligned = u64::from(first) % size == 0;
            if !aligned || u64::from(first) + size - 1 > u64::from(last) {
                break;
            }
            len -= 1;
        }
        out.push((first, len));
        let next = u64::from(first) + (1u64 << (32 - len));
        if next > u64::from(u32::MAX) {
            break;
        }
        first = next as u32;
    }
    out
}

/// A chain of `nodes` nodes `n1`…`nN` (at least 2): link `i` joins `n{i}:eth1` and
/// `n{i+1}:eth0` on the /30 10.2.0.0 + 4·i. Every inner node forwards; each node's default
/// route points right (the last one's left), and the links further left are reached through
/// the left neighbour by a few aggregated routes (at most ~2·log2(N) per node). Every node
/// reaches every address.
///
/// # Panics
///
/// If `nodes` is not between 2 and 16000, or `name` is not a valid lab name.
pub fn chain(name: &str, nodes: usize) -> Topology {
    assert!((2..=16000).contains(&nodes), "2 to 16000 nodes");
    let base = u32::from(Ipv4Addr::new(10, 2, 0, 0));
    let subnet = |link: usize| base + 4 * link as u32;
    let left_of = |link: usize| v4(subnet(link) + 1); // n{link}'s address on link
    let right_of = |link: usize| v4(subnet(link) + 2); // n{link+1}'s address on link
    let mut b = Builder::new(name);
    for k in 1..=nodes {
        let mut node = b.node(&format!("n{k}"));
        if k > 1 && k < nodes {
            node = node.sysctl("net.ipv4.ip_forward", "1");
        }
        if k < nodes {
            // Right: n{k+1} on link k.
            node = node.route("default", &right_of(k).to_string());
            if k >= 3 {
                // Links 1..=k-2 lie left, behind n{k-1} (its address on link k-1).
                let via = left_of(k - 1).to_string();
                for (net, len) in blocks(subnet(1), subnet(k - 2) + 3) {
                    node = node.route(&format!("{}/{len}", v4(net)), &via);
                }
            }
        } else {
            node.route("default", &left_of(k - 1).to_string());
        }
    }
    for i in 1..nodes {
        b.link(&format!("n{i}:eth1"), &format!("n{}:eth0", i + 1))
            .addresses(
                [format!("{}/30", left_of(i))],
                [format!("{}/30", right_of(i))],
            );
    }
    b.build().expect("a generated chain is valid")
}

/// The address of node `n{k}` of a [`chain`] on its left link (`k` ≥ 2), or right link for
/// `n1`: what a test pings to cross the whole chain.
pub fn chain_address(k: usize) -> IpAddr {
    let base = u32::from(Ipv4Addr::new(10, 2, 0, 0));
    if k == 1 {
        IpAddr::V4(v4(base + 4 + 1))
    } else {
        IpAddr::V4(v4(base + 4 * (k as u32 - 1) + 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks() {
        let ip = |s: &str| u32::from(s.parse::<Ipv4Addr>().unwrap());
        assert_eq!(
            blocks(ip("10.2.0.4"), ip("10.2.0.7")),
            [(ip("10.2.0.4"), 30)]
        );
        assert_eq!(
            blocks(ip("10.2.0.4"), ip("10.2.0.15")),
            [(ip("10.2.0.4"), 30), (ip("10.2.0.8"), 29)]
        );
        assert_eq!(blocks(0, u32::MAX), [(0, 0)]);
    }

    #[test]
    fn shapes() {
        let s = star("s", 200);
        assert_eq!(s.nodes.len(), 201);
        assert_eq!(s.links.len(), 200);
        assert_eq!(s.links[199].a.addresses[0].to_string(), "10.1.0.200/16");
        let c = chain("c", 200);
        assert_eq!(c.nodes.len(), 200);
        let most = c.nodes.iter().map(|n| n.routes.len()).max().unwrap();
        assert!(most <= 16, "{most} routes");
        assert_eq!(chain_address(200).to_string(), "10.2.3.30");
        assert_eq!(s.to_toml().parse::<Topology>().unwrap(), s);
        assert_eq!(c.to_toml().parse::<Topology>().unwrap(), c);
    }
}
