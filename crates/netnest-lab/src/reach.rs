// SPDX-License-Identifier: MIT OR Apache-2.0
//! Connectivity checks of a lab that is up, with netnest's own probes
//! ([`netnest::probe`]: ICMP echo and TCP connect from sockets made inside the nodes'
//! namespaces), not an external `ping`:
//!
//! * [`pingall`]: every node to every other node, on every address family both have;
//! * [`check`]: expectations, `[[expect]]` in a topology file (`from`, `to` a node or an
//!   address, `reach = true|false`, optional `port` for TCP).
//!
//! A node's address in a family is its first global address of that family (interfaces in
//! index order, `lo` included, so a router's loopback address can stand for it). The probes of
//! one source go out together and are awaited together; sources are probed in parallel.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use netnest::netlink::route_messages::address::AddressScope;
use netnest::probe::{self, TcpOutcome};
use netnest::{IpRoute, Name, NetNs, Registry};

use crate::error::LabError;
use crate::options::Options;
use crate::record::Record;

/// How long a probe waits for its answer by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// How many sources are probed at once.
const PARALLEL: usize = 16;

/// A node of a running lab: its name, namespace, and addresses (one per family at most).
#[derive(Debug)]
pub struct ProbeNode {
    /// The node's name.
    pub name: String,
    /// Its namespace.
    pub netns: NetNs,
    /// Its first global IPv4 and IPv6 addresses.
    pub addresses: Vec<IpAddr>,
}

impl ProbeNode {
    /// Reads the node's addresses from the kernel.
    pub fn new(name: &str, netns: NetNs) -> Result<ProbeNode, LabError> {
        let mut ipr = IpRoute::in_netns(&netns)
            .map_err(|e| LabError::step(format!("open a netlink socket in node {name}"), e))?;
        let mut all = ipr
            .addr_list()
            .map_err(|e| LabError::step(format!("list the addresses of node {name}"), e))?;
        all.sort_by_key(|a| a.index);
        let mut addresses = Vec::new();
        for a in all {
            let global = a.scope == AddressScope::Universe && !a.address.is_loopback();
            if global
                && !addresses
                    .iter()
                    .any(|x: &IpAddr| x.is_ipv4() == a.address.is_ipv4())
            {
                addresses.push(a.address);
            }
        }
        Ok(ProbeNode {
            name: name.to_owned(),
            netns,
            addresses,
        })
    }
}

/// The nodes of the lab `lab` recorded in `options`' state directory, with their addresses.
pub fn nodes_of(lab: &str, options: &Options) -> Result<Vec<ProbeNode>, LabError> {
    let dir = options.state_dir();
    let record = Record::read(&dir, lab)
        .map_err(|e| LabError::step(format!("read the record of lab {lab}"), e))?
        .ok_or_else(|| LabError::NotFound {
            lab: lab.to_owned(),
        })?;
    let registry = Registry::new(&record.registry);
    record
        .nodes
        .iter()
        .map(|n| {
            let ns = Name::new(n.namespace.as_str())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
                .map_err(|e| LabError::step(format!("open node {}", n.name), e))
                .and_then(|name| {
                    registry
                        .open(&name)
                        .map_err(|e| LabError::step(format!("open node {}", n.name), e))
                })?;
            ProbeNode::new(&n.name, ns)
        })
        .collect()
}

/// One probe and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeResult {
    /// The source node.
    pub from: String,
    /// The destination node, if the target is one.
    pub to: Option<String>,
    /// The address probed.
    pub address: IpAddr,
    /// The TCP port, for a connect probe.
    pub port: Option<u16>,
    /// Whether the target answered (an echo reply; for TCP, a completed handshake).
    pub reached: bool,
    /// Whether it was expected to.
    pub expected: bool,
    /// The round-trip time of an echo reply.
    pub rtt: Option<Duration>,
}

impl ProbeResult {
    /// Whether the outcome is the one expected.
    pub fn passed(&self) -> bool {
        self.reached == self.expected
    }
}

/// Runs `work` for each source index, at most [`PARALLEL`] at a time, results in order.
fn parallel<T: Send>(
    count: usize,
    work: impl Fn(usize) -> Result<T, LabError> + Sync,
) -> Result<Vec<T>, LabError> {
    let mut slots: Vec<Option<Result<T, LabError>>> = (0..count).map(|_| None).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots_lock = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|s| {
        for _ in 0..PARALLEL.min(count) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let r = work(i);
                slots_lock.lock().expect("no panics while held")[i] = Some(r);
            });
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every slot filled"))
        .collect()
}

/// Pings every node from every other node, on each address family both have. Returns one
/// result per (source, destination, family), sources in order.
pub fn pingall(nodes: &[ProbeNode], timeout: Duration) -> Result<Vec<ProbeResult>, LabError> {
    let per_source = parallel(nodes.len(), |i| {
        let from = &nodes[i];
        let mut targets = Vec::new();
        let mut owners = Vec::new();
        for (j, to) in nodes.iter().enumerate() {
            if i == j {
                continue;
            }
            for address in &to.addresses {
                if from
                    .addresses
                    .iter()
                    .any(|a| a.is_ipv4() == address.is_ipv4())
                {
                    targets.push(*address);
                    owners.push(j);
                }
            }
        }
        let rtts = probe::ping(&from.netns, &targets, timeout)
            .map_err(|e| LabError::step(format!("ping from node {}", from.name), e))?;
        Ok(targets
            .into_iter()
            .zip(owners)
            .zip(rtts)
            .map(|((address, j), rtt)| ProbeResult {
                from: from.name.clone(),
                to: Some(nodes[j].name.clone()),
                address,
                port: None,
                reached: rtt.is_some(),
                expected: true,
                rtt,
            })
            .collect::<Vec<_>>())
    })?;
    Ok(per_source.into_iter().flatten().collect())
}

/// Where an expectation points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectTarget {
    /// A node: its addresses, in each family the source has too.
    Node(String),
    /// An address.
    Address(IpAddr),
}

/// One `[[expect]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expect {
    /// The node probing.
    pub from: String,
    /// What it probes.
    pub to: ExpectTarget,
    /// Whether it should get an answer.
    pub reach: bool,
    /// A TCP port to connect to, instead of an ICMP echo.
    pub port: Option<u16>,
}

impl Expect {
    /// An expectation that `from` reaches (or not) `to`, by ICMP echo.
    pub fn new(from: &str, to: ExpectTarget, reach: bool) -> Expect {
        Expect {
            from: from.to_owned(),
            to,
            reach,
            port: None,
        }
    }

    /// Probes TCP port `port` instead.
    pub fn port(mut self, port: u16) -> Expect {
        self.port = Some(port);
        self
    }
}

/// Checks expectations; one result per probe (a node target gives one per shared family). An
/// unknown node fails with [`LabError::NotFound`]-like step errors before anything is probed.
pub fn check(
    nodes: &[ProbeNode],
    expects: &[Expect],
    timeout: Duration,
) -> Result<Vec<ProbeResult>, LabError> {
    let find = |name: &str| {
        nodes.iter().position(|n| n.name == name).ok_or_else(|| {
            LabError::step(
                format!("check expectations: no node {name:?} in the lab"),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )
        })
    };
    let mut plan = Vec::new();
    for e in expects {
        let from = find(&e.from)?;
        let (to, addresses) = match &e.to {
            ExpectTarget::Node(name) => {
                let j = find(name)?;
                let shared = nodes[j]
                    .addresses
                    .iter()
                    .filter(|a| {
                        nodes[from]
                            .addresses
                            .iter()
                            .any(|s| s.is_ipv4() == a.is_ipv4())
                    })
                    .copied()
                    .collect();
                (Some(name.clone()), shared)
            }
            ExpectTarget::Address(a) => (None, vec![*a]),
        };
        for address in addresses {
            plan.push((from, to.clone(), address, e));
        }
    }
    parallel(plan.len(), |k| {
        let (from, to, address, e) = &plan[k];
        let ns = &nodes[*from].netns;
        let (reached, rtt) = match e.port {
            Some(port) => {
                let outcome = probe::tcp_connect(ns, SocketAddr::new(*address, port), timeout)
                    .map_err(|err| LabError::step(format!("connect from node {}", e.from), err))?;
                (outcome == TcpOutcome::Connected, None)
            }
            None => {
                let rtt = probe::ping(ns, &[*address], timeout)
                    .map_err(|err| LabError::step(format!("ping from node {}", e.from), err))?[0];
                (rtt.is_some(), rtt)
            }
        };
        Ok(ProbeResult {
            from: e.from.clone(),
            to: to.clone(),
            address: *address,
            port: e.port,
            reached,
            expected: e.reach,
            rtt,
        })
    })
}
