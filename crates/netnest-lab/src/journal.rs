// SPDX-License-Identifier: MIT OR Apache-2.0
//! The journal of the namespaces `up` made: `STATE_DIR/LAB.made`, one line `NAMESPACE DEV:INO`
//! per namespace, appended after the namespace is made and *before* it gets its name. So every
//! name the lab gave has its identity written down, even if `up` is killed: `down` removes a
//! name only while it still names that namespace, never one that someone made after a kill or
//! a manual delete.
//!
//! `up` holds an exclusive `flock` on the journal while it builds: `down` knows that the
//! builder is alive from the lock, whatever pid namespace the builder runs in. The journal is
//! removed when `up` finishes (the identities then are in the record) and by `down`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use netnest::rustix::fs::{flock, FlockOperation};
use netnest::NsId;

/// An open journal.
#[derive(Debug)]
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
}

/// `DEV:INO`, as journals and records write an identity.
pub(crate) fn id_text(id: NsId) -> String {
    format!("{}:{}", id.dev, id.ino)
}

/// The identity in `DEV:INO`.
pub(crate) fn parse_id(text: &str) -> Option<NsId> {
    let (dev, ino) = text.split_once(':')?;
    Some(NsId {
        dev: dev.parse().ok()?,
        ino: ino.parse().ok()?,
    })
}

impl Journal {
    /// The journal's path for lab `lab`.
    pub(crate) fn path(state_dir: &Path, lab: &str) -> PathBuf {
        state_dir.join(format!("{lab}.made"))
    }

    /// Opens (creating it if needed) the journal of `lab` and locks it; `Ok(None)` if another
    /// process holds the lock (an `up` or a `down` of the lab is running).
    pub(crate) fn lock(state_dir: &Path, lab: &str) -> io::Result<Option<Journal>> {
        let path = Journal::path(state_dir, lab);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        match flock(file.as_fd(), FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(Journal { file, path })),
            Err(netnest::rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens the existing journal of `lab` and locks it: `Ok(None)` if there is none,
    /// `Err(WouldBlock)` if its builder holds it.
    pub(crate) fn lock_existing(state_dir: &Path, lab: &str) -> io::Result<Option<Journal>> {
        let path = Journal::path(state_dir, lab);
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        match flock(file.as_fd(), FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(Journal { file, path })),
            Err(e) => Err(e.into()),
        }
    }

    /// Empties the journal (what a previous lab of this name left is not ours).
    pub(crate) fn clear(&self) -> io::Result<()> {
        self.file.set_len(0)
    }

    /// Writes down that namespace `name` is `id`, before it is given the name. One `write` of
    /// one line, appended: lines of two threads never mix.
    pub(crate) fn append(&self, name: &str, id: NsId) -> io::Result<()> {
        let line = format!("{name} {}\n", id_text(id));
        (&self.file).write_all(line.as_bytes())
    }

    /// The identities written down, by namespace name. A last line cut short by a kill is
    /// skipped: its namespace never got its name.
    pub(crate) fn read(&self) -> io::Result<HashMap<String, NsId>> {
        let mut text = String::new();
        (&self.file).read_to_string(&mut text)?;
        Ok(text
            .lines()
            .filter_map(|l| {
                let (name, id) = l.split_once(' ')?;
                Some((name.to_owned(), parse_id(id)?))
            })
            .collect())
    }

    /// The identities in the journal of `lab`, read without its lock (a forced `down`); none if
    /// there is no journal.
    pub(crate) fn read_unlocked(state_dir: &Path, lab: &str) -> io::Result<HashMap<String, NsId>> {
        match std::fs::File::open(Journal::path(state_dir, lab)) {
            Ok(file) => Journal {
                file,
                path: Journal::path(state_dir, lab),
            }
            .read(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(HashMap::new()),
            Err(e) => Err(e),
        }
    }

    /// Removes the journal (still locked, so no one else takes it meanwhile).
    pub(crate) fn remove(self) -> io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}
