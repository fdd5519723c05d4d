// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Registry`]: named network namespaces in a run directory, in the iproute2 convention.
//!
//! A named namespace is a file `DIR/NAME` on which the namespace's nsfs file is bind-mounted, and
//! `DIR` is a shared mount so the bind mounts reach every mount namespace that shares it. `ip netns`,
//! pyroute2, Go's netns, CNI and netnest all see each other's names in `/run/netns`.

mod add;
mod delete;
mod list;
mod nsids;
mod prune;
mod rundir;
mod unchecked;
mod watch;

use std::path::{Path, PathBuf};

pub use list::{Entry, EntryState};
pub use nsids::NsidEntry;
pub use unchecked::Unchecked;
pub use watch::{Change, Watch};

use crate::error::{Error, Op, Result};
use crate::name::Name;
use crate::netns::NetNs;

/// The run directory of `ip netns` (Debian builds iproute2 with `/run/netns`).
pub const DEFAULT_RUN_DIR: &str = "/run/netns";

/// How many times [`CreateMode::CreateOrOpen`] starts again when the name appears or vanishes
/// between its open and its add.
const CREATE_OR_OPEN_RETRIES: u32 = 16;

/// What [`Registry::create`] does when the name exists or does not, as `open(2)`'s flags and
/// pyroute2's `flags=` argument say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreateMode {
    /// Open the namespace if the name exists, create it otherwise (`O_CREAT`, pyroute2's default).
    #[default]
    CreateOrOpen,
    /// Create the namespace; fail with `EEXIST` if the name exists (`O_CREAT|O_EXCL`, `ip netns add`).
    CreateNew,
    /// Open the namespace; fail with `ENOENT` if the name does not exist (pyroute2's `flags=0`).
    OpenExisting,
}

/// Named network namespaces under one run directory (by default `/run/netns`).
///
/// The directory is a parameter so tests and embedders can keep their own set of names; only the
/// default one is seen by `ip netns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    dir: PathBuf,
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::new(DEFAULT_RUN_DIR)
    }
}

impl Registry {
    /// A registry in `dir`. Nothing is created until a namespace is added.
    pub fn new(dir: impl Into<PathBuf>) -> Registry {
        Registry { dir: dir.into() }
    }

    /// The run directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `name`'s file: `DIR/NAME`.
    pub fn path(&self, name: &Name) -> PathBuf {
        self.dir.join(name.as_os_str())
    }

    /// Opens the named namespace (`ip netns exec NAME`'s first step).
    ///
    /// Fails with [`Op::Open`] (`ENOENT` when the name does not exist) or with
    /// [`Op::NotANamespace`] (`EINVAL`) when the file is stale: its bind mount is gone, for example
    /// because it was made in another mount namespace.
    #[doc(alias = "GetFromName")]
    pub fn open(&self, name: &Name) -> Result<NetNs> {
        NetNs::from_path(self.path(name))
    }

    /// Creates or opens `name`, as `mode` says.
    ///
    /// [`CreateMode::CreateOrOpen`] opens the name, else adds it, and starts again (a bounded
    /// number of times) if another process made or removed the name in between. An entry that
    /// cannot be opened and cannot be created, such as a dangling symlink, fails with add's
    /// `EEXIST` ([`Op::CreateFile`]).
    ///
    /// ```no_run
    /// use netnest::{CreateMode, Name, Registry};
    /// let reg = Registry::default();
    /// let ns = reg.create(&Name::new("blue")?, CreateMode::CreateOrOpen)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(&self, name: &Name, mode: CreateMode) -> Result<NetNs> {
        match mode {
            CreateMode::CreateNew => self.add(name),
            CreateMode::OpenExisting => self.open(name),
            CreateMode::CreateOrOpen => {
                let mut retries = 0;
                loop {
                    match self.open(name) {
                        Err(e)
                            if e.op() == Op::Open
                                && e.io_error().kind() == std::io::ErrorKind::NotFound => {}
                        other => return other,
                    }
                    match self.add(name) {
                        // Someone else created it between our open and our add: open theirs. A
                        // few times only: a dangling symlink is "missing" to open and "exists"
                        // to add for ever, and then add's EEXIST is the answer.
                        Err(e)
                            if e.op() == Op::CreateFile
                                && e.io_error().kind() == std::io::ErrorKind::AlreadyExists
                                && retries < CREATE_OR_OPEN_RETRIES =>
                        {
                            retries += 1
                        }
                        other => return other,
                    }
                }
            }
        }
    }

    /// The names of the namespace `ns`, in directory order (usually one, possibly none or several).
    ///
    /// Equivalent to `ip netns identify`, which prints one of them.
    pub fn identify(&self, ns: &NetNs) -> Result<Vec<std::ffi::OsString>> {
        let entries = match self.entries() {
            Ok(entries) => entries,
            Err(e) if e.io_error().kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(entries
            .into_iter()
            .filter(|e| e.state == EntryState::Namespace(ns.id()))
            .map(|e| e.name)
            .collect())
    }

    /// The processes (thread-group leaders) whose network namespace is `name`, in `/proc` order.
    ///
    /// Equivalent to `ip netns pids NAME`.
    pub fn pids(&self, name: &Name) -> Result<Vec<u32>> {
        self.pids_at(&self.path(name))
    }

    fn pids_at(&self, path: &Path) -> Result<Vec<u32>> {
        // Never blocks on a FIFO: nothing is opened for real, the file's identity is enough.
        let (_, st) = crate::nsfile::probe(path).map_err(|(op, e)| Error::at(op, path, e))?;
        crate::procfs::pids_in(st.st_dev, st.st_ino)
    }
}
