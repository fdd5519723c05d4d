// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`inspect`]: what a lab that is up looks like in the kernel: each node's interfaces (kind,
//! state, addresses, the peer at the other end of each veth) and the processes in its
//! namespace, the lab's own (`run = [...]`) marked with their command.

use netnest::netlink::{Link, OperState};
use netnest::{IpRoute, Name, NetNs, Registry};

use crate::record::Record;
use crate::status::LabStatus;

/// An interface of a node (or one of the lab's interfaces in the host), as the kernel reports
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InterfaceView {
    /// Its name.
    pub name: String,
    /// Its index in its namespace.
    pub index: u32,
    /// Its kind (`veth`, `bridge`); `None` for `lo`.
    pub kind: Option<String>,
    /// Administratively up.
    pub up: bool,
    /// The operational state, as `ip link` shows it (`UP`, `DOWN`, `LOWERLAYERDOWN`, `UNKNOWN`).
    pub state: &'static str,
    /// Its MTU.
    pub mtu: Option<u32>,
    /// Its addresses, `ADDRESS/LEN`, as the kernel lists them.
    pub addresses: Vec<String>,
    /// The other end of a veth: `NODE:IFNAME` (`host:IFNAME` in the host), if it is one of
    /// the lab's interfaces.
    pub peer: Option<String>,
    /// The bridge it is a port of.
    pub master: Option<String>,
}

/// A process in a node's namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProcessView {
    /// Its pid.
    pub pid: u32,
    /// Its command name (`/proc/PID/stat`'s `comm`).
    pub comm: String,
    /// For a process the lab started, the command of its `run` entry.
    pub run: Option<String>,
}

/// A node, or the host's side of the lab.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeView {
    /// The node's name (`host` for the lab's interfaces in the host).
    pub name: String,
    /// Its namespace's name (empty for the host).
    pub namespace: String,
    /// Whether its namespace could be opened (for the host: whether this is the namespace the
    /// lab was built from).
    pub present: bool,
    /// Its interfaces, by index.
    pub interfaces: Vec<InterfaceView>,
    /// The processes in it, by pid.
    pub processes: Vec<ProcessView>,
}

/// What lab `status` is in the kernel: its nodes, then (if it has any and this is the
/// namespace it was built from) the host's side.
pub fn inspect(status: &LabStatus) -> Vec<NodeView> {
    let r = &status.record;
    let registry = Registry::new(&r.registry);
    let mut views = Vec::new();
    let mut handles = Vec::new();
    let mut dumps: Vec<Vec<(Link, Vec<String>)>> = Vec::new();
    for n in &r.nodes {
        let ns = Name::new(n.namespace.as_str())
            .ok()
            .and_then(|name| registry.open(&name).ok())
            .filter(|ns| {
                // Only the namespace the lab made (a name reused meanwhile is not the lab's).
                n.id.as_deref()
                    .and_then(crate::journal::parse_id)
                    .is_none_or(|id| id == ns.id())
            });
        dumps.push(ns.as_ref().map(dump).unwrap_or_default());
        views.push(NodeView {
            name: n.name.clone(),
            namespace: n.namespace.clone(),
            present: ns.is_some(),
            interfaces: Vec::new(),
            processes: Vec::new(),
        });
        handles.push(ns);
    }
    let host_names: Vec<&String> = r.host_links.iter().chain(&r.host_bridges).collect();
    if !host_names.is_empty() {
        let here = NetNs::current()
            .ok()
            .filter(|ns| ns.to_string() == r.host_netns);
        let host_dump: Vec<(Link, Vec<String>)> = here
            .as_ref()
            .map(dump)
            .unwrap_or_default()
            .into_iter()
            .filter(|(l, _)| host_names.contains(&&l.name))
            .collect();
        dumps.push(host_dump);
        views.push(NodeView {
            name: "host".to_owned(),
            namespace: String::new(),
            present: here.is_some(),
            interfaces: Vec::new(),
            processes: Vec::new(),
        });
    }
    for (i, dump) in dumps.iter().enumerate() {
        for (link, addresses) in dump {
            let master = link.master.and_then(|m| {
                dump.iter()
                    .find(|(l, _)| l.index == m)
                    .map(|(l, _)| l.name.clone())
            });
            let peer =
                peer_of(link, i, &dumps).map(|(j, name)| format!("{}:{name}", views[j].name));
            views[i].interfaces.push(InterfaceView {
                name: link.name.clone(),
                index: link.index,
                kind: link.kind.clone(),
                up: link.up,
                state: state_word(&link.state),
                mtu: link.mtu,
                addresses: addresses.clone(),
                peer,
                master,
            });
        }
    }
    let ids: Vec<_> = handles.iter().flatten().map(NetNs::id).collect();
    let node_of: Vec<usize> = handles
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_some())
        .map(|(i, _)| i)
        .collect();
    let mut found = crate::proc::pids_in(&ids);
    found.sort_unstable();
    for (pid, k) in found {
        let Some(st) = crate::proc::stat(pid) else {
            continue;
        };
        let run = own(r, pid, st.start);
        views[node_of[k]].processes.push(ProcessView {
            pid,
            comm: st.comm,
            run,
        });
    }
    views
}

/// The `run` command of the lab's process `pid` started at `start`.
fn own(r: &Record, pid: u32, start: u64) -> Option<String> {
    r.processes
        .iter()
        .find(|p| p.pid == pid && p.start == start)
        .map(|p| p.command.clone())
}

/// The links of a namespace, each with its addresses.
fn dump(ns: &NetNs) -> Vec<(Link, Vec<String>)> {
    let Ok(mut ipr) = IpRoute::in_netns(ns) else {
        return Vec::new();
    };
    let mut links = ipr.link_list().unwrap_or_default();
    links.sort_by_key(|l| l.index);
    let addresses = ipr.addr_list().unwrap_or_default();
    links
        .into_iter()
        .map(|l| {
            let mine = addresses
                .iter()
                .filter(|a| a.index == l.index)
                .map(|a| format!("{}/{}", a.address, a.prefix_len))
                .collect();
            (l, mine)
        })
        .collect()
}

/// The other end of veth `link` of place `i`: a veth elsewhere whose peer index is `link`'s
/// index and whose index is `link`'s peer index (a node interface's index is unique in the lab;
/// both directions must agree, so a host index that happens to be equal is not taken).
fn peer_of(link: &Link, i: usize, dumps: &[Vec<(Link, Vec<String>)>]) -> Option<(usize, String)> {
    if link.kind.as_deref() != Some("veth") {
        return None;
    }
    let peer = link.link?;
    let elsewhere = link.link_netnsid.is_some();
    dumps
        .iter()
        .enumerate()
        .filter(|(j, _)| (*j != i) == elsewhere)
        .flat_map(|(j, d)| d.iter().map(move |(l, _)| (j, l)))
        .find(|(_, l)| {
            l.index == peer && l.link == Some(link.index) && l.kind.as_deref() == Some("veth")
        })
        .map(|(j, l)| (j, l.name.clone()))
}

/// `ip link`'s word for an operational state.
fn state_word(state: &OperState) -> &'static str {
    match state {
        OperState::Up => "UP",
        OperState::Down => "DOWN",
        OperState::LowerLayerDown => "LOWERLAYERDOWN",
        OperState::Dormant => "DORMANT",
        OperState::Testing => "TESTING",
        OperState::NotPresent => "NOTPRESENT",
        _ => "UNKNOWN",
    }
}
