// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Options`]: where a lab's namespaces and record go; [`Progress`]: how far `up` is.

use std::path::{Path, PathBuf};

use netnest::Registry;

/// Where a lab lives: the [`Registry`] (run directory) for its namespaces, and the state
/// directory for its record.
///
/// ```
/// use netnest_lab::Options;
/// let default = Options::new();
/// assert_eq!(default.state_dir(), std::path::Path::new("/run/netnest/labs"));
/// let mine = Options::new().with_registry(netnest::Registry::new("/run/mytest/netns"));
/// assert_eq!(mine.state_dir(), std::path::Path::new("/run/mytest/netnest/labs"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    registry: Registry,
    state_dir: Option<PathBuf>,
}

impl Options {
    /// The defaults: `/run/netns` (what `ip netns` sees) and `/run/netnest/labs`.
    pub fn new() -> Options {
        Options::default()
    }

    /// Namespaces go in `registry`; unless a state directory is set
    /// ([`with_state_dir`](Options::with_state_dir)), records go in its sibling `netnest/labs`.
    pub fn with_registry(mut self, registry: Registry) -> Options {
        self.registry = registry;
        self
    }

    /// Records go in `dir`.
    pub fn with_state_dir(mut self, dir: impl Into<PathBuf>) -> Options {
        self.state_dir = Some(dir.into());
        self
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The state directory: as set, or the registry directory's sibling `netnest/labs`.
    pub fn state_dir(&self) -> PathBuf {
        match &self.state_dir {
            Some(d) => d.clone(),
            None => self
                .registry
                .dir()
                .parent()
                .unwrap_or(Path::new("/"))
                .join("netnest/labs"),
        }
    }
}

/// What `up` is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Creating namespaces.
    Namespaces,
    /// Creating bridges and veth pairs, namespace by namespace.
    Links,
    /// Writing sysctls.
    Sysctls,
    /// Adding addresses and routes, namespace by namespace.
    Addresses,
    /// Done.
    Done,
}

/// How far `up` is: `done` of `total` units (a namespace created, a namespace's batch sent…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The current phase.
    pub phase: Phase,
    /// Units done.
    pub done: usize,
    /// Units in all.
    pub total: usize,
}
