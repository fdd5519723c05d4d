//! `down`: remove what a record (or a failed `up`) lists: the host interfaces that are the lab's,
//! then the namespaces' names, then the record.

use std::collections::HashSet;

use netnest::netlink::route_messages::link::LinkAttribute;
use netnest::{IpRoute, Name, NetNs, Registry};

use super::plan::alias;
use crate::error::LabError;
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
    /// Host interfaces of a recorded name that were left alone because they are not the lab's
    /// (another program made an interface of that name).
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

/// Removes the host interfaces among `host_names` that are the lab's (marked with its alias,
/// or a veth whose peer is in one of its namespaces), then the names `namespaces`. Goes on after
/// failures and reports them. Without a `host` handle, host interfaces are left to the kernel
/// (they die with their peers' namespaces).
pub(crate) fn teardown(
    lab: &str,
    registry: &Registry,
    namespaces: &[String],
    host_names: &[String],
    host: Option<&mut IpRoute>,
) -> Teardown {
    let mut out = Teardown {
        report: DownReport {
            recorded: true,
            ..DownReport::default()
        },
        failed: Vec::new(),
    };
    let names: Vec<Name> = namespaces
        .iter()
        .filter_map(|n| Name::new(n.as_str()).ok())
        .collect();
    if let (Some(host), false) = (host, host_names.is_empty()) {
        let mine = alias(lab);
        let mut links = Vec::new();
        for name in host_names {
            match host.link_get(name.as_str()) {
                Ok(link) => links.push(link),
                Err(e) if e.raw_os_error() == Some(enodev()) => {}
                Err(e) => out
                    .failed
                    .push(format!("host interface {name} (look-up failed: {e})")),
            }
        }
        // The nsids of the lab's namespaces, as the host sees them (asked after the links,
        // whose dump gave any missing one an nsid).
        let mut nsids = HashSet::new();
        if links.iter().any(|l| l.kind.as_deref() == Some("veth")) {
            for name in &names {
                if let Ok(ns) = registry.open(name) {
                    if let Ok(Some(id)) = host.socket().nsid_of(&ns) {
                        nsids.insert(id);
                    }
                }
            }
        }
        for link in links {
            let marked = link
                .message
                .attributes
                .iter()
                .any(|a| matches!(a, LinkAttribute::IfAlias(text) if *text == mine));
            let peer_inside = link.kind.as_deref() == Some("veth")
                && link.link_netnsid.is_some_and(|id| nsids.contains(&id));
            if !(marked || peer_inside) {
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
    for name in &names {
        match registry.delete(name) {
            Ok(()) => out.report.namespaces.push(name.to_string()),
            Err(e) if *e.kind() == netnest::ErrorKind::NotFound => {}
            Err(e) => out.failed.push(format!("namespace {name} ({e})")),
        }
    }
    out
}

/// Takes down the lab `lab` recorded in `options`' state directory: deletes its host
/// interfaces, removes its namespaces' names, then its record. A lab that is not recorded is no
/// error (`recorded` is false): `down` twice is harmless.
///
/// Host interfaces are deleted only from the namespace `up` ran in (the record says which);
/// from anywhere else they are left to the kernel, which deletes each with its peer's namespace.
/// Processes still running in a node keep its namespace alive (not its name).
///
/// ```no_run
/// let report = netnest_lab::down("trio", &netnest_lab::Options::new())?;
/// println!("removed {} namespaces", report.namespaces.len());
/// # Ok::<(), netnest_lab::LabError>(())
/// ```
pub fn down(lab: &str, options: &Options) -> Result<DownReport, LabError> {
    down_with_host(lab, options, None)
}

/// [`down`], with the host namespace given (the fixture keeps the one `up` ran in).
pub(crate) fn down_with_host(
    lab: &str,
    options: &Options,
    host_ns: Option<&NetNs>,
) -> Result<DownReport, LabError> {
    let state_dir = options.state_dir();
    let path = Record::path(&state_dir, lab);
    let record = match Record::read(&state_dir, lab) {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(DownReport::default()),
        Err(e) => {
            return Err(LabError::step(
                format!("read the record {}", path.display()),
                e,
            ))
        }
    };
    if record.state == RecordState::Building
        && record.pid != std::process::id()
        && record.builder_alive()
    {
        return Err(LabError::Busy {
            lab: lab.to_owned(),
            pid: record.pid,
        });
    }
    let registry = Registry::new(&record.registry);
    let host_names: Vec<String> = record
        .host_links
        .iter()
        .chain(&record.host_bridges)
        .cloned()
        .collect();
    let mut host = None;
    if !host_names.is_empty() {
        let opened = match host_ns {
            Some(ns) => IpRoute::in_netns(ns).ok(),
            None => NetNs::current()
                .ok()
                .filter(|here| here.to_string() == record.host_netns)
                .and_then(|_| IpRoute::new().ok()),
        };
        host = opened;
    }
    let namespaces: Vec<String> = record.nodes.iter().map(|n| n.namespace.clone()).collect();
    let done = teardown(lab, &registry, &namespaces, &host_names, host.as_mut());
    if !done.failed.is_empty() {
        return Err(LabError::Step {
            step: format!("take down lab {lab}"),
            cause: crate::error::Cause::Io(std::io::Error::other(
                "some parts could not be removed",
            )),
            leftovers: done.failed,
        });
    }
    Record::remove(&state_dir, lab)
        .map_err(|e| LabError::step(format!("remove the record {}", path.display()), e))?;
    Ok(done.report)
}
