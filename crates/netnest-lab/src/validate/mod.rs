//! From the file as written ([`crate::file`]) to a [`Topology`]: every name resolved, every
//! address parsed, every problem reported with its place. Nothing here touches the system.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::error::{Location, Problem, SpecError};
use crate::file::{RawBridge, RawEnd, RawLab, S};

mod addresses;
mod checker;
mod node;
mod ports;
mod rename;
mod route;

use checker::Checker;

use crate::names::{bad_ifname, bad_name, IFNAME_MAX};
use crate::topology::{Bridge, End, Link, Node, Place, Topology};
pub(crate) use rename::renamed;
use route::check_route;

/// The word that names the host as a link end.
pub(crate) const HOST: &str = "host";

/// Parses TOML text and validates it.
pub(crate) fn from_text(text: &str, file: Option<&Path>) -> Result<Topology, SpecError> {
    let mut raw: RawLab = toml::from_str(text).map_err(|e| {
        let location = e.span().map(|span| Location::of(text, span));
        SpecError::new(
            file,
            vec![Problem {
                path: String::new(),
                message: e.message().trim_end().to_owned(),
                location,
            }],
        )
    })?;
    for link in &mut raw.links {
        link.get_mut().fix_spans(text);
    }
    check(raw, Some(text), file)
}

/// The bridges written for one place: where, its name, the entries.
type BridgesOf<'a> = (Place, &'a str, &'a [(S<String>, RawBridge)]);

/// What holds a name in a namespace, for duplicate errors.
struct Owner {
    what: String,
}

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

    // Nodes.
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
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
        index.insert(name.clone(), nodes.len());
        nodes.push(Node {
            name: name.clone(),
            namespace: format!("{lab}-{name}"),
            lo_up: true,
            sysctls: Vec::new(),
            bridges: Vec::new(),
            routes: Vec::new(),
        });
    }
    let node_list = || {
        let names: Vec<&str> = raw
            .nodes
            .0
            .iter()
            .map(|(k, _)| k.get_ref().as_str())
            .collect();
        if names.is_empty() {
            "there are no nodes".to_owned()
        } else {
            format!("the nodes are: {}", names.join(", "))
        }
    };

    // Names taken in each place; `lo` is in every node.
    let mut taken: HashMap<(Place, String), Owner> = HashMap::new();
    for i in 0..nodes.len() {
        taken.insert(
            (Place::Node(i), "lo".into()),
            Owner {
                what: "the loopback interface".into(),
            },
        );
    }

    // Bridges, node by node, then the host's.
    let mut host_bridges = Vec::new();
    let node_bridges: Vec<BridgesOf> = raw
        .nodes
        .0
        .iter()
        .enumerate()
        .map(|(i, (k, n))| (Place::Node(i), k.get_ref().as_str(), n.bridges.0.as_slice()))
        .chain(
            raw.host
                .iter()
                .map(|h| (Place::Host, HOST, h.bridges.0.as_slice())),
        )
        .collect();
    for (place, owner, bridges) in &node_bridges {
        for (key, b) in bridges.iter() {
            let path = match place {
                Place::Host => format!("host.bridges.{}", key.get_ref()),
                Place::Node(_) => format!("nodes.{owner}.bridges.{}", key.get_ref()),
            };
            claim(
                &mut c,
                &mut taken,
                &raw,
                *place,
                key,
                &path,
                format!("bridge {}", key.get_ref()),
            );
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

    // Links: ends resolved, explicit names claimed; default names come after.
    let resolve = |c: &mut Checker, e: &RawEnd, path: &str| -> Option<Place> {
        let name = e.node.get_ref();
        if name == HOST {
            return Some(Place::Host);
        }
        match index.get(name) {
            Some(&i) => Some(Place::Node(i)),
            None => {
                c.err(
                    e.node.span(),
                    format!("{path}.node"),
                    format!("unknown node \"{name}\" ({})", node_list()),
                );
                None
            }
        }
    };
    let mut links: Vec<Link> = Vec::new();
    let mut spans: Vec<[Range<usize>; 2]> = Vec::new();
    for (i, l) in raw.links.iter().enumerate() {
        let link = l.get_ref();
        let mut ends = Vec::new();
        for (side, e) in [("a", &link.a), ("b", &link.b)] {
            let path = format!("links[{i}].{side}");
            let end = e.get_ref();
            let place = resolve(&mut c, end, &path);
            if let (Some(place), Some(ifname)) = (place, &end.ifname) {
                let what = format!(
                    "end {side} of links[{i}] ({}:{})",
                    end.node.get_ref(),
                    ifname.get_ref()
                );
                claim(
                    &mut c,
                    &mut taken,
                    &raw,
                    place,
                    ifname,
                    &format!("{path}.ifname"),
                    what,
                );
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
            });
        }
        let mtu = c.mtu(&link.mtu, &format!("links[{i}].mtu"));
        let b = ends.pop().expect("two ends");
        let a = ends.pop().expect("two ends");
        links.push(Link { a, b, mtu });
        spans.push([link.a.span(), link.b.span()]);
    }

    // Default interface names: ethN in a node, LAB-NODE in the host.
    let mut next_eth: HashMap<usize, usize> = HashMap::new();
    for (i, link) in links.iter_mut().enumerate() {
        let other = [link.b.place, link.a.place];
        for (k, end) in [&mut link.a, &mut link.b].into_iter().enumerate() {
            if !end.ifname.is_empty() {
                continue;
            }
            let side = ["a", "b"][k];
            let span = spans[i][k].clone();
            match end.place {
                Place::Node(n) => {
                    let counter = next_eth.entry(n).or_insert(0);
                    loop {
                        let name = format!("eth{counter}");
                        *counter += 1;
                        let key = (end.place, name.clone());
                        if let std::collections::hash_map::Entry::Vacant(v) = taken.entry(key) {
                            v.insert(Owner {
                                what: format!("end {side} of links[{i}]"),
                            });
                            end.ifname = name;
                            break;
                        }
                    }
                }
                Place::Host => {
                    let peer = match other[k] {
                        Place::Node(n) => nodes[n].name.clone(),
                        Place::Host => i.to_string(),
                    };
                    let name = format!("{lab}-{peer}");
                    let path = format!("links[{i}].{side}");
                    if name.len() > IFNAME_MAX {
                        c.err(
                            span,
                            &path,
                            format!("a host end needs an ifname: the default \"{name}\" is longer than {IFNAME_MAX} bytes"),
                        );
                    } else {
                        claim(
                            &mut c,
                            &mut taken,
                            &raw,
                            Place::Host,
                            &S::new(span, name.clone()),
                            &path,
                            format!("end {side} of links[{i}]"),
                        );
                        end.ifname = name;
                    }
                }
            }
        }
    }

    // Bridge membership: on the ends, and in the bridges' member lists.
    ports::resolve(
        &mut c,
        &raw,
        &node_bridges,
        &mut links,
        &nodes,
        &host_bridges,
    );

    addresses::duplicates(&mut c, &raw, &node_bridges, &links, &nodes, &host_bridges);

    node::settings(&mut c, &raw, &mut nodes, &links);

    if c.problems.is_empty() {
        Ok(Topology {
            name: lab,
            nodes,
            host_bridges,
            links,
            file: file.map(Path::to_path_buf),
        })
    } else {
        let mut problems = c.problems;
        problems.sort_by_key(|p| p.location.as_ref().map(|l| (l.line, l.column)));
        Err(SpecError::new(file, problems))
    }
}

fn nodes_name(raw: &RawLab, i: usize) -> &str {
    raw.nodes.0[i].0.get_ref()
}

/// Takes the interface name `name` in `place`, or reports it as invalid or taken.
fn claim(
    c: &mut Checker,
    taken: &mut HashMap<(Place, String), Owner>,
    raw: &RawLab,
    place: Place,
    name: &S<String>,
    path: &str,
    what: String,
) {
    if let Some(why) = bad_ifname(name.get_ref()) {
        c.err(name.span(), path, why);
        return;
    }
    let key = (place, name.get_ref().clone());
    match taken.get(&key) {
        Some(owner) => {
            let wher = match place {
                Place::Host => "the host".to_owned(),
                Place::Node(i) => format!("node {}", nodes_name(raw, i)),
            };
            c.err(
                name.span(),
                path,
                format!(
                    "duplicate interface name \"{}\" in {wher}: it is already {}",
                    name.get_ref(),
                    owner.what
                ),
            )
        }
        None => {
            taken.insert(key, Owner { what });
        }
    }
}
