//! `up`: check, record, create namespaces, send each namespace's batches, write sysctls; on any
//! failure remove what was made.

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, RawFd};

use netnest::netlink::Socket;
use netnest::{IpRoute, Name, NetNs};

use super::down::teardown;
use super::inside::{create_namespaces, open_sockets, write_sysctls};
use super::plan::{Batch, Plan, StepText};
use crate::error::LabError;
use crate::lab::Lab;
use crate::options::{Options, Phase, Progress};
use crate::record::{Record, RecordNode, RecordState};
use crate::topology::{Place, Topology};

fn namespace_name(ns: &str) -> Result<Name, LabError> {
    Name::new(ns).map_err(|e| LabError::Taken {
        what: format!("namespace name {ns:?} ({e})"),
    })
}

/// Builds `t`; see [`Topology::up_with`].
pub(crate) fn up(
    t: &Topology,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Lab, LabError> {
    let host = NetNs::current().map_err(|e| LabError::step("open the host's namespace", e))?;
    let state_dir = options.state_dir();
    let registry = options.registry();
    let record_path = Record::path(&state_dir, &t.name);

    // Nothing recorded, nothing taken: otherwise stop before making anything.
    if record_path.exists() {
        return Err(LabError::AlreadyUp {
            lab: t.name.clone(),
            record: record_path,
        });
    }
    let mut names = Vec::with_capacity(t.nodes.len());
    for node in &t.nodes {
        let name = namespace_name(&node.namespace)?;
        if registry.path(&name).symlink_metadata().is_ok() {
            return Err(LabError::Taken {
                what: format!("namespace \"{}\"", node.namespace),
            });
        }
        names.push(name);
    }
    let mut host_ipr =
        IpRoute::new().map_err(|e| LabError::step("open a netlink socket in the host", e))?;
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

    // The record, before anything is made.
    let mut record = Record {
        lab: t.name.clone(),
        state: RecordState::Building,
        pid: std::process::id(),
        created: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        registry: registry.dir().to_path_buf(),
        host_netns: host.to_string(),
        file: t
            .file
            .as_ref()
            .map(|f| std::path::absolute(f).unwrap_or(f.clone())),
        host_links: t
            .links
            .iter()
            .flat_map(|l| [&l.a, &l.b])
            .filter(|e| e.place == Place::Host)
            .map(|e| e.ifname.clone())
            .collect(),
        host_bridges: t.host_bridges.iter().map(|b| b.name.clone()).collect(),
        nodes: t
            .nodes
            .iter()
            .map(|n| RecordNode {
                name: n.name.clone(),
                namespace: n.namespace.clone(),
            })
            .collect(),
    };
    if let Err(e) = record.create(&state_dir) {
        return Err(if e.kind() == std::io::ErrorKind::AlreadyExists {
            LabError::AlreadyUp {
                lab: t.name.clone(),
                record: record_path,
            }
        } else {
            LabError::step(format!("write the record {}", record_path.display()), e)
        });
    }

    let mut made = Vec::with_capacity(t.nodes.len());
    let mut created = Vec::with_capacity(t.nodes.len());
    let built = build(
        t,
        options,
        &names,
        &host,
        &mut host_ipr,
        (&mut made, &mut created),
        progress,
    )
    .and_then(|()| {
        record.state = RecordState::Up;
        record
            .replace(&state_dir)
            .map_err(|e| LabError::step(format!("write the record {}", record_path.display()), e))
    });
    match built {
        Ok(()) => {
            progress(Progress {
                phase: Phase::Done,
                done: 1,
                total: 1,
            });
            Ok(Lab::new(t.clone(), options.clone(), host, made))
        }
        Err(mut e) => {
            let made_names: Vec<String> = created
                .iter()
                .map(|&i| t.nodes[i].namespace.clone())
                .collect();
            let host_names: Vec<String> =
                t.host_interfaces().into_iter().map(str::to_owned).collect();
            drop(made);
            let report = teardown(
                &t.name,
                registry,
                &made_names,
                &host_names,
                Some(&mut host_ipr),
            );
            if report.failed.is_empty() {
                let _ = Record::remove(&state_dir, &t.name);
            }
            if let LabError::Step { leftovers, .. } = &mut e {
                leftovers.extend(report.failed);
            }
            Err(e)
        }
    }
}

fn libc_enodev() -> i32 {
    netnest::rustix::io::Errno::NODEV.raw_os_error()
}

fn build(
    t: &Topology,
    options: &Options,
    names: &[Name],
    host: &NetNs,
    host_ipr: &mut IpRoute,
    (made, created): (&mut Vec<NetNs>, &mut Vec<usize>),
    progress: &mut dyn FnMut(Progress),
) -> Result<(), LabError> {
    let registry = options.registry();
    let n = t.nodes.len();
    let sysctl_nodes = t.nodes.iter().filter(|n| !n.sysctls.is_empty()).count();
    let total = n + 2 * (n + 1) + sysctl_nodes;
    let mut done = 0;
    let mut tick = |phase: Phase, progress: &mut dyn FnMut(Progress)| {
        done += 1;
        progress(Progress { phase, done, total });
    };

    *made = create_namespaces(t, registry, names, created, &mut || {
        tick(Phase::Namespaces, progress)
    })?;
    let mut sockets = open_sockets(t, made)?;
    let plan = Plan::new(t);
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
