// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Topology`]: a validated lab, ready to be built. Made from a file or a string
//! ([`Topology::from_file`], [`Topology::from_str`](std::str::FromStr)) or a
//! [`Builder`](crate::Builder); every name is resolved and every address parsed. Those
//! constructors live with the validation (`validate/load.rs`), which depends on this file and
//! not the other way round.

use std::net::IpAddr;
use std::path::PathBuf;

use crate::impair::Impairment;
use crate::prefix::IpPrefix;
use crate::reach::Expect;

/// Where an interface lives: in a node's namespace, or in the host (the namespace the lab is
/// built from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// The host: the network namespace of the thread that builds the lab.
    Host,
    /// The node at this index in [`Topology::nodes`].
    Node(usize),
}

/// A validated lab topology.
///
/// ```
/// let t: netnest_lab::Topology = r#"
///     name = "demo"
///     [nodes.h1]
///     [nodes.h2]
///     [[links]]
///     a = { node = "h1", addresses = ["10.0.0.1/24"] }
///     b = { node = "h2", addresses = ["10.0.0.2/24"] }
/// "#.parse()?;
/// assert_eq!(t.nodes[0].namespace, "demo-h1");
/// assert_eq!(t.links[0].a.ifname, "eth0");
/// # Ok::<(), netnest_lab::SpecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Topology {
    /// The lab's name, the prefix of every namespace it makes (`NAME-NODE`).
    pub name: String,
    /// The nodes, in file order.
    pub nodes: Vec<Node>,
    /// The bridges made in the host.
    pub host_bridges: Vec<Bridge>,
    /// The veth links, in file order.
    pub links: Vec<Link>,
    /// The expectations `netnest lab test` checks (`[[expect]]`), in file order.
    pub expects: Vec<Expect>,
    /// The file it was read from, if any.
    pub file: Option<PathBuf>,
}

/// A node: one network namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Node {
    /// The node's name in the topology (`h1`).
    pub name: String,
    /// The namespace's name in the registry: `LAB-NODE`.
    pub namespace: String,
    /// Whether `lo` is brought up (the default).
    pub lo_up: bool,
    /// Addresses on `lo`.
    pub addresses: Vec<IpPrefix>,
    /// Sysctls written in the node's namespace, in order: (`net.ipv4.ip_forward`, `1`).
    pub sysctls: Vec<(String, String)>,
    /// Bridges made in the node.
    pub bridges: Vec<Bridge>,
    /// Routes added in the node, in order.
    pub routes: Vec<Route>,
    /// Commands started in the node once the topology is up, in order (`run = [...]`).
    pub run: Vec<RunCommand>,
}

/// A command the lab starts in a node and stops when it goes down.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunCommand {
    /// The command as written: `iperf3 -s -p 5201`.
    pub text: String,
    /// Its words (split as a shell would split plain words and quotes, with nothing expanded):
    /// the program and its arguments.
    pub argv: Vec<String>,
    /// Where it is written in the file, if it came from one.
    pub location: Option<crate::error::Location>,
}

impl RunCommand {
    /// A command from its text; `None` if it has no words or an unclosed quote.
    pub fn new(text: &str) -> Option<RunCommand> {
        let argv = crate::names::split_words(text)?;
        if argv.is_empty() {
            return None;
        }
        Some(RunCommand {
            text: text.to_owned(),
            argv,
            location: None,
        })
    }
}

/// A bridge (`ip link add NAME type bridge`), up, with its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bridge {
    /// The interface name.
    pub name: String,
    /// Its addresses.
    pub addresses: Vec<IpPrefix>,
    /// Its MTU, if set.
    pub mtu: Option<u32>,
}

/// A veth pair between two places, both ends up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Link {
    /// The first end.
    pub a: End,
    /// The second end.
    pub b: End,
    /// The MTU of both ends, if set.
    pub mtu: Option<u32>,
}

/// One end of a veth link.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct End {
    /// Where it lives.
    pub place: Place,
    /// Its interface name (at most 15 bytes).
    pub ifname: String,
    /// Its addresses.
    pub addresses: Vec<IpPrefix>,
    /// The bridge (in the same place) it is a port of.
    pub bridge: Option<String>,
    /// What its egress does to packets (empty: nothing), set once the links exist.
    pub impair: Impairment,
}

/// A route (`ip route add TO [via GATEWAY] [dev DEV] [metric N]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The destination network; `0.0.0.0/0` or `::/0` for `default`.
    pub to: IpPrefix,
    /// The gateway.
    pub via: Option<IpAddr>,
    /// The output interface.
    pub dev: Option<String>,
    /// The metric.
    pub metric: Option<u32>,
    /// ECMP next hops (then `via` and `dev` are `None`); empty for a single path.
    pub nexthops: Vec<Nexthop>,
}

/// One next hop of a multipath route (`nexthop via GATEWAY dev DEV weight W`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Nexthop {
    /// The gateway.
    pub via: Option<IpAddr>,
    /// The output interface.
    pub dev: Option<String>,
    /// The weight, 1 to 256.
    pub weight: u16,
}

impl Route {
    /// Whether this is a default route.
    pub fn is_default(&self) -> bool {
        self.to.len == 0
    }
}

impl Topology {
    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// The index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// A human name for a place: the node's name, or `host`.
    pub fn place_name(&self, place: Place) -> &str {
        match place {
            Place::Host => "host",
            Place::Node(i) => &self.nodes[i].name,
        }
    }

    /// The bridges of a place.
    pub fn bridges(&self, place: Place) -> &[Bridge] {
        match place {
            Place::Host => &self.host_bridges,
            Place::Node(i) => &self.nodes[i].bridges,
        }
    }

    /// The host interfaces the lab makes: veth ends in the host, then host bridges.
    pub fn host_interfaces(&self) -> Vec<&str> {
        let ends = self
            .links
            .iter()
            .flat_map(|l| [&l.a, &l.b])
            .filter(|e| e.place == Place::Host)
            .map(|e| e.ifname.as_str());
        ends.chain(self.host_bridges.iter().map(|b| b.name.as_str()))
            .collect()
    }
}
