// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Builder`]: a topology written in Rust, validated exactly as a file is.

use crate::error::{LabError, SpecError};
use crate::file::{
    unspanned, ImpairText, RawBridge, RawEnd, RawHost, RawLab, RawLink, RawNexthop, RawNode,
    RawRoute, Sysctl, SysctlValue,
};
use crate::lab::Lab;
use crate::topology::Topology;

/// A topology written in Rust. Errors are the file's ([`SpecError`]), with the place given as a
/// path (`links[1].b.node`) instead of a line.
///
/// ```
/// use netnest_lab::Builder;
/// let mut b = Builder::new("trio");
/// b.node("h1").route("default", "10.0.1.1");
/// b.node("h2").route("default", "10.0.2.1");
/// b.node("r").sysctl("net.ipv4.ip_forward", "1");
/// b.link("h1:eth0", "r:eth1").addresses(["10.0.1.2/24"], ["10.0.1.1/24"]);
/// b.link("h2:eth0", "r:eth2").addresses(["10.0.2.2/24"], ["10.0.2.1/24"]);
/// let topology = b.build()?;
/// assert_eq!(topology.nodes.len(), 3);
/// // let lab = b.up()?;   (needs root)
/// # Ok::<(), netnest_lab::SpecError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    raw: RawLab,
}

/// A node of a [`Builder`].
#[derive(Debug)]
pub struct NodeBuilder<'a> {
    node: &'a mut RawNode,
}

/// A link of a [`Builder`].
#[derive(Debug)]
pub struct LinkBuilder<'a> {
    link: &'a mut RawLink,
}

fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Vec<crate::file::S<String>> {
    items.into_iter().map(|s| unspanned(s.into())).collect()
}

fn end(text: &str) -> crate::file::S<RawEnd> {
    unspanned(RawEnd::from_short(text, 0..0))
}

impl Builder {
    /// A lab called `name`, with nothing in it yet.
    pub fn new(name: &str) -> Builder {
        Builder {
            raw: RawLab {
                name: unspanned(name.to_owned()),
                nodes: Default::default(),
                host: None,
                links: Vec::new(),
                expect: Vec::new(),
            },
        }
    }

    /// The node `name` (`[nodes.NAME]`), added if it is new.
    pub fn node(&mut self, name: &str) -> NodeBuilder<'_> {
        let nodes = &mut self.raw.nodes.0;
        let i = match nodes.iter().position(|(k, _)| k.get_ref() == name) {
            Some(i) => i,
            None => {
                nodes.push((unspanned(name.to_owned()), RawNode::default()));
                nodes.len() - 1
            }
        };
        NodeBuilder {
            node: &mut nodes[i].1,
        }
    }

    /// Adds nodes `names`, with nothing in them but `lo`.
    pub fn nodes<'n>(&mut self, names: impl IntoIterator<Item = &'n str>) -> &mut Builder {
        for name in names {
            self.node(name);
        }
        self
    }

    /// A veth link between `a` and `b`, each `"NODE"` or `"NODE:IFNAME"` (`host` for the host).
    pub fn link(&mut self, a: &str, b: &str) -> LinkBuilder<'_> {
        self.raw.links.push(unspanned(RawLink {
            a: end(a),
            b: end(b),
            mtu: None,
            impair: None,
        }));
        LinkBuilder {
            link: self.raw.links.last_mut().expect("just pushed").get_mut(),
        }
    }

    /// A bridge in the host (`[host.bridges.NAME]`), with addresses.
    pub fn host_bridge<I: IntoIterator<Item = S>, S: Into<String>>(
        &mut self,
        name: &str,
        addresses: I,
    ) -> &mut Builder {
        let host = self.raw.host.get_or_insert_with(RawHost::default);
        host.bridges.0.push((
            unspanned(name.to_owned()),
            RawBridge {
                addresses: strings(addresses),
                ..RawBridge::default()
            },
        ));
        self
    }

    /// Validates the topology.
    pub fn build(&self) -> Result<Topology, SpecError> {
        crate::validate::check(self.raw.clone(), None, None)
    }

    /// Validates the topology and brings it up ([`Topology::up`]).
    pub fn up(&self) -> Result<Lab, LabError> {
        self.build()?.up()
    }
}

impl NodeBuilder<'_> {
    /// Sets a sysctl under `net.` in the node (`sysctls = { KEY = VALUE }`).
    pub fn sysctl(self, key: &str, value: &str) -> Self {
        self.node.sysctls.0.push(Sysctl {
            key: unspanned(key.to_owned()),
            value: unspanned(SysctlValue::Text(value.to_owned())),
        });
        self
    }

    /// A command started in the node once the lab is up (`run = [...]`): a program and its
    /// arguments, split as a shell splits plain words and quotes; stopped when the lab goes
    /// down.
    pub fn run(self, command: &str) -> Self {
        self.node.run.push(unspanned(command.to_owned()));
        self
    }

    /// An address on the node's `lo` (`addresses = [...]`).
    pub fn lo_address(self, address: &str) -> Self {
        self.node.addresses.push(unspanned(address.to_owned()));
        self
    }

    /// An ECMP route (`nexthops = [{ via, weight }, …]`): `hops` are `(GATEWAY, WEIGHT)`.
    pub fn route_multipath(self, to: &str, hops: &[(&str, u16)]) -> Self {
        let nexthops = hops
            .iter()
            .map(|(via, weight)| {
                unspanned(RawNexthop {
                    via: Some(unspanned((*via).to_owned())),
                    dev: None,
                    weight: Some(unspanned(i64::from(*weight))),
                })
            })
            .collect();
        self.node.routes.push(unspanned(RawRoute {
            to: unspanned(to.to_owned()),
            via: None,
            dev: None,
            metric: None,
            nexthops,
        }));
        self
    }

    /// Leaves `lo` down (`lo = false`).
    pub fn lo_down(self) -> Self {
        self.node.lo = Some(unspanned(false));
        self
    }

    /// A bridge in the node, with addresses.
    pub fn bridge<I: IntoIterator<Item = S>, S: Into<String>>(
        self,
        name: &str,
        addresses: I,
    ) -> Self {
        self.node.bridges.0.push((
            unspanned(name.to_owned()),
            RawBridge {
                addresses: strings(addresses),
                ..RawBridge::default()
            },
        ));
        self
    }

    fn push_route(self, to: &str, via: Option<&str>, dev: Option<&str>) -> Self {
        self.node.routes.push(unspanned(RawRoute {
            to: unspanned(to.to_owned()),
            via: via.map(|v| unspanned(v.to_owned())),
            dev: dev.map(|d| unspanned(d.to_owned())),
            metric: None,
            nexthops: Vec::new(),
        }));
        self
    }

    /// `ip route add TO via GATEWAY` (`to` is `default` or a network).
    pub fn route(self, to: &str, via: &str) -> Self {
        self.push_route(to, Some(via), None)
    }

    /// `ip route add TO dev DEV`.
    pub fn route_dev(self, to: &str, dev: &str) -> Self {
        self.push_route(to, None, Some(dev))
    }

    /// `ip route add TO via GATEWAY dev DEV`.
    pub fn route_via_dev(self, to: &str, via: &str, dev: &str) -> Self {
        self.push_route(to, Some(via), Some(dev))
    }
}

impl LinkBuilder<'_> {
    /// The addresses of end `a` and end `b`.
    pub fn addresses<A, B, SA, SB>(self, a: A, b: B) -> Self
    where
        A: IntoIterator<Item = SA>,
        B: IntoIterator<Item = SB>,
        SA: Into<String>,
        SB: Into<String>,
    {
        self.link.a.get_mut().addresses.extend(strings(a));
        self.link.b.get_mut().addresses.extend(strings(b));
        self
    }

    /// Makes end `a` a port of bridge `bridge` (in the same node).
    pub fn bridge_a(self, bridge: &str) -> Self {
        self.link.a.get_mut().bridge = Some(unspanned(bridge.to_owned()));
        self
    }

    /// Makes end `b` a port of bridge `bridge` (in the same node).
    pub fn bridge_b(self, bridge: &str) -> Self {
        self.link.b.get_mut().bridge = Some(unspanned(bridge.to_owned()));
        self
    }

    /// The MTU of both ends.
    pub fn mtu(self, mtu: u32) -> Self {
        self.link.mtu = Some(unspanned(mtu));
        self
    }

    /// An impairment of both ends (`impair = { KEY = VALUE, … }`): `pairs` are
    /// `("rate", "10mbit")`, `("delay", "20ms")`…, checked when the topology is built.
    pub fn impair(self, pairs: &[(&str, &str)]) -> Self {
        let table = self
            .link
            .impair
            .get_or_insert_with(|| unspanned(Default::default()));
        for (key, value) in pairs {
            table.get_mut().0.push((
                unspanned((*key).to_owned()),
                unspanned(ImpairText((*value).to_owned())),
            ));
        }
        self
    }
}
