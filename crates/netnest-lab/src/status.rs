// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`status`]: the labs recorded, and whether what they made is still there.

use netnest::{Name, Registry};

use crate::error::LabError;
use crate::options::Options;
use crate::record::{Record, RecordState, Unreadable};

/// The state of a recorded lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LabState {
    /// Up, and every namespace is there.
    Up,
    /// Up, but some namespaces are gone (removed by hand?); `down` cleans up the rest.
    Degraded,
    /// `up` is running.
    Building,
    /// `up` was interrupted (its process is gone); `down` removes what it made.
    Interrupted,
}

impl LabState {
    /// The word shown by `netnest lab status`.
    pub fn as_str(self) -> &'static str {
        match self {
            LabState::Up => "up",
            LabState::Degraded => "degraded",
            LabState::Building => "building",
            LabState::Interrupted => "interrupted",
        }
    }
}

/// A node of a [`LabStatus`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeStatus {
    /// The node's name.
    pub name: String,
    /// Its namespace's name.
    pub namespace: String,
    /// Whether the namespace's name is in the registry.
    pub present: bool,
}

/// A recorded lab and what is left of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LabStatus {
    /// Its state.
    pub state: LabState,
    /// Its nodes.
    pub nodes: Vec<NodeStatus>,
    /// Its record.
    pub record: Record,
}

fn of(record: Record) -> LabStatus {
    let registry = Registry::new(&record.registry);
    let nodes: Vec<NodeStatus> = record
        .nodes
        .iter()
        .map(|n| NodeStatus {
            name: n.name.clone(),
            namespace: n.namespace.clone(),
            present: Name::new(n.namespace.as_str())
                .ok()
                .is_some_and(|name| registry.open(&name).is_ok()),
        })
        .collect();
    let state = match record.state {
        RecordState::Building if record.builder_alive() => LabState::Building,
        RecordState::Building => LabState::Interrupted,
        RecordState::Up if nodes.iter().all(|n| n.present) => LabState::Up,
        RecordState::Up => LabState::Degraded,
    };
    LabStatus {
        state,
        nodes,
        record,
    }
}

/// The labs recorded in a state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Labs {
    /// Each lab whose record could be read, by name.
    pub labs: Vec<LabStatus>,
    /// The records that could not be read (damaged, or of another format), by name: `down`
    /// refuses them too, so they need a look.
    pub unreadable: Vec<Unreadable>,
}

/// Every lab recorded in `options`' state directory, by name, and the records that could not be
/// read.
///
/// ```no_run
/// let labs = netnest_lab::status(&netnest_lab::Options::new())?;
/// for lab in &labs.labs {
///     println!("{} {}", lab.record.lab, lab.state.as_str());
/// }
/// for bad in &labs.unreadable {
///     eprintln!("{}: {}", bad.path.display(), bad.reason);
/// }
/// # Ok::<(), netnest_lab::LabError>(())
/// ```
pub fn status(options: &Options) -> Result<Labs, LabError> {
    let dir = options.state_dir();
    Record::sweep(&dir);
    let (records, unreadable) = Record::list(&dir)
        .map_err(|e| LabError::step(format!("read the records in {}", dir.display()), e))?;
    Ok(Labs {
        labs: records.into_iter().map(of).collect(),
        unreadable,
    })
}

/// The lab `lab`, if it is recorded; [`LabError::Unreadable`] if its record cannot be read.
pub fn status_of(lab: &str, options: &Options) -> Result<Option<LabStatus>, LabError> {
    let dir = options.state_dir();
    let record = Record::read(&dir, lab).map_err(|e| LabError::Unreadable {
        lab: lab.to_owned(),
        path: Record::path(&dir, lab),
        reason: e.to_string(),
    })?;
    Ok(record.map(of))
}
