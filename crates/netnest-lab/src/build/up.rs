// SPDX-License-Identifier: MIT OR Apache-2.0
//! `up`: check, record, create namespaces, send each namespace's batches, write sysctls; on any
//! failure remove what was made.

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, RawFd};

use netnest::netlink::Socket;
use std::path::Path;

use netnest::{IpRoute, Name, NetNs, NsId};

use super::down::teardown;
use super::inside::{create_namespaces, open_sockets, write_sysctls};
use super::plan::{Batch, Plan, StepText};
use crate::error::LabError;
use crate::journal::{id_text, Journal};
use crate::lab::Lab;
use crate::options::{Options, Phase, Progress};
use crate::record::{Record, RecordNode, RecordState};
use crate::topology::{Place, Topology};

fn namespace_name(ns: &str) -> Result<Name, LabError> {
    Name::new(ns).map_err(|e| LabError::Taken {
        what: format!("namespace name {ns:?} ({e})"),
    })
}

/// Builds `t`; see [`Topology::up_with`]. The steps: check that nothing the lab would make
/// exists, claim the lab (its lock and record), build, then record the result or remove what
/// was made.
pub(crate) fn up(
    t: &Topology,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Lab, LabError> {
    let host = NetNs::current().map_err(|e| LabError::step("open the host's namespace", e))?;
    let state_dir = options.state_dir();
    Record::sweep(&state_dir);
    let names = free_names(t, options)?;
    let mut host_ipr =
        IpRoute::new().map_err(|e| LabError::step("open a netlink socket in the host", e))?;
    free_host_interfaces(t, &mut host_ipr)?;
    let mut record = new_record(t, options, &host);
    // The host interfaces go in a link group of the lab's own, removed in one request.
    if !t.host_interfaces().is_empty() {
        let group = super::group::choose(&t.name, &mut host_ipr)
            .map_err(|e| LabError::step("list the host's links", e))?;
        record.host_group = Some(group);
    }
    let host_group = record.host_group;
    let journal = claim(&record, &state_dir)?;

    let mut made = Vec::with_capacity(t.nodes.len());
    let mut created = Vec::with_capacity(t.nodes.len());
    let built = build(
        t,
        options,
        (&names, &journal),
        (&host, host_group),
        &mut host_ipr,
        (&mut made, &mut created),
        progress,
    )
    .and_then(|()| super::run::start(t, &made, &state_dir))
    .and_then(|(children, processes)| {
        record.processes = processes;
        finish(&mut record, &made, &state_dir).map(|()| children)
    });
    match built {
        Ok(children) => {
            // The identities are in the record now.
            let _ = journal.remove();
            progress(Progress {
                phase: Phase::Done,
                done: 1,
                total: 1,
            });
            Ok(Lab::new(t.clone(), options.clone(), host, made).with_children(children))
        }
        Err(e) => Err(roll_back(
            e,
            t,
            options,
            (made, &created),
            &mut host_ipr,
            journal,
            host_group,
        )),
    }
}

/// The namespaces' names, none of which may exist yet; nor may the lab's record.
fn free_names(t: &Topology, options: &Options) -> Result<Vec<Name>, LabError> {
    let record_path = Record::path(&options.state_dir(), &t.name);
    if record_path.exists() {
        return Err(LabError::AlreadyUp {
            lab: t.name.clone(),
            record: record_path,
        });
    }
    let mut names = Vec::with_capacity(t.nodes.len());
    for node in &t.nodes {
        let name = namespace_name(&node.namespace)?;
        if options.registry().path(&name).symlink_metadata().is_ok() {
            return Err(LabError::Taken {
                what: format!("namespace \"{}\"", node.namespace),
            });
        }
        names.push(name);
    }
    Ok(names)
}

/// Checks that no host interface the lab would make exists.
fn free_host_interfaces(t: &Topology, host_ipr: &mut IpRoute) -> Result<(), LabError> {
    for name in t.host_interfaces() {
        match host_ipr.link_get(name) {
            Ok(_) => {
                return Err(LabError::Taken {
                    what: format!("host interface \"{name}\""),
                })
            }
            Err(e) if e.raw_os_error() == Some(libc_enodev()) => {}
            Err(e) => return Err(LabError::step(format!("look up host interface {name}"), e)),
        }
    }
    Ok(())
}

/// The record of what `up` is about to make.
fn new_record(t: &Topology, options: &Options, host: &NetNs) -> Record {
    // The file is only shown by `status`: a path that is not UTF-8 is recorded lossily.
    let file = t.file.as_ref().map(|f| {
        let f = std::path::absolute(f).unwrap_or(f.clone());
        match f.to_str() {
            Some(_) => f,
            None => f.to_string_lossy().into_owned().into(),
        }
    });
    Record {
        version: crate::record::FORMAT,
        lab: t.name.clone(),
        state: RecordState::Building,
        pid: std::process::id(),
        pid_start: crate::proc::own_start(),
        created: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        registry: options.registry().dir().to_path_buf(),
        host_netns: host.to_string(),
        file,
        host_links: t
            .links
            .iter()
            .flat_map(|l| [&l.a, &l.b])
            .filter(|e| e.place == Place::Host)
            .map(|e| e.ifname.clone())
            .collect(),
        host_bridges: t.host_bridges.iter().map(|b| b.name.clone()).collect(),
        host_group: None,
        nodes: t
            .nodes
            .iter()
            .map(|n| RecordNode {
                name: n.name.clone(),
                namespace: n.namespace.clone(),
                id: None,
            })
            .collect(),
        processes: Vec::new(),
    }
}

/// Claims the lab: takes its lock (the journal), then writes its record without replacing
/// one. Nothing is left behind if either fails.
fn claim(record: &Record, state_dir: &Path) -> Result<Journal, LabError> {
    let record_path = Record::path(state_dir, &record.lab);
    let write_failed = |e| LabError::step(format!("write the record {}", record_path.display()), e);
    let already = || LabError::AlreadyUp {
        lab: record.lab.clone(),
        record: record_path.clone(),
    };
    std::fs::create_dir_all(state_dir).map_err(write_failed)?;
    let journal = Journal::lock(state_dir, &record.lab)
        .map_err(write_failed)?
        .ok_or_else(already)?;
    match record.create(state_dir) {
        Ok(()) => {}
        // The journal is that lab's: leave it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(already()),
        Err(e) => {
            let _ = journal.remove();
            return Err(write_failed(e));
        }
    }
    // No record was there, so what the journal holds is stale: the lab is ours now.
    journal.clear().map_err(write_failed)?;
    Ok(journal)
}

/// Records that `up` finished, with the identity of every namespace.
fn finish(record: &mut Record, made: &[NetNs], state_dir: &Path) -> Result<(), LabError> {
    for (node, ns) in record.nodes.iter_mut().zip(made) {
        node.id = Some(id_text(ns.id()));
    }
    record.state = RecordState::Up;
    record.replace(state_dir).map_err(|e| {
        LabError::step(
            format!(
                "write the record {}",
                Record::path(state_dir, &record.lab).display()
            ),
            e,
        )
    })
}

/// After a failed step: removes what was made (the namespaces `created`, by their identity),
/// then the record and the journal if nothing is left; the error gets what could not be
/// removed.
fn roll_back(
    mut e: LabError,
    t: &Topology,
    options: &Options,
    (made, created): (Vec<NetNs>, &[usize]),
    host_ipr: &mut IpRoute,
    journal: Journal,
    host_group: Option<u32>,
) -> LabError {
    let made_names: Vec<(String, Option<NsId>)> = created
        .iter()
        .map(|&i| (t.nodes[i].namespace.clone(), made.get(i).map(NetNs::id)))
        .collect();
    let made_names = if made.is_empty() {
        // The namespaces step itself failed: the journal has the identities.
        let ids = journal.read().unwrap_or_default();
        created
            .iter()
            .map(|&i| {
                let ns = &t.nodes[i].namespace;
                (ns.clone(), ids.get(ns).copied())
            })
            .collect()
    } else {
        made_names
    };
    let host_names: Vec<String> = t.host_interfaces().into_iter().map(str::to_owned).collect();
    drop(made);
    let report = teardown(
        &t.name,
        options.registry(),
        &made_names,
        &host_names,
        host_group,
        Some(host_ipr),
    );
    if report.failed.is_empty() {
        let _ = journal.remove();
        let _ = Record::remove(&options.state_dir(), &t.name);
    }
    if let LabError::Step { leftovers, .. } = &mut e {
        leftovers.extend(report.failed);
    }
    e
}

fn libc_enodev() -> i32 {
    netnest::rustix::io::Errno::NODEV.raw_os_error()
}

fn build(
    t: &Topology,
    options: &Options,
    (names, journal): (&[Name], &Journal),
    (host, host_group): (&NetNs, Option<u32>),
    host_ipr: &mut IpRoute,
    (made, created): (&mut Vec<NetNs>, &mut Vec<usize>),
    progress: &mut dyn FnMut(Progress),
) -> Result<(), LabError> {
    let registry = options.registry();
    let n = t.nodes.len();
    let sysctl_nodes = t
        .nodes
        .iter()
        .filter(|n| n.sysctls.iter().any(|(k, _)| !super::inside::is_default(k)))
        .count();
    let total = n + 2 * (n + 1) + sysctl_nodes;
    let mut done = 0;
    let mut tick = |phase: Phase, progress: &mut dyn FnMut(Progress)| {
        done += 1;
        progress(Progress { phase, done, total });
    };

    *made = create_namespaces(t, registry, (names, journal), created, &mut || {
        tick(Phase::Namespaces, progress)
    })?;
    let mut sockets = open_sockets(t, made)?;
    let plan = Plan::new(t).with_host_group(host_group);
    let fd = |p: Place| -> RawFd {
        match p {
            Place::Host => host.as_fd().as_raw_fd(),
            Place::Node(i) => made[i].as_fd().as_raw_fd(),
        }
    };

    send(
        t,
        Place::Host,
        host_ipr.socket(),
        plan.links(Place::Host, &fd),
    )?;
    tick(Phase::Links, progress);
    for (i, socket) in sockets.iter_mut().enumerate() {
        send(t, Place::Node(i), socket, plan.links(Place::Node(i), &fd))?;
        tick(Phase::Links, progress);
    }

    let mut host_index = HashMap::new();
    for name in t.host_interfaces() {
        let index = host_ipr
            .link_index(name)
            .map_err(|e| LabError::step(format!("look up host interface {name}"), e))?;
        host_index.insert(name.to_owned(), index);
    }

    for _ in 0..write_sysctls(t, made)? {
        tick(Phase::Sysctls, progress);
    }

    send(
        t,
        Place::Host,
        host_ipr.socket(),
        plan.addresses(Place::Host, &host_index),
    )?;
    tick(Phase::Addresses, progress);
    for (i, socket) in sockets.iter_mut().enumerate() {
        send(
            t,
            Place::Node(i),
            socket,
            plan.addresses(Place::Node(i), &host_index),
        )?;
        tick(Phase::Addresses, progress);
    }
    super::settle::wait_until_up(t, &mut sockets, host_ipr);
    Ok(())
}

/// Sends one namespace's batch; the first failed request is the error.
fn send(t: &Topology, place: Place, socket: &mut Socket, batch: Batch) -> Result<(), LabError> {
    if batch.is_empty() {
        return Ok(());
    }
    let (requests, steps): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    let replies = socket.batch(requests).map_err(|e| {
        LabError::step(
            format!("send the requests of {} to the kernel", t.place_name(place)),
            e,
        )
    })?;
    for (reply, step) in replies.into_iter().zip(steps) {
        if let Err(e) = reply {
            return Err(LabError::step(StepText(t, step).to_string(), e));
        }
    }
    Ok(())
}
