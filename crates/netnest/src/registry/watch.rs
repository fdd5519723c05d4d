// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Registry::watch`]: names as they come and go (`ip netns monitor`), with inotify.

use std::collections::{BTreeSet, VecDeque};
use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::inotify::{self, CreateFlags, ReadFlags, WatchFlags};
use rustix::fs::Mode;
use rustix::io::Errno;

use super::Registry;
use crate::error::{Error, Op, Result};

/// A change seen by [`Watch`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// An entry was created in the run directory (`ip netns monitor`'s `add NAME`).
    Added(OsString),
    /// An entry was removed (`delete NAME`).
    Removed(OsString),
    /// The kernel's event queue overflowed and events were lost: the directory was read again,
    /// and the [`Added`](Change::Added) and [`Removed`](Change::Removed) that follow are the
    /// difference between what was known and what is there now.
    Overflow,
}

/// An iterator over the names added to and removed from a run directory, from
/// [`Registry::watch`]. It blocks until the next change; it ends only on an error.
///
/// Two things `ip netns monitor` 6.1 does not survive are handled: when the kernel's queue
/// overflows (a slow reader), the directory is read again and the difference reported after a
/// [`Change::Overflow`]; when the run directory is removed (the watch ends), its parent is
/// watched until a directory of that name appears again, which is then watched, and the entries
/// already in it are reported as added.
#[derive(Debug)]
pub struct Watch {
    inotify: OwnedFd,
    dir: PathBuf,
    /// The watch on the run directory, or `None` while it does not exist.
    dir_watch: Option<i32>,
    /// The watch on its parent while the run directory does not exist.
    parent_watch: Option<i32>,
    /// The names in the directory, as far as the events told.
    known: BTreeSet<OsString>,
    ready: VecDeque<Change>,
    buf: Vec<u8>,
}

impl Registry {
    /// Watches the run directory (created, mode 0755, if missing, as `ip netns monitor` does) for
    /// names added and removed.
    ///
    /// ```no_run
    /// use netnest::Change;
    /// for change in netnest::Registry::default().watch()? {
    ///     match change? {
    ///         Change::Added(name) => println!("add {name:?}"),
    ///         Change::Removed(name) => println!("delete {name:?}"),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "monitor")]
    pub fn watch(&self) -> Result<Watch> {
        let inotify =
            inotify::init(CreateFlags::CLOEXEC).map_err(|e| Error::errno(Op::Watch, e))?;
        match rustix::fs::mkdir(&self.dir, Mode::from_raw_mode(0o755)) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(Error::at(Op::CreateRunDir, &self.dir, e)),
        }
        let dir_watch = inotify::add_watch(&inotify, &self.dir, dir_flags())
            .map_err(|e| Error::at(Op::Watch, &self.dir, e))?;
        // A run directory that is not a directory (a regular file) is watched as `ip` watches
        // it: nothing is in it, and nothing is reported until a directory takes its place.
        let known = listing(&self.dir)?;
        Ok(Watch {
            inotify,
            dir: self.dir.clone(),
            dir_watch: Some(dir_watch),
            parent_watch: None,
            known,
            ready: VecDeque::new(),
            buf: vec![0; 64 * 1024],
        })
    }
}

fn dir_flags() -> WatchFlags {
    WatchFlags::CREATE | WatchFlags::DELETE
}

impl Iterator for Watch {
    type Item = Result<Change>;

    fn next(&mut self) -> Option<Result<Change>> {
        loop {
            if let Some(change) = self.ready.pop_front() {
                return Some(Ok(change));
            }
            if let Err(e) = self.read() {
                return Some(Err(e));
            }
        }
    }
}

/// One event, as the kernel queued it.
struct Event<'a> {
    wd: i32,
    mask: ReadFlags,
    name: &'a [u8],
}

impl Watch {
    /// Reads one batch of events (waiting for one if none is queued) into `ready`.
    fn read(&mut self) -> Result<()> {
        let n = loop {
            match rustix::io::read(&self.inotify, &mut self.buf[..]) {
                Ok(n) => break n,
                Err(Errno::INTR) => {}
                Err(e) => return Err(Error::errno(Op::Watch, e)),
            }
        };
        let mut at = 0;
        let mut events = Vec::new();
        while at + 16 <= n {
            let word =
                |i: usize| u32::from_ne_bytes(self.buf[at + i..at + i + 4].try_into().unwrap());
            let (wd, mask, len) = (word(0) as i32, word(4), word(12) as usize);
            let name = &self.buf[at + 16..(at + 16 + len).min(n)];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            events.push((wd, mask, name.to_vec()));
            at += 16 + len;
        }
        for (wd, mask, name) in events {
            self.event(Event {
                wd,
                mask: ReadFlags::from_bits_retain(mask),
                name: &name,
            })?;
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>) -> Result<()> {
        if event.mask.contains(ReadFlags::QUEUE_OVERFLOW) {
            self.ready.push_back(Change::Overflow);
            self.rescan()?;
            return Ok(());
        }
        if Some(event.wd) == self.dir_watch {
            let name = OsStr::from_bytes(event.name);
            // A change that a rescan already reported is not reported again. The kernel queues
            // a creation's event only after the new name is visible to readdir, so a rescan can
            // see a name before its event arrives, however empty the queue looked.
            if event.mask.contains(ReadFlags::CREATE) && self.known.insert(name.to_owned()) {
                self.ready.push_back(Change::Added(name.to_owned()));
            }
            if event.mask.contains(ReadFlags::DELETE) && self.known.remove(name) {
                self.ready.push_back(Change::Removed(name.to_owned()));
            }
            if event.mask.contains(ReadFlags::IGNORED) {
                // The directory is gone (removed, or its file system unmounted).
                self.dir_watch = None;
                self.watch_parent()?;
            }
        } else if Some(event.wd) == self.parent_watch
            && Some(event.name) == self.dir.file_name().map(|n| n.as_bytes())
        {
            self.watch_dir_again()?;
        }
        Ok(())
    }

    /// Reads the directory again and reports the difference with what was known.
    fn rescan(&mut self) -> Result<()> {
        let now = listing(&self.dir)?;
        for gone in self.known.difference(&now) {
            self.ready.push_back(Change::Removed(gone.clone()));
        }
        for new in now.difference(&self.known) {
            self.ready.push_back(Change::Added(new.clone()));
        }
        self.known = now;
        Ok(())
    }

    /// Waits for the run directory to be made again: watches its parent, then looks once (it may
    /// be back already).
    fn watch_parent(&mut self) -> Result<()> {
        let parent = parent_of(&self.dir);
        let wd = inotify::add_watch(
            &self.inotify,
            parent,
            WatchFlags::CREATE | WatchFlags::MOVED_TO | WatchFlags::ONLYDIR,
        )
        .map_err(|e| Error::at(Op::Watch, parent, e))?;
        self.parent_watch = Some(wd);
        self.watch_dir_again()
    }

    /// Watches the run directory again if it exists, and reports what is in it.
    fn watch_dir_again(&mut self) -> Result<()> {
        match inotify::add_watch(&self.inotify, &self.dir, dir_flags() | WatchFlags::ONLYDIR) {
            Ok(wd) => {
                self.dir_watch = Some(wd);
                if let Some(parent) = self.parent_watch.take() {
                    let _ = inotify::remove_watch(&self.inotify, parent);
                }
                self.rescan()
            }
            // Not there (yet), or not a directory: the parent's watch will tell.
            Err(Errno::NOENT | Errno::NOTDIR) => Ok(()),
            Err(e) => Err(Error::at(Op::Watch, &self.dir, e)),
        }
    }
}

/// The names in `dir`; none when it is missing or not a directory.
fn listing(dir: &Path) -> Result<BTreeSet<OsString>> {
    match Registry::new(dir).names() {
        Ok(names) => Ok(names.into_iter().collect()),
        Err(e) => {
            let absent = [Errno::NOENT, Errno::NOTDIR].map(|errno| Some(errno.raw_os_error()));
            if absent.contains(&e.raw_os_error()) {
                Ok(BTreeSet::new())
            } else {
                Err(e)
            }
        }
    }
}

fn parent_of(dir: &Path) -> &Path {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
