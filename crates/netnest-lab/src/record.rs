//! The record of a lab: what `up` makes, written before it makes it (write-ahead), so `down` can
//! remove all of it even after `up` was killed half-way.
//!
//! One TOML file per lab, `STATE_DIR/NAME.toml`; the state directory is by default the run
//! directory's sibling `netnest/labs` (`/run/netnest/labs` for `/run/netns`), so it lives on the
//! same tmpfs as the namespaces' names and vanishes with them at reboot. The file is always
//! written whole to a temporary file and renamed into place: created without replacing (two
//! `up`s of one lab cannot both proceed), later replaced atomically.
//!
//! ```toml
//! lab = "trio"
//! state = "up"                      # "building" until up finished
//! pid = 4242                        # the process that ran up
//! created = 1795000000              # seconds since the epoch
//! registry = "/run/netns"
//! host_netns = "net:[4026531840]"   # the namespace up ran in, where host interfaces are
//! file = "/home/me/labs/trio.toml"
//! host_links = []                   # veth ends made in the host
//! host_bridges = []                 # bridges made in the host
//! host_group = 1313734656           # their link group, when there are any
//!
//! [[nodes]]
//! name = "h1"
//! namespace = "trio-h1"
//! ```

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Whether `up` finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordState {
    /// `up` is running, or was interrupted (then its `pid` is gone).
    Building,
    /// `up` finished.
    Up,
}

/// One node of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordNode {
    /// The node's name in the topology.
    pub name: String,
    /// Its namespace's name in the registry.
    pub namespace: String,
}

/// What a lab made (or is about to make), as written in its record file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Record {
    /// The lab's name.
    pub lab: String,
    /// Whether `up` finished.
    pub state: RecordState,
    /// The process that ran `up`.
    pub pid: u32,
    /// When `up` started, in seconds since the epoch.
    pub created: u64,
    /// The registry (run directory) holding the namespaces.
    pub registry: PathBuf,
    /// The namespace `up` ran in, where the host interfaces are (`net:[INODE]`).
    pub host_netns: String,
    /// The topology file, if the lab came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// veth ends made in the host.
    #[serde(default)]
    pub host_links: Vec<String>,
    /// Bridges made in the host.
    #[serde(default)]
    pub host_bridges: Vec<String>,
    /// The link group of the host interfaces (`ip link show group N`), which no other link of
    /// the host was in when `up` chose it: `down` deletes the group in one request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_group: Option<u32>,
    /// The nodes and their namespaces.
    #[serde(default)]
    pub nodes: Vec<RecordNode>,
}

impl Record {
    /// The record's path for lab `lab` in `state_dir`.
    pub fn path(state_dir: &Path, lab: &str) -> PathBuf {
        state_dir.join(format!("{lab}.toml"))
    }

    /// Reads the record of `lab`; `Ok(None)` if there is none.
    pub fn read(state_dir: &Path, lab: &str) -> io::Result<Option<Record>> {
        Record::read_path(&Record::path(state_dir, lab))
    }

    /// Reads a record file; `Ok(None)` if it does not exist.
    pub fn read_path(path: &Path) -> io::Result<Option<Record>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        toml::from_str(&text).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {}", path.display(), e.message()),
            )
        })
    }

    /// Every record in `state_dir`, sorted by lab name (unreadable ones are skipped).
    pub fn list(state_dir: &Path) -> io::Result<Vec<Record>> {
        let entries = match std::fs::read_dir(state_dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut records = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let is_record = path.extension().is_some_and(|x| x == "toml")
                && !path
                    .file_name()
                    .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
            if is_record {
                if let Ok(Some(r)) = Record::read_path(&path) {
                    records.push(r);
                }
            }
        }
        records.sort_by(|a, b| a.lab.cmp(&b.lab));
        Ok(records)
    }

    fn text(&self) -> String {
        let body = toml::to_string(self).expect("a record always serializes");
        format!(
            "# netnest lab record: what `netnest lab up` made for lab \"{}\".\n# `netnest lab down {}` removes all of it, then this file.\n{body}",
            self.lab, self.lab
        )
    }

    /// Creates the record file; fails with `AlreadyExists` if the lab has one. The whole text
    /// is written to a temporary file first, then renamed into place without replacing
    /// (`renameat2(RENAME_NOREPLACE)`): the record appears complete or not at all, even if the
    /// process is killed meanwhile, and of two `up`s of one lab only one gets it.
    pub(crate) fn create(&self, state_dir: &Path) -> io::Result<()> {
        use netnest::rustix::fs::{renameat_with, RenameFlags, CWD};
        std::fs::create_dir_all(state_dir)?;
        let tmp = self.write_tmp(state_dir)?;
        let placed = renameat_with(
            CWD,
            &tmp,
            CWD,
            Record::path(state_dir, &self.lab),
            RenameFlags::NOREPLACE,
        );
        if placed.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        placed.map_err(io::Error::from)
    }

    /// Writes the text to `.LAB.toml.PID` in `state_dir` and returns its path.
    fn write_tmp(&self, state_dir: &Path) -> io::Result<PathBuf> {
        let tmp = state_dir.join(format!(".{}.toml.{}", self.lab, std::process::id()));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(self.text().as_bytes())?;
        Ok(tmp)
    }

    /// Replaces the record file atomically.
    pub(crate) fn replace(&self, state_dir: &Path) -> io::Result<()> {
        let tmp = self.write_tmp(state_dir)?;
        std::fs::rename(&tmp, Record::path(state_dir, &self.lab)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// Removes the record file of `lab` (no error if it is gone).
    pub(crate) fn remove(state_dir: &Path, lab: &str) -> io::Result<()> {
        match std::fs::remove_file(Record::path(state_dir, lab)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Whether the process that ran `up` is still alive (for a record still `building`).
    pub fn builder_alive(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid)).exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let r = Record {
            lab: "trio".into(),
            state: RecordState::Building,
            pid: 7,
            created: 1,
            registry: "/run/netns".into(),
            host_netns: "net:[1]".into(),
            file: None,
            host_links: vec!["trio-h1".into()],
            host_bridges: vec![],
            host_group: None,
            nodes: vec![RecordNode {
                name: "h1".into(),
                namespace: "trio-h1".into(),
            }],
        };
        let text = r.text();
        assert!(text.contains("state = \"building\""), "{text}");
        let back: Record = toml::from_str(&text).unwrap();
        assert_eq!(back, r);
    }
}
