// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns delete`: removing a name.

use rustix::fs::{Access, AtFlags, CWD};
use std::path::Path;

use rustix::io::Errno;
use rustix::mount::UnmountFlags;

use super::{rundir, Registry};
use crate::error::{Error, Op, Result};
use crate::name::Name;

impl Registry {
    /// Removes the name `name`: lazily unmounts the namespace from its file, then unlinks it. The
    /// namespace itself lives on while any process or open handle uses it.
    ///
    /// Equivalent to `ip netns delete NAME`, with two fixes: a symlink in the run directory is
    /// removed without unmounting what it points to (iproute2 6.1 follows it and can detach an
    /// unrelated mount), and a name that cannot be removed because the run directory is read-only
    /// or not writable keeps its namespace (iproute2 6.1 unmounts first, then fails to unlink,
    /// losing the namespace and leaving a stale file). Fails with [`Op::Remove`]: `ENOENT` when
    /// the name does not exist, `EISDIR` for a directory, `EROFS`/`EACCES` for a run directory
    /// that cannot be written, `EBUSY` when the file is still a mount point (two mounts stacked
    /// on it, or no privilege to unmount).
    ///
    /// The run directory is locked meanwhile, as by [`add`](Registry::add): between processes
    /// that use netnest, an add and a delete of one name happen one after the other, so each
    /// succeeds or fails with "exists" or "not found". An iproute2 `add` does not take the lock
    /// for its bind; if its bind lands between our unmount and our unlink, the unmount is made
    /// again and its namespace deleted (the delete came second).
    #[doc(alias = "DeleteNamed", alias = "remove")]
    pub fn delete(&self, name: &Name) -> Result<()> {
        let path = self.path(name);
        // Between netnest processes, an add of this name happens wholly before or after us.
        let _lock = rundir::lock_existing(&self.dir);
        // Unlinking needs write access to the directory: check it before unmounting anything. A
        // name that does not exist is reported as such first, as unlink would (lookup comes
        // before the permission check).
        if let Err(e) = rustix::fs::accessat(CWD, &self.dir, Access::WRITE_OK, AtFlags::EACCESS) {
            let why = match rustix::fs::lstat(&path) {
                // Only for EACCES: a read-only mount (EROFS) comes before the lookup in unlink.
                Err(missing) if e == rustix::io::Errno::ACCESS => missing,
                _ => e,
            };
            return Err(Error::at(Op::Remove, &path, why));
        }
        // As iproute2: the unmount's result is ignored (EINVAL for a stale file); unlink decides.
        let unmounted = unmount(&path);
        match rustix::fs::unlink(&path) {
            // Nothing was mounted when we looked, and now something is: an add that does not
            // take the lock (iproute2's) bound its namespace in between. We lost the race: delete
            // what it made, as if we came after it.
            Err(Errno::BUSY) if unmounted == Err(Errno::INVAL) => {
                let _ = unmount(&path);
                rustix::fs::unlink(&path)
            }
            other => other,
        }
        .map_err(|e| Error::at(Op::Remove, &path, e))
    }
}

fn unmount(path: &Path) -> rustix::io::Result<()> {
    rustix::mount::unmount(path, UnmountFlags::DETACH | UnmountFlags::NOFOLLOW)
}
