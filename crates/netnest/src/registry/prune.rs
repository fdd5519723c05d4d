// SPDX-License-Identifier: MIT OR Apache-2.0
//! Removing stale entries: what an interrupted `add`, `attach` or `delete` leaves behind.

use std::ffi::OsString;

use rustix::fs::{AtFlags, FileType, Mode, OFlags, StatxAttributes, StatxFlags, CWD};
use rustix::io::Errno;

use super::{EntryState, Registry};
use crate::error::{Error, Op, Result};
use crate::Name;

impl Registry {
    /// Removes the stale mount-point files of the run directory; returns their names, in
    /// directory order.
    ///
    /// An `add` or `attach` (netnest's or `ip netns`'s) killed between creating the name's file
    /// and bind-mounting the namespace onto it, or a `delete` killed between its unmount and its
    /// unlink, leaves an empty file with mode 0 (`----------`). `ip netns list` shows it (and
    /// prints `Error: Peer netns reference is invalid.`), `add` of that name fails with `EEXIST`,
    /// `exec` with `EINVAL`. `prune` removes exactly those files: entries that are not a
    /// namespace ([`EntryState::Stale`]) and, looked at again without following links, are empty
    /// regular files with no permission bits.
    ///
    /// It never touches a live namespace (a bind-mounted file is an nsfs inode, mode `0444`, and
    /// a file that becomes a mount point meanwhile cannot be unlinked: `EBUSY`, skipped), nor
    /// anything else someone put in the directory: directories, symlinks (dangling or not), other
    /// files. A missing run directory has nothing to prune.
    ///
    /// The one race: an `add` running at the same moment has such a file for the few microseconds
    /// before its bind mount. `prune` may remove it; that add then fails with `ENOENT`
    /// ([`Op::Bind`]) and leaves nothing behind. Retrying the add is enough.
    ///
    /// There is no `ip netns` equivalent; with iproute2, `ip netns delete NAME` removes one stale
    /// name (and whatever else NAME is).
    ///
    /// ```no_run
    /// let reg = netnest::Registry::default();
    /// for name in reg.prune()? {
    ///     eprintln!("removed stale entry {name:?}");
    /// }
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn prune(&self) -> Result<Vec<OsString>> {
        let entries = self.list()?;
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let dir = rustix::fs::open(
            &self.dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::at(Op::ReadDir, &self.dir, e))?;
        let mut removed = Vec::new();
        for entry in entries {
            if entry.state != EntryState::Stale {
                continue;
            }
            let Ok(st) =
                rustix::fs::statat(&dir, entry.name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW)
            else {
                continue; // gone since
            };
            if !is_bare(&st) {
                continue;
            }
            match rustix::fs::unlinkat(&dir, entry.name.as_os_str(), AtFlags::empty()) {
                Ok(()) => removed.push(entry.name),
                Err(Errno::NOENT) | Err(Errno::BUSY) => {}
                Err(e) => return Err(Error::at(Op::Remove, &self.dir.join(&entry.name), e)),
            }
        }
        Ok(removed)
    }

    /// Whether `name` is what [`prune`](Registry::prune) removes: an entry that is not a
    /// namespace and, looked at without following links, an empty regular file with mode 0 (what
    /// an interrupted `add`, `attach` or `delete` leaves), and not a mount point. A FIFO, socket,
    /// device, directory or any other file is not; neither is a live namespace, nor a missing
    /// name.
    pub fn is_leftover(&self, name: &Name) -> bool {
        let path = self.dir.join(name);
        let mount_root = StatxAttributes::MOUNT_ROOT;
        let plain = rustix::fs::statx(
            CWD,
            &path,
            AtFlags::SYMLINK_NOFOLLOW,
            StatxFlags::BASIC_STATS,
        )
        .is_ok_and(|st| {
            st.stx_attributes_mask.contains(mount_root) && !st.stx_attributes.contains(mount_root)
        });
        plain
            && rustix::fs::lstat(&path).is_ok_and(|st| is_bare(&st))
            && self.list().is_ok_and(|entries| {
                entries
                    .iter()
                    .any(|e| e.name == name.as_os_str() && e.state == EntryState::Stale)
            })
    }
}

/// An empty regular file with no permission bits.
fn is_bare(st: &rustix::fs::Stat) -> bool {
    FileType::from_raw_mode(st.st_mode) == FileType::RegularFile
        && st.st_mode & 0o7777 == 0
        && st.st_size == 0
}
