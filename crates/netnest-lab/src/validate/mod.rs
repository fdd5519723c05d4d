// SPDX-License-Identifier: MIT OR Apache-2.0
//! From the file as written ([`crate::file`]) to a [`Topology`]: every name resolved, every
//! address parsed, every problem reported with its place. Nothing here touches the system,
//! except one probe for the kernel's `netem` when a file asks for it (`impair.rs`).
//!
//! [`check`] runs the steps in order: the lab's name, the nodes, the bridges, the links (ends
//! resolved, explicit interface names claimed), the default interface names, bridge ports, MTUs,
//! duplicate addresses, then each node's own settings (sysctls, routes), then impairments and expectations.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::error::SpecError;
use crate::file::{RawBridge, RawEnd, RawLab, S};

mod addresses;
mod checker;
mod expect;
mod impair;
mod load;
mod mtu;
mod names;
mod node;
mod ports;
mod rename;
mod route;
mod syntax;

use checker::Checker;
use names::Taken;

use crate::names::{bad_name, default_host_ifname, IFNAME_MAX};
use crate::topology::{Bridge, End, Link, Node, Place, Topology};
use route::check_route;

/// The word that names the host as a link end.
pub(crate) const HOST: &str = "host";

/// Parses TOML text and validates it.
pub(crate) fn from_text(text: &str, file: Option<&Path>) -> Result<Topology, SpecError> {
    let mut raw: RawLab =
        toml::from_str(text).map_err(|e| SpecError::new(file, vec![syntax::problem(text, &e)]))?;
    for link in &mut raw.links {
        link.get_mut().fix_spans(text);
    }
    check(raw, Some(text), file)
}

/// The bridges written for one place: where, its name, the entries.
type BridgesOf<'a> = (Place, &'a str, &'a [(S<String>, RawBridge)]);

/// Validates the file's structure into a [`Topology`].
pub(crate) fn check(
    raw: RawLab,
    source: Option<&str>,
    file: Option<&Path>,
) -> Result<Topology, SpecError> {
    let mut c = Checker {
        source,
        problems: Vec::new(),
    };
    let lab = raw.name.get_ref().clone();
    if let Some(why) = bad_name(&lab) {
        c.err(raw.name.span(), "name", format!("invalid lab name: {why}"));
    }
    let mut nodes = nodes(&mut c, &raw, &lab);
    let mut taken = Taken::new(nodes.len());
    let node_bridges = bridges_written(&raw);
    let host_bridges = bridges(&mut c, &raw, &node_bridges, &mut taken, &mut nodes);
    let (mut links, spans) = links(&mut c, &raw, &nodes, &mut taken);
    default_names(&mut c, &raw, &lab, &nodes, &mut taken, &mut links, &spans);
    ports::resolve(
        &mut c,
        &raw,
        &node_bridges,
        &mut links,
        &nodes,
        &host_bridges,
    );
    mtu::check(
        &mut c,
        &raw,
        &node_bridges,
        &mut links,
        &nodes,
        &host_bridges,
    );
    addresses::duplicates(&mut c, &raw, &node_bridges, &links, &nodes, &host_bridges);
    node::settings(&mut c, &raw, &mut nodes, &links);
    impair::resolve(&mut c, &raw, &mut links);
    let expects = expect::resolve(&mut c, &raw, &nodes);

    if c.problems.is_empty() {
        Ok(Topology {
            name: lab,
            nodes,
            host_bridges,
            links,
            expects,
            file: file.map(Path::to_path_buf),
        })
    } else {
        let mut problems = c.problems;
        problems.sort_by_key(|p| p.location.as_ref().map(|l| (l.line, l.column)));
        Err(SpecError::new(file, problems))
    }
}

/// The nodes, in file order, with their names checked (settings come last, in [`node`]).
fn nodes(c: &mut Checker, raw: &RawLab, lab: &str) -> Vec<Node> {
    let mut nodes = Vec::with_capacity(raw.nodes.0.len());
    for (key, _) in &raw.nodes.0 {
        let name = key.get_ref();
        let path = format!("nodes.{name}");
        if name == HOST {
            c.err(
                key.span(),
                &path,
                "\"host\" is reserved for the host's namespace; name the node otherwise",
            );
        } else if let Some(why) = bad_name(name) {
            c.err(key.span(), &path, format!("invalid node name: {why}"));
        }
        nodes.push(Node {
            name: name.clone(),
            namespace: format!("{lab}-{name}"),
            lo_up: true,
            addresses: Vec::new(),
            sysctls: Vec::new(),
            bridges: Vec::new(),
            routes: Vec::new(),
            run: Vec::new(),
        });
    }
    nodes
}

/// The bridges as written: node by node, then the host's.
fn bridges_written(raw: &RawLab) -> Vec<BridgesOf<'_>> {
    raw.nodes
        .0
        .iter()
        .enumerate()
        .map(|(i, (k, n))| (Place::Node(i), k.get_ref().as_str(), n.bridges.0.as_slice()))
        .chain(
            raw.host
                .iter()
                .map(|h| (Place::Host, HOST, h.bridges.0.as_slice())),
        )
        .collect()
}

/// The path of bridge `key` of `owner` in the file (`nodes.r.bridges.br0`, `host.bridges.br0`).
fn bridge_path(place: Place, owner: &str, key: &str) -> String {
    match place {
        Place::Host => format!("host.bridges.{key}"),
        Place::Node(_) => format!("nodes.{owner}.bridges.{key}"),
    }
}

/// Checks every bridge and puts it in its node; returns the host's.
fn bridges(
    c: &mut Checker,
    raw: &RawLab,
    written: &[BridgesOf],
    taken: &mut Taken,
    nodes: &mut [Node],
) -> Vec<Bridge> {
    let mut host_bridges = Vec::new();
    for (place, owner, bridges) in written {
        for (key, b) in bridges.iter() {
            let path = bridge_path(*place, owner, key.get_ref());
            let what = format!("bridge {}", key.get_ref());
            taken.claim(c, raw, *place, key, &path, what);
            let addresses = b
                .addresses
                .iter()
                .enumerate()
                .filter_map(|(j, a)| c.prefix(a, &format!("{path}.addresses[{j}]")))
                .collect();
            let mtu = c.mtu(&b.mtu, &format!("{path}.mtu"));
            let bridge = Bridge {
                name: key.get_ref().clone(),
                addresses,
                mtu,
            };
            match place {
                Place::Host => host_bridges.push(bridge),
                Place::Node(i) => nodes[*i].bridges.push(bridge),
            }
        }
    }
    host_bridges
}

/// Where end `path` is: the host, or a node (reported if unknown).
fn resolve(c: &mut Checker, nodes: &[Node], e: &RawEnd, path: &str) -> Option<Place> {
    let name = e.node.get_ref();
    if name == HOST {
        return Some(Place::Host);
    }
    if let Some(i) = nodes.iter().position(|n| &n.name == name) {
        return Some(Place::Node(i));
    }
    let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    let list = if names.is_empty() {
        "there are no nodes".to_owned()
    } else {
        format!("the nodes are: {}", names.join(", "))
    };
    c.err(
        e.node.span(),
        format!("{path}.node"),
        format!("unknown node \"{name}\" ({list})"),
    );
    None
}

/// The links with their ends resolved and explicit interface names claimed (default names
/// come after, in [`default_names`]); also each end's span, for the default names' errors.
fn links(
    c: &mut Checker,
    raw: &RawLab,
    nodes: &[Node],
    taken: &mut Taken,
) -> (Vec<Link>, Vec<[Range<usize>; 2]>) {
    let mut links = Vec::with_capacity(raw.links.len());
    let mut spans = Vec::with_capacity(raw.links.len());
    for (i, l) in raw.links.iter().enumerate() {
        let link = l.get_ref();
        let mut ends = Vec::new();
        for (side, e) in [("a", &link.a), ("b", &link.b)] {
            let path = format!("links[{i}].{side}");
            let end = e.get_ref();
            let place = resolve(c, nodes, end, &path);
            if let (Some(place), Some(ifname)) = (place, &end.ifname) {
                let what = format!(
                    "end {side} of links[{i}] ({}:{})",
                    end.node.get_ref(),
                    ifname.get_ref()
                );
                taken.claim(c, raw, place, ifname, &format!("{path}.ifname"), what);
            }
            let addresses = end
                .addresses
                .iter()
                .enumerate()
                .filter_map(|(j, a)| c.prefix(a, &format!("{path}.addresses[{j}]")))
                .collect();
            ends.push(End {
                place: place.unwrap_or(Place::Host),
                ifname: end
                    .ifname
                    .as_ref()
                    .map(|n| n.get_ref().clone())
                    .unwrap_or_default(),
                addresses,
                bridge: None,
                impair: Default::default(),
            });
        }
        let mtu = c.mtu(&link.mtu, &format!("links[{i}].mtu"));
        let b = ends.pop().expect("two ends");
        let a = ends.pop().expect("two ends");
        links.push(Link { a, b, mtu });
        spans.push([link.a.span(), link.b.span()]);
    }
    (links, spans)
}

/// Default interface names: the first free `ethN` in a node; in the host, `LAB-NODE` after the
/// node at the other end ([`default_host_ifname`]).
fn default_names(
    c: &mut Checker,
    raw: &RawLab,
    lab: &str,
    nodes: &[Node],
    taken: &mut Taken,
    links: &mut [Link],
    spans: &[[Range<usize>; 2]],
) {
    let mut next_eth: HashMap<usize, usize> = HashMap::new();
    for (i, link) in links.iter_mut().enumerate() {
        let other = [link.b.place, link.a.place];
        for (k, end) in [&mut link.a, &mut link.b].into_iter().enumerate() {
            if !end.ifname.is_empty() {
                continue;
            }
            let side = ["a", "b"][k];
            let what = format!("end {side} of links[{i}]");
            match end.place {
                Place::Node(n) => {
                    let counter = next_eth.entry(n).or_insert(0);
                    end.ifname = taken.first_free(end.place, "eth", counter, what);
                }
                Place::Host => {
                    let peer = match other[k] {
                        Place::Node(n) => Some(nodes[n].name.as_str()),
                        Place::Host => None,
                    };
                    let name = default_host_ifname(lab, i, k, peer);
                    let path = format!("links[{i}].{side}");
                    let span = spans[i][k].clone();
                    if name.len() > IFNAME_MAX {
                        c.err(
                            span,
                            &path,
                            format!("a host end needs an ifname: the default \"{name}\" is longer than {IFNAME_MAX} bytes"),
                        );
                    } else {
                        taken.claim(
                            c,
                            raw,
                            Place::Host,
                            &S::new(span, name.clone()),
                            &path,
                            what,
                        );
                        end.ifname = name;
                    }
                }
            }
        }
    }
}
