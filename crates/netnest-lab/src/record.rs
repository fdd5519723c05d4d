// SPDX-License-Identifier: MIT OR Apache-2.0
//! The record of a lab: what `up` makes, written before it makes it (write-ahead), so `down` can
//! remove all of it even after `up` was killed half-way.
//!
//! One TOML file per lab, `STATE_DIR/NAME.toml`; the state directory is by default the run
//! directory's sibling `netnest/labs` (`/run/netnest/labs` for `/run/netns`), so it lives on the
//! same tmpfs as the namespaces' names and vanishes with them at reboot. The file is always
//! written whole to a temporary file and renamed into place: created without replacing (two
//! `up`s of one lab cannot both proceed), later replaced atomically.
//!
//! Temporary files (`.NAME.toml.PID`) left by a process killed while writing one are removed by
//! the next command that reads or writes records ([`Record::sweep`]). A record that cannot be
//! read (damaged, or written by another version of this format) is never skipped silently:
//! [`Record::list`] returns it as [`Unreadable`].
//!
//! ```toml
//! version = 1                       # the format; another version is refused, not guessed at
//! lab = "trio"
//! state = "up"                      # "building" until up finished
//! pid = 4242                        # the process that ran up
//! pid_start = 81234                 # its start time (/proc/PID/stat field 22): pid reuse
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
//! id = "4:4026532281"               # the namespace's DEV:INO, once up finished
//! ```
//!
//! While `up` builds, the identities of the namespaces it made are in a journal beside the
//! record (`NAME.made`, see `journal.rs`).

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
    /// The namespace's identity (`DEV:INO`), once `up` finished; until then it is in the
    /// journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// A process the lab started (`run = [...]` of a node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordProcess {
    /// The node it runs in.
    pub node: String,
    /// The command as written.
    pub command: String,
    /// Its pid (also its process group).
    pub pid: u32,
    /// Its start time (`/proc/PID/stat` field 22): with the pid, it names the process for good.
    pub start: u64,
    /// The file its output (stdout and stderr) goes to.
    pub log: PathBuf,
}

/// The record format this version writes and reads.
pub const FORMAT: u32 = 1;

fn format_1() -> u32 {
    1
}

/// A record file that could not be read: its path and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unreadable {
    /// The lab's name (from the file name).
    pub lab: String,
    /// The record file.
    pub path: PathBuf,
    /// Why it could not be read.
    pub reason: String,
}

/// What a lab made (or is about to make), as written in its record file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Record {
    /// The record format ([`FORMAT`]; records written before it was recorded are format 1).
    #[serde(default = "format_1")]
    pub version: u32,
    /// The lab's name.
    pub lab: String,
    /// Whether `up` finished.
    pub state: RecordState,
    /// The process that ran `up`.
    pub pid: u32,
    /// Its start time (`/proc/PID/stat` field 22), so a later process with the same pid is not
    /// taken for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid_start: Option<u64>,
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
    /// The processes the lab started, in the order started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<RecordProcess>,
}

impl Record {
    /// The directory of the lab's log files (`LAB.logs`, one `NODE.log` per node that runs
    /// commands) in `state_dir`.
    pub fn logs_dir(state_dir: &Path, lab: &str) -> PathBuf {
        state_dir.join(format!("{lab}.logs"))
    }

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
        let record: Record = toml::from_str(&text).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("it is damaged ({})", e.message().trim_end()),
            )
        })?;
        if record.version != FORMAT {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "it is in record format {}, and this netnest reads format {FORMAT}",
                    record.version
                ),
            ));
        }
        Ok(Some(record))
    }

    /// Every record in `state_dir`, sorted by lab name, and the record files that could not be
    /// read.
    pub fn list(state_dir: &Path) -> io::Result<(Vec<Record>, Vec<Unreadable>)> {
        let entries = match std::fs::read_dir(state_dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(e) => return Err(e),
        };
        let mut records = Vec::new();
        let mut unreadable = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let Some(lab) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".toml"))
                .filter(|n| !n.starts_with('.'))
            else {
                continue;
            };
            match Record::read_path(&path) {
                Ok(Some(r)) => records.push(r),
                Ok(None) => {}
                Err(e) => unreadable.push(Unreadable {
                    lab: lab.to_owned(),
                    path,
                    reason: e.to_string(),
                }),
            }
        }
        records.sort_by(|a, b| a.lab.cmp(&b.lab));
        unreadable.sort_by(|a, b| a.lab.cmp(&b.lab));
        Ok((records, unreadable))
    }

    /// Removes the temporary files (`.NAME.toml.PID`) whose writer is gone: a process killed
    /// while writing a record leaves one. The writer is gone when no process has that pid, when
    /// it is a zombie (killed, not yet reaped by its parent), or when the process with that pid
    /// started after the file was last written (the pid was reused). Errors are ignored (the
    /// next command tries again).
    pub fn sweep(state_dir: &Path) {
        let Ok(entries) = std::fs::read_dir(state_dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|n| n.starts_with('.'))
                .and_then(|n| n.rsplit_once(".toml."))
                .and_then(|(_, pid)| pid.parse::<u32>().ok())
            else {
                continue;
            };
            let written = entry.metadata().and_then(|m| m.modified()).ok();
            let writer_alive = crate::proc::stat(pid).is_some_and(|s| {
                s.state != 'Z' && !written.is_some_and(|w| crate::proc::started_after(&s, w))
            });
            if !writer_alive {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The file's text; fails if a path in it is not UTF-8 (TOML holds only UTF-8).
    fn text(&self) -> io::Result<String> {
        let body = toml::to_string(self).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a record holds only UTF-8 text ({e})"),
            )
        })?;
        Ok(format!(
            "# netnest lab record: what `netnest lab up` made for lab \"{}\".\n# `netnest lab down {}` removes all of it, then this file.\n{body}",
            self.lab, self.lab
        ))
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

    /// Writes the text to `.LAB.toml.PID` in `state_dir` and returns its path; on failure (a
    /// full disk) nothing is left.
    fn write_tmp(&self, state_dir: &Path) -> io::Result<PathBuf> {
        let text = self.text()?;
        let tmp = state_dir.join(format!(".{}.toml.{}", self.lab, std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(text.as_bytes()));
        match written {
            Ok(()) => Ok(tmp),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
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
        // The logs go with the record (their processes are stopped by then).
        let _ = std::fs::remove_dir_all(Record::logs_dir(state_dir, lab));
        match std::fs::remove_file(Record::path(state_dir, lab)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Whether the process that ran `up` is still alive (for a record still `building`): the
    /// same pid with the same start time (a record without a start time: the pid alone).
    ///
    /// `down` asks the builder's lock instead, which also sees a builder in another pid
    /// namespace.
    pub fn builder_alive(&self) -> bool {
        match self.pid_start {
            Some(start) => crate::proc::running(self.pid, start),
            None => Path::new(&format!("/proc/{}", self.pid)).exists(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let r = Record {
            version: FORMAT,
            lab: "trio".into(),
            state: RecordState::Building,
            pid: 7,
            pid_start: Some(8),
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
                id: Some("4:4026532281".into()),
            }],
            processes: vec![RecordProcess {
                node: "h1".into(),
                command: "sleep 100".into(),
                pid: 42,
                start: 7,
                log: "/run/netnest/labs/trio.logs/h1.log".into(),
            }],
        };
        let text = r.text().unwrap();
        assert!(text.contains("state = \"building\""), "{text}");
        let back: Record = toml::from_str(&text).unwrap();
        assert_eq!(back, r);
    }
}
