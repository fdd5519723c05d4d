// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns list`: the entries of the run directory.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{AtFlags, Mode, OFlags};

use super::Registry;
use crate::error::{Error, Op, Result};
use crate::netns::NsId;

/// One entry of the run directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file name (not necessarily a valid [`Name`](crate::Name): anyone can put any file there).
    pub name: OsString,
    /// Whether it is a live namespace.
    pub state: EntryState,
}

/// What an entry of the run directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryState {
    /// A live network namespace (following symlinks, as iproute2 does).
    Namespace(NsId),
    /// Not a namespace: a mode-0 file whose bind mount is gone, a directory, a dangling symlink…
    Stale,
}

impl Registry {
    /// The entries of the run directory, in directory order (as `ip netns list` prints them: not
    /// sorted), each marked live or stale. A missing run directory has no entries.
    ///
    /// ```no_run
    /// for entry in netnest::Registry::default().list()? {
    ///     println!("{:?} {:?}", entry.name, entry.state);
    /// }
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn list(&self) -> Result<Vec<Entry>> {
        match self.entries() {
            Err(e) if e.io_error().kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            other => other,
        }
    }

    /// Like [`list`](Registry::list), but a missing run directory is an error ([`Op::ReadDir`],
    /// `ENOENT`), for callers that must tell it from an empty one.
    pub fn entries(&self) -> Result<Vec<Entry>> {
        let names = self.names()?;
        let nsfs_dev = nsfs_dev();
        let dir = rustix::fs::open(
            &self.dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::at(Op::ReadDir, &self.dir, e))?;
        Ok(names
            .into_iter()
            .map(|name| {
                let state = match rustix::fs::statat(&dir, name.as_os_str(), AtFlags::empty()) {
                    Ok(st) if Some(st.st_dev) == nsfs_dev => EntryState::Namespace(NsId {
                        dev: st.st_dev,
                        ino: st.st_ino,
                    }),
                    _ => EntryState::Stale,
                };
                Entry { name, state }
            })
            .collect())
    }

    /// The file names in the run directory, in directory order, without `.` and `..`.
    pub fn names(&self) -> Result<Vec<OsString>> {
        let dir = std::fs::read_dir(&self.dir)
            .map_err(|e| Error::new(Op::ReadDir, Some(&self.dir), e))?;
        let mut names = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| Error::new(Op::ReadDir, Some(&self.dir), e))?;
            let name = entry.file_name();
            if name.as_bytes() != b"." && name.as_bytes() != b".." {
                names.push(name);
            }
        }
        Ok(names)
    }
}

/// The device number of nsfs, from the calling thread's own namespace file.
fn nsfs_dev() -> Option<u64> {
    rustix::fs::stat("/proc/thread-self/ns/net")
        .ok()
        .map(|st| st.st_dev)
}
