// SPDX-License-Identifier: MIT OR Apache-2.0
//! `down`: remove what a record (or a failed `up`) lists: the processes left in the lab's
//! namespaces, the host interfaces that are the lab's, then the namespaces' names, then the
//! record. Only what is still the lab's is touched: a host interface must carry the lab's mark
//! (or be a veth into one of its namespaces), a name must still name the namespace the lab made
//! (its identity, `DEV:INO`, is in the record or the journal).

use std::collections::{HashMap, HashSet};

use netnest::netlink::route_messages::link::LinkAttribute;
use netnest::netlink::Link;
use netnest::{IpRoute, Name, NetNs, NsId, Registry};

use super::plan::alias;
use crate::error::LabError;
use crate::journal::{parse_id, Journal};
use crate::options::Options;
use crate::record::{Record, RecordState};

/// What `down` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownReport {
    /// Whether the lab had a record (`false`: there was nothing to do).
    pub recorded: bool,
    /// The namespaces whose names were removed.
    pub namespaces: Vec<String>,
    /// The host interfaces deleted.
    pub host_interfaces: Vec<String>,
    /// The processes stopped in the lab's namespaces: `process 42 (sleep) in lab-h1`, with
    /// `, killed` when `SIGTERM` was not enough.
    pub stopped: Vec<String>,
    /// What was left alone because it is not the lab's: a host interface of a recorded name
    /// that another program made, a namespace name that now names another namespace (made
    /// after the lab's was deleted, or after an interrupted `up`).
    pub kept: Vec<String>,
}

/// What [`teardown`] did and could not do.
pub(crate) struct Teardown {
    pub report: DownReport,
    pub failed: Vec<String>,
}

fn enodev() -> i32 {
    netnest::rustix::io::Errno::NODEV.raw_os_error()
}

/// A namespace of the lab: its name, and the identity the lab made it with (`None`: unknown,
/// then the name is never removed).
pub(crate) type Made = (String, Option<NsId>);

/// The recorded names that still name the namespace the lab made, opened; the others go to
/// `kept`.
fn still_ours(
    registry: &Registry,
    namespaces: &[Made],
    out: &mut Teardown,
) -> Vec<(Name, Option<NetNs>)> {
    let mut ours = Vec::new();
    for (ns, id) in namespaces {
        let Ok(name) = Name::new(ns.as_str()) else {
            continue;
        };
        match (registry.open(&name), id) {
            (Ok(open), Some(id)) if open.id() == *id => ours.push((name, Some(open))),
            (Ok(_), Some(_)) => out
                .report
                .kept
                .push(format!("namespace {ns} (not the lab's: another namespace has its name)")),
            (Ok(_), None) => out.report.kept.push(format!(
                "namespace {ns} (the lab has no identity recorded for it, so it may not be the lab's)"
            )),
            (Err(e), _) if *e.kind() == netnest::ErrorKind::NotFound => {}
            // A name that is no namespace (an `up` killed before its mount): the lab's only if
            // it made a namespace for it.
            (Err(_), Some(_)) => ours.push((name, None)),
            (Err(e), None) => out.report.kept.push(format!("namespace {ns} ({e})")),
        }
    }
    ours
}

/// Stops the processes inside the namespaces `ours`.
fn stop_processes(ours: &[(Name, Option<NetNs>)], out: &mut Teardown) {
    let open: Vec<(String, NsId)> = ours
        .iter()
        .filter_map(|(name, ns)| Some((name.to_string(), ns.as_ref()?.id())))
        .collect();
    let ids: Vec<NsId> = open.iter().map(|(_, id)| *id).collect();
    let found: Vec<(u32, &str, NsId)> = crate::proc::pids_in(&ids)
        .into_iter()
        .map(|(pid, i)| (pid, open[i].0.as_str(), open[i].1))
        .collect();
    let (stopped, failed) = crate::proc::stop(&found);
    out.report.stopped = stopped;
    out.failed.extend(failed);
}

/// Deletes the host interfaces among `host_names` that are the lab's: marked with its alias,
/// or a veth whose peer is in one of `ours`.
///
/// With the lab's link group `group`, they go in one request (`ip link delete group N`, one
/// kernel batch) when every link in the group is the lab's; otherwise (or without a group) one
/// request each, and whatever else is in the group is left alone.
fn remove_host_interfaces(
    lab: &str,
    host: &mut IpRoute,
    (host_names, group): (&[String], Option<u32>),
    ours: &[(Name, Option<NetNs>)],
    out: &mut Teardown,
) {
    let mine = alias(lab);
    // The group's links, in one dump (which also gives every peer namespace an nsid).
    let members = group.and_then(|g| host.link_list_group(g).ok());
    let mut links = Vec::new();
    if members.is_none() {
        for name in host_names {
            match host.link_get(name.as_str()) {
                Ok(link) => links.push(link),
                Err(e) if e.raw_os_error() == Some(enodev()) => {}
                Err(e) => out
                    .failed
                    .push(format!("host interface {name} (look-up failed: {e})")),
            }
        }
    }
    // The nsids of the lab's namespaces, as the host sees them (asked after the links, whose
    // dump gave any missing one an nsid).
    let mut nsids = HashSet::new();
    let listed = members.as_ref().unwrap_or(&links);
    if listed.iter().any(|l| l.kind.as_deref() == Some("veth")) {
        for ns in ours.iter().filter_map(|(_, ns)| ns.as_ref()) {
            if let Ok(Some(id)) = host.socket().nsid_of(ns) {
                nsids.insert(id);
            }
        }
    }
    let is_lab = |link: &Link| {
        let marked = link
            .message
            .attributes
            .iter()
            .any(|a| matches!(a, LinkAttribute::IfAlias(text) if *text == mine));
        let peer_inside = link.kind.as_deref() == Some("veth")
            && link.link_netnsid.is_some_and(|id| nsids.contains(&id));
        host_names.contains(&link.name) && (marked || peer_inside)
    };
    if let (Some(g), Some(members)) = (group, members) {
        let all_ours = members.iter().all(&is_lab);
        match all_ours.then(|| host.link_del_group(g)) {
            Some(Ok(())) => {
                // A recorded name outside the group is someone else's interface now.
                for name in host_names {
                    if !members.iter().any(|l| l.name == *name)
                        && host.link_get(name.as_str()).is_ok()
                    {
                        out.report
                            .kept
                            .push(format!("host interface {name} (not the lab's)"));
                    }
                }
                out.report
                    .host_interfaces
                    .extend(members.into_iter().map(|l| l.name));
                return;
            }
            // Something else joined the group, or the request failed: one by one.
            _ => links = members,
        }
    }
    for link in links {
        if !is_lab(&link) {
            out.report
                .kept
                .push(format!("host interface {} (not the lab's)", link.name));
            continue;
        }
        match host.link_del(link.index) {
            Ok(()) => out.report.host_interfaces.push(link.name),
            Err(e) if e.raw_os_error() == Some(enodev()) => {}
            Err(e) => out
                .failed
                .push(format!("host interface {} ({e})", link.name)),
        }
    }
}

/// Removes what the lab made and still owns: stops the processes in its namespaces, deletes
/// its host interfaces among `host_names`, then removes the names of `namespaces` that still
/// name the namespaces it made. Goes on after failures and reports them. Without a `host`
/// handle, host interfaces are left to the kernel (they die with their peers' namespaces).
/// With the lab's link group `group`, the host interfaces go in one request (see
/// [`remove_host_interfaces`]).
pub(crate) fn teardown(
    lab: &str,
    registry: &Registry,
    namespaces: &[Made],
    host_names: &[String],
    group: Option<u32>,
    host: Option<&mut IpRoute>,
) -> Teardown {
    let mut out = Teardown {
        report: DownReport {
            recorded: true,
            ..DownReport::default()
        },
        failed: Vec::new(),
    };
    let ours = still_ours(registry, namespaces, &mut out);
    stop_processes(&ours, &mut out);
    if let (Some(host), false) = (host, host_names.is_empty()) {
        remove_host_interfaces(lab, host, (host_names, group), &ours, &mut out);
    }
    for (name, _) in &ours {
        match registry.delete(name) {
            Ok(()) => out.report.namespaces.push(name.to_string()),
            Err(e) if *e.kind() == netnest::ErrorKind::NotFound => {}
            Err(e) => out.failed.push(format!("namespace {name} ({e})")),
        }
    }
    out
}

/// Takes down the lab `lab` recorded in `options`' state directory: stops the processes left in
/// its namespaces (`SIGTERM`, a grace of 1.5 s, `SIGKILL`), deletes its host interfaces,
/// removes its namespaces' names, then its record. A lab that is not recorded is no error
/// (`recorded` is false): `down` twice is harmless.
///
/// Only what is still the lab's is removed ([`DownReport::kept`] lists the rest). Host
/// interfaces are deleted only from the namespace `up` ran in (the record says which); from
/// anywhere else they are left to the kernel, which deletes each with its peer's namespace.
///
/// Fails with [`LabError::Busy`] while the lab's `up` runs (see [`force_down`]), and with
/// [`LabError::Unreadable`], removing nothing, if the record cannot be read.
///
/// ```no_run
/// let report = netnest_lab::down("trio", &netnest_lab::Options::new())?;
/// println!("removed {} namespaces", report.namespaces.len());
/// # Ok::<(), netnest_lab::LabError>(())
/// ```
pub fn down(lab: &str, options: &Options) -> Result<DownReport, LabError> {
    down_with(lab, options, None, false)
}

/// [`down`], even if the lab's `up` seems to be running: for a builder that cannot be
/// waited for (it hangs, or its lock is held by a process it left behind). What the lab made
/// is still removed only if it is the lab's.
pub fn force_down(lab: &str, options: &Options) -> Result<DownReport, LabError> {
    down_with(lab, options, None, true)
}

/// Whether the builder of a record still `building` is gone, or `force`: then the journal
/// (locked, if it could be), else [`LabError::Busy`].
fn builder_gone(
    record: &Record,
    state_dir: &std::path::Path,
    force: bool,
) -> Result<Option<Journal>, LabError> {
    let busy = || LabError::Busy {
        lab: record.lab.clone(),
        pid: record.pid,
    };
    match Journal::lock_existing(state_dir, &record.lab) {
        Ok(journal) => {
            let mine = record.pid == std::process::id();
            if journal.is_none()
                && record.state == RecordState::Building
                && !mine
                && record.builder_alive()
                && !force
            {
                return Err(busy());
            }
            Ok(journal)
        }
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && force => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(busy()),
        Err(e) => Err(LabError::Unreadable {
            lab: record.lab.clone(),
            path: Journal::path(state_dir, &record.lab),
            reason: e.to_string(),
        }),
    }
}

/// The identity of each namespace the lab made: from the record, and the journal of an `up`
/// that did not finish.
fn identities(
    record: &Record,
    journal: Option<&Journal>,
    state_dir: &std::path::Path,
) -> Result<HashMap<String, NsId>, LabError> {
    let mut ids: HashMap<String, NsId> = record
        .nodes
        .iter()
        .filter_map(|n| Some((n.namespace.clone(), parse_id(n.id.as_deref()?)?)))
        .collect();
    let journaled = match journal {
        Some(j) => j.read(),
        None => Journal::read_unlocked(state_dir, &record.lab),
    };
    match journaled {
        Ok(more) => ids.extend(more),
        Err(e) => {
            return Err(LabError::Unreadable {
                lab: record.lab.clone(),
                path: Journal::path(state_dir, &record.lab),
                reason: e.to_string(),
            })
        }
    }
    Ok(ids)
}

/// [`down`], with the host namespace given (the fixture keeps the one `up` ran in), forced or
/// not.
pub(crate) fn down_with(
    lab: &str,
    options: &Options,
    host_ns: Option<&NetNs>,
    force: bool,
) -> Result<DownReport, LabError> {
    let state_dir = options.state_dir();
    Record::sweep(&state_dir);
    let path = Record::path(&state_dir, lab);
    let record = match Record::read(&state_dir, lab) {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(DownReport::default()),
        Err(e) => {
            return Err(LabError::Unreadable {
                lab: lab.to_owned(),
                path,
                reason: e.to_string(),
            })
        }
    };
    let journal = builder_gone(&record, &state_dir, force)?;
    let ids = identities(&record, journal.as_ref(), &state_dir)?;
    let registry = Registry::new(&record.registry);
    let host_names: Vec<String> = record
        .host_links
        .iter()
        .chain(&record.host_bridges)
        .cloned()
        .collect();
    let mut host = None;
    if !host_names.is_empty() {
        host = match host_ns {
            Some(ns) => IpRoute::in_netns(ns).ok(),
            None => NetNs::current()
                .ok()
                .filter(|here| here.to_string() == record.host_netns)
                .and_then(|_| IpRoute::new().ok()),
        };
    }
    let namespaces: Vec<Made> = record
        .nodes
        .iter()
        .map(|n| (n.namespace.clone(), ids.get(&n.namespace).copied()))
        .collect();
    let done = teardown(
        lab,
        &registry,
        &namespaces,
        &host_names,
        record.host_group,
        host.as_mut(),
    );
    if !done.failed.is_empty() {
        return Err(LabError::Step {
            step: format!("take down lab {lab}"),
            cause: crate::error::Cause::Io(std::io::Error::other(
                "some parts could not be removed",
            )),
            leftovers: done.failed,
        });
    }
    if let Some(journal) = journal {
        journal
            .remove()
            .map_err(|e| LabError::step("remove the lab's journal", e))?;
    } else {
        let _ = std::fs::remove_file(Journal::path(&state_dir, lab));
    }
    Record::remove(&state_dir, lab)
        .map_err(|e| LabError::step(format!("remove the record {}", path.display()), e))?;
    Ok(done.report)
}
