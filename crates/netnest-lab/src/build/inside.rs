// SPDX-License-Identifier: MIT OR Apache-2.0
//! The work done from inside the nodes' namespaces, on threads of our own: creating them,
//! opening a netlink socket in each, writing sysctls. The caller's thread never moves.

use netnest::netlink::{Socket, SocketOptions};
use netnest::{Name, NetNs};

use crate::error::{Cause, LabError};
use crate::journal::Journal;
use crate::names::sysctl_path;
use crate::topology::{Node, Topology};

/// How many threads create namespaces: the kernel sets up several network namespaces at once,
/// so two threads (the machines this runs on have two cores or more) overlap the waits.
const CREATORS: usize = 2;

/// Makes one namespace and names it `name`, writing its identity in the journal in between, so
/// that no name the lab gives is without its identity (see `journal.rs`).
fn make(registry: &netnest::Registry, name: &Name, journal: &Journal) -> Result<NetNs, Cause> {
    let ns = NetNs::new()?;
    journal.append(&name.to_string(), ns.id())?;
    registry.attach_ns(name, &ns)?;
    Ok(ns)
}

/// Creates every node's namespace in `registry`, on [`CREATORS`] threads, and returns them in
/// node order. `created` gets the index of each node whose namespace was made, as it is made,
/// so a failure can remove them; after a failure no new namespace is started.
pub(super) fn create_namespaces(
    t: &Topology,
    registry: &netnest::Registry,
    (names, journal): (&[Name], &Journal),
    created: &mut Vec<usize>,
    tick: &mut dyn FnMut(),
) -> Result<Vec<NetNs>, LabError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = AtomicBool::new(false);
    let mut slots: Vec<Option<NetNs>> = (0..names.len()).map(|_| None).collect();
    let mut failure = None;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for k in 0..CREATORS.min(names.len()) {
            let tx = tx.clone();
            let stop = &stop;
            let spawned = std::thread::Builder::new()
                .name("netnest-lab".into())
                .spawn_scoped(scope, move || {
                    for i in (k..names.len()).step_by(CREATORS) {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let made = make(registry, &names[i], journal);
                        let failed = made.is_err();
                        if tx.send((i, made)).is_err() || failed {
                            break;
                        }
                    }
                });
            if let Err(e) = spawned {
                stop.store(true, Ordering::Relaxed);
                failure.get_or_insert(LabError::step("start a thread", e));
            }
        }
        drop(tx);
        for (i, made) in rx {
            match made {
                Ok(ns) => {
                    created.push(i);
                    slots[i] = Some(ns);
                    tick();
                }
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    failure.get_or_insert(LabError::step(
                        format!("create namespace {}", t.nodes[i].namespace),
                        e,
                    ));
                }
            }
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(slots
            .into_iter()
            .map(|s| s.expect("every namespace made"))
            .collect()),
    }
}

/// `net.ipv6.conf.default.accept_dad = 0` in the calling thread's namespace: the interfaces made
/// afterwards skip duplicate address detection on their link-local addresses too, so IPv6 works
/// at once instead of after about a second (a lab's addresses are unique by construction). A
/// kernel without IPv6 has no such file, which is no error.
const NO_DAD: &str = "/proc/sys/net/ipv6/conf/default/accept_dad";

fn no_dad(node: &str) -> Result<(), LabError> {
    match std::fs::write(NO_DAD, "0") {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(LabError::step(
            format!("set sysctl net.ipv6.conf.default.accept_dad = 0 in {node}"),
            e,
        )),
        _ => Ok(()),
    }
}

/// Whether a sysctl sets the defaults of interfaces made later (`net.ipv4.conf.default.*`,
/// `net.ipv6.conf.default.*`): those are written before the node's interfaces exist, the
/// others after.
pub(super) fn is_default(key: &str) -> bool {
    key.starts_with("net.ipv4.conf.default.") || key.starts_with("net.ipv6.conf.default.")
}

/// Writes the sysctls of `node` for which `pick` holds, from a thread inside its namespace
/// (`/proc/sys/net` shows the namespace of the thread that opens the file). Returns whether
/// there were any.
fn write_node_sysctls(node: &Node, pick: fn(&str) -> bool) -> Result<bool, LabError> {
    let mut any = false;
    for (key, value) in node.sysctls.iter().filter(|(k, _)| pick(k)) {
        let path = format!("/proc/sys/{}", sysctl_path(key));
        std::fs::write(&path, value).map_err(|e| {
            LabError::step(format!("set sysctl {key} = {value} in {}", node.name), e)
        })?;
        any = true;
    }
    Ok(any)
}

/// Opens a netlink socket inside every node, from one short-lived thread that enters each
/// namespace in turn (a few microseconds each, where a thread per namespace costs tens). If the
/// lab has IPv6 addresses, also turns off duplicate address detection for the node's new
/// interfaces ([`NO_DAD`]); then writes the node's `default` sysctls ([`is_default`]), so
/// they apply to the interfaces made next (and a `default.accept_dad` of the node's wins).
pub(super) fn open_sockets(t: &Topology, namespaces: &[NetNs]) -> Result<Vec<Socket>, LabError> {
    let ipv6 = t
        .links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .flat_map(|e| &e.addresses)
        .chain(
            t.nodes
                .iter()
                .flat_map(|n| &n.bridges)
                .flat_map(|b| &b.addresses),
        )
        .any(|a| !a.is_ipv4());
    on_thread(|| {
        namespaces
            .iter()
            .zip(&t.nodes)
            .map(|(ns, node)| {
                let _inside = ns.enter().map_err(|e| {
                    LabError::step(format!("enter namespace {}", node.namespace), e)
                })?;
                if ipv6 {
                    no_dad(&node.name)?;
                }
                write_node_sysctls(node, is_default)?;
                SocketOptions::new().open().map_err(|e| {
                    LabError::step(format!("open a netlink socket in {}", node.name), e)
                })
            })
            .collect()
    })
}

/// Writes every node's other sysctls (not [`is_default`]), once its interfaces exist. Returns
/// how many nodes had such sysctls.
pub(super) fn write_sysctls(t: &Topology, namespaces: &[NetNs]) -> Result<usize, LabError> {
    let late = |n: &Node| n.sysctls.iter().any(|(k, _)| !is_default(k));
    if !t.nodes.iter().any(late) {
        return Ok(0);
    }
    on_thread(|| {
        let mut count = 0;
        for (ns, node) in namespaces.iter().zip(&t.nodes) {
            if !late(node) {
                continue;
            }
            let _inside = ns
                .enter()
                .map_err(|e| LabError::step(format!("enter namespace {}", node.namespace), e))?;
            write_node_sysctls(node, |k| !is_default(k))?;
            count += 1;
        }
        Ok(count)
    })
}

/// Runs `f` on a new scoped thread (so `enter` never moves the caller's thread).
fn on_thread<T: Send>(f: impl FnOnce() -> Result<T, LabError> + Send) -> Result<T, LabError> {
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name("netnest-lab".into())
            .spawn_scoped(s, f)
            .map_err(|e| LabError::step("start a thread", e))?;
        match worker.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
