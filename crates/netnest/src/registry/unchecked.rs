// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Unchecked`]: entries of the run directory named by any word, as `ip netns` names them when
//! its name check is skipped (`ip -all netns add ../x`).

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::Registry;
use crate::error::{Error, Result};
use crate::netns::NetNs;

/// The operations of a [`Registry`] on a path made of any word, not a [`Name`](crate::Name):
/// `DIR/WORD` as iproute2 builds it, the bytes joined with a `/`. `""`, `.`, `..`, `a/b` or a
/// word of more than 255 bytes reach here, and so do names of files that are not namespaces.
///
/// `a/b` where `DIR/a` is a directory is a namespace in a subdirectory, as with iproute2; any
/// other such word fails where the file is created or opened (`EISDIR`, `EEXIST`, `ENOENT`,
/// `ENOTDIR`, `ENAMETOOLONG`). The run directory is prepared exactly as by
/// [`Registry::add`], locked, and made a shared mount, before the file is created.
///
/// Nothing here blocks: a FIFO, socket or device file is never opened for real by
/// [`open`](Unchecked::open) or [`pids`](Unchecked::pids).
#[derive(Debug, Clone, Copy)]
pub struct Unchecked<'a> {
    registry: &'a Registry,
}

impl Registry {
    /// The operations of this registry on words that are not checked as [`Name`](crate::Name)s.
    pub fn unchecked(&self) -> Unchecked<'_> {
        Unchecked { registry: self }
    }
}

impl Unchecked<'_> {
    /// `DIR/WORD`, the bytes joined with a `/` (unlike `Path::join`, a word that starts with a
    /// `/` stays under the directory).
    pub fn path(&self, word: &OsStr) -> PathBuf {
        let dir = self.registry.dir().as_os_str().as_bytes();
        let mut path = Vec::with_capacity(dir.len() + 1 + word.len());
        path.extend_from_slice(dir);
        path.push(b'/');
        path.extend_from_slice(word.as_bytes());
        PathBuf::from(OsStr::from_bytes(&path))
    }

    /// [`Registry::add`] at `DIR/WORD`.
    pub fn add(&self, word: &OsStr) -> Result<NetNs> {
        self.registry.add_at(&self.path(word))
    }

    /// [`Registry::attach`] at `DIR/WORD`.
    pub fn attach(&self, word: &OsStr, pid: u32) -> Result<()> {
        let source = format!("/proc/{pid}/ns/net");
        self.registry.bind_at(&self.path(word), Path::new(&source))
    }

    /// [`NetNs::from_path`] of `DIR/WORD`: fails with [`Op::Open`](crate::Op::Open) when the
    /// file cannot be opened, [`Op::NotANamespace`](crate::Op::NotANamespace) when it is not a
    /// network namespace.
    pub fn open(&self, word: &OsStr) -> Result<NetNs> {
        NetNs::from_path(self.path(word))
    }

    /// `DIR/WORD` opened for reading whatever it is, without blocking: a FIFO or a device is
    /// opened non-blocking, a socket fails with `ENXIO` as `open(2)` says. For handing to the
    /// kernel a file it will judge itself (as `ip netns set` does).
    pub fn open_file(&self, word: &OsStr) -> Result<OwnedFd> {
        let path = self.path(word);
        crate::nsfile::open_any(&path).map_err(|(op, e)| Error::at(op, &path, e))
    }

    /// [`Registry::pids`] of `DIR/WORD`: the processes in the namespace of that file (none for a
    /// file that is not a namespace).
    pub fn pids(&self, word: &OsStr) -> Result<Vec<u32>> {
        self.registry.pids_at(&self.path(word))
    }
}
