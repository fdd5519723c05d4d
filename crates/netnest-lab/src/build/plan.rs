// SPDX-License-Identifier: MIT OR Apache-2.0
//! The plan: which namespace sends which request, in which of the two rounds, and what index
//! each node interface gets. Computed once from the [`Topology`]; nothing is looked up twice.
//!
//! Round one (links), per namespace in one batch: `lo` up, bridges (up), then every veth this
//! namespace owns, with its MTU, the local end created up and already enslaved, and the peer
//! created directly inside its namespace. A veth is owned by its `a` end's node (by its `b` end's
//! when `a` is in the host). Round two (addresses), per namespace in one batch: peers brought up
//! and enslaved (one request each), addresses, routes. The nodes' sysctls are written between
//! the rounds, when every interface exists, except the `conf.default` ones, written before the
//! interfaces are made.

use std::collections::HashMap;
use std::fmt;
use std::os::fd::RawFd;

use super::requests::{self, Dev, Request, VethSide};
use crate::topology::{End, Link, Place, Topology};

/// The text that marks a host interface as a lab's (`ip link` shows it as `alias`).
pub(crate) fn alias(lab: &str) -> String {
    format!("netnest-lab {lab}")
}

/// What one request does, to say which step failed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    LoUp(usize),
    AddBridge(Place, usize),
    MarkBridge(Place, usize),
    AddVeth(usize),
    MarkVeth(usize, bool),
    Configure(usize, bool),
    AddAddress(usize, bool, usize),
    AddBridgeAddress(Place, usize, usize),
    AddRoute(usize, usize),
    Impair(usize, bool),
    AddLoAddress(usize, usize),
}

/// A [`Step`] with its topology, for display.
pub(crate) struct StepText<'a>(pub &'a Topology, pub Step);

impl fmt::Display for StepText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        let end = |link: usize, b: bool| -> &End {
            let l = &t.links[link];
            if b {
                &l.b
            } else {
                &l.a
            }
        };
        let at = |e: &End| format!("{}:{}", t.place_name(e.place), e.ifname);
        match self.1 {
            Step::LoUp(n) => write!(f, "bring lo up in {}", t.nodes[n].name),
            Step::AddBridge(p, b) => write!(
                f,
                "create bridge {}:{}",
                t.place_name(p),
                t.bridges(p)[b].name
            ),
            Step::MarkBridge(p, b) => write!(
                f,
                "set the alias of bridge {}:{}",
                t.place_name(p),
                t.bridges(p)[b].name
            ),
            Step::AddVeth(l) => write!(
                f,
                "create veth {} -- {}",
                at(&t.links[l].a),
                at(&t.links[l].b)
            ),
            Step::MarkVeth(l, b) => write!(f, "set the alias of {}", at(end(l, b))),
            Step::Configure(l, b) => {
                let e = end(l, b);
                match &e.bridge {
                    Some(br) => write!(f, "add {} to bridge {br} and bring it up", at(e)),
                    None => write!(f, "bring {} up", at(e)),
                }
            }
            Step::AddAddress(l, b, a) => {
                let e = end(l, b);
                write!(f, "add address {} to {}", e.addresses[a], at(e))
            }
            Step::AddBridgeAddress(p, b, a) => {
                let br = &t.bridges(p)[b];
                write!(
                    f,
                    "add address {} to {}:{}",
                    br.addresses[a],
                    t.place_name(p),
                    br.name
                )
            }
            Step::AddLoAddress(n, a) => {
                let node = &t.nodes[n];
                write!(f, "add address {} to {}:lo", node.addresses[a], node.name)
            }
            Step::Impair(l, b) => {
                let e = end(l, b);
                write!(f, "set {} on {}", e.impair, at(e))
            }
            Step::AddRoute(n, r) => {
                let node = &t.nodes[n];
                let r = &node.routes[r];
                write!(f, "add route ")?;
                if r.is_default() {
                    write!(f, "default")?;
                } else {
                    write!(f, "{}", r.to)?;
                }
                if let Some(via) = r.via {
                    write!(f, " via {via}")?;
                }
                if let Some(dev) = &r.dev {
                    write!(f, " dev {dev}")?;
                }
                write!(f, " in {}", node.name)
            }
        }
    }
}

/// The requests of one namespace for one round, each with its step.
pub(crate) type Batch = Vec<(Request, Step)>;

/// Indexes and ownership, computed once.
pub(crate) struct Plan<'t> {
    t: &'t Topology,
    /// The index of every interface in a node: `(node, name)`.
    index: HashMap<(usize, &'t str), u32>,
    /// The link group of the lab's host interfaces (`None`: the default group).
    host_group: Option<u32>,
}

/// Which place creates link `l`, and whether its main (local) end is `b`.
pub(crate) fn owner(l: &Link) -> (Place, bool) {
    match l.a.place {
        Place::Host => (l.b.place, l.b.place != Place::Host),
        p => (p, false),
    }
}

impl<'t> Plan<'t> {
    pub(crate) fn new(t: &'t Topology) -> Plan<'t> {
        // One sequence for the whole lab (2, 3, …; lo is 1 everywhere), not one per namespace:
        // the two ends of a veth then never share an index. The kernel handles a link's
        // carrier change at once only when its index differs from its peer's (`iflink`);
        // otherwise the event waits for linkwatch's next round, up to a second later.
        let mut index = HashMap::new();
        let mut next = 2u32;
        for (n, node) in t.nodes.iter().enumerate() {
            for b in &node.bridges {
                index.insert((n, b.name.as_str()), next);
                next += 1;
            }
        }
        for l in &t.links {
            for e in [&l.a, &l.b] {
                if let Place::Node(n) = e.place {
                    index.insert((n, e.ifname.as_str()), next);
                    next += 1;
                }
            }
        }
        Plan {
            t,
            index,
            host_group: None,
        }
    }

    /// Puts every host interface the lab makes (bridges and veth ends) in link group `group`.
    pub(crate) fn with_host_group(mut self, group: Option<u32>) -> Plan<'t> {
        self.host_group = group;
        self
    }

    /// The group of an interface in `place`.
    fn group(&self, place: Place) -> Option<u32> {
        match place {
            Place::Host => self.host_group,
            Place::Node(_) => None,
        }
    }

    /// The index of an interface in a node.
    pub(crate) fn index(&self, node: usize, name: &str) -> u32 {
        self.index[&(node, name)]
    }

    /// How requests in `place` name the interface `name`: by index in a node, by the
    /// looked-up index or name in the host.
    fn dev<'a>(&self, place: Place, name: &'a str, host: &HashMap<String, u32>) -> Dev<'a> {
        match place {
            Place::Node(n) => Dev::Index(self.index(n, name)),
            Place::Host => host.get(name).map_or(Dev::Name(name), |&i| Dev::Index(i)),
        }
    }

    fn bridge_index(&self, place: Place, bridge: &str, host: &HashMap<String, u32>) -> u32 {
        match place {
            Place::Node(n) => self.index(n, bridge),
            Place::Host => host.get(bridge).copied().unwrap_or(0),
        }
    }

    /// Round one for `place`: `lo`, bridges, the veths it owns. `fd` gives each place's
    /// namespace descriptor (for peers made elsewhere).
    pub(crate) fn links(&self, place: Place, fd: &dyn Fn(Place) -> RawFd) -> Batch {
        let t = self.t;
        let none = HashMap::new();
        let mut batch = Batch::new();
        if let Place::Node(n) = place {
            if t.nodes[n].lo_up {
                batch.push((requests::set_up(Dev::Index(1)), Step::LoUp(n)));
            }
        }
        for (i, b) in t.bridges(place).iter().enumerate() {
            let index = match place {
                Place::Node(n) => self.index(n, &b.name),
                Place::Host => 0,
            };
            batch.push((
                requests::add_bridge(index, &b.name, b.mtu, self.group(place)),
                Step::AddBridge(place, i),
            ));
            if place == Place::Host {
                batch.push((
                    requests::set_alias(Dev::Name(&b.name), &alias(&t.name)),
                    Step::MarkBridge(place, i),
                ));
            }
        }
        for (l, link) in t.links.iter().enumerate() {
            let (owner, main_is_b) = owner(link);
            if owner != place {
                continue;
            }
            let (main, peer) = if main_is_b {
                (&link.b, &link.a)
            } else {
                (&link.a, &link.b)
            };
            let side = |e: &'t End| VethSide {
                index: match e.place {
                    Place::Node(n) => self.index(n, &e.ifname),
                    Place::Host => 0,
                },
                name: &e.ifname,
                master: match (e.place, &e.bridge) {
                    (Place::Node(_), Some(br)) if e.place == place => {
                        Some(self.bridge_index(place, br, &none))
                    }
                    _ => None,
                },
                group: self.group(e.place),
            };
            let peer_netns = (peer.place != place).then(|| fd(peer.place));
            batch.push((
                requests::add_veth(side(main), side(peer), link.mtu, peer_netns),
                Step::AddVeth(l),
            ));
            if place == Place::Host {
                for (e, b) in [(&link.a, false), (&link.b, true)] {
                    batch.push((
                        requests::set_alias(Dev::Name(&e.ifname), &alias(&t.name)),
                        Step::MarkVeth(l, b),
                    ));
                }
            }
        }
        batch
    }

    /// Round two for `place`: enslave the ends not enslaved at creation, add addresses and
    /// routes. `host` has the indexes of the host's interfaces (looked up after round one).
    pub(crate) fn addresses(&self, place: Place, host: &HashMap<String, u32>) -> Batch {
        let t = self.t;
        let mut batch = Batch::new();
        for (l, link) in t.links.iter().enumerate() {
            let (owner, main_is_b) = owner(link);
            for (e, is_b) in [(&link.a, false), (&link.b, true)] {
                if e.place != place {
                    continue;
                }
                let main = owner == place && main_is_b == is_b;
                // The main end was made up (and enslaved, in a node) at creation.
                if main && (place != Place::Host || e.bridge.is_none()) {
                    continue;
                }
                let master = e
                    .bridge
                    .as_ref()
                    .map(|br| self.bridge_index(place, br, host));
                batch.push((
                    requests::configure(self.dev(place, &e.ifname, host), master),
                    Step::Configure(l, is_b),
                ));
            }
        }
        let index_of = |name: &str| match self.dev(place, name, host) {
            Dev::Index(i) => i,
            Dev::Name(_) => 0,
        };
        for (i, b) in t.bridges(place).iter().enumerate() {
            for (a, prefix) in b.addresses.iter().enumerate() {
                batch.push((
                    requests::add_address(index_of(&b.name), prefix),
                    Step::AddBridgeAddress(place, i, a),
                ));
            }
        }
        for (l, link) in t.links.iter().enumerate() {
            for (e, is_b) in [(&link.a, false), (&link.b, true)] {
                if e.place != place {
                    continue;
                }
                for (a, prefix) in e.addresses.iter().enumerate() {
                    batch.push((
                        requests::add_address(index_of(&e.ifname), prefix),
                        Step::AddAddress(l, is_b, a),
                    ));
                }
            }
        }
        if let Place::Node(n) = place {
            for (a, prefix) in t.nodes[n].addresses.iter().enumerate() {
                batch.push((requests::add_address(1, prefix), Step::AddLoAddress(n, a)));
            }
            for (r, route) in t.nodes[n].routes.iter().enumerate() {
                let oif = route.dev.as_deref().map(|d| self.index(n, d));
                let hops: Vec<Option<u32>> = route
                    .nexthops
                    .iter()
                    .map(|h| h.dev.as_deref().map(|d| self.index(n, d)))
                    .collect();
                batch.push((requests::add_route(route, oif, &hops), Step::AddRoute(n, r)));
            }
        }
        // Last, once the interfaces are up: the impairments (a qdisc on each end's egress).
        for (l, link) in t.links.iter().enumerate() {
            for (e, is_b) in [(&link.a, false), (&link.b, true)] {
                if e.place != place {
                    continue;
                }
                for request in e.impair.requests(index_of(&e.ifname)) {
                    batch.push((request, Step::Impair(l, is_b)));
                }
            }
        }
        batch
    }
}
