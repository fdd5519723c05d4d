// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns add` and `ip netns attach`: making a name for a namespace.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::mount::UnmountFlags;

use super::{rundir, Registry};
use crate::error::{Error, Op, Result};
use crate::name::Name;
use crate::netns::NetNs;

impl Registry {
    /// Creates a new network namespace named `name`; fails with `EEXIST` ([`Op::CreateFile`]) if
    /// the name exists. Returns a handle on it.
    ///
    /// Equivalent to `ip netns add NAME`, with the same steps: the run directory is created (mode
    /// 0755) and made a shared mount in a peer group of its own, then a mode-0 file is created
    /// with `O_EXCL` and the new namespace is bind-mounted onto it, all under an exclusive `flock`
    /// on the run directory (iproute2 locks only the first step, against Debian bug 949235;
    /// netnest's [`delete`](Registry::delete) takes the lock too, so that it never falls between
    /// the file and its bind). A run directory that still shares its parent's peer group (made
    /// by iproute2 6.1, or by an add killed half-way) is repaired first. The namespace
    /// is made on the calling thread, which is moved back before `add` returns (as with
    /// [`EnterGuard`](crate::EnterGuard), the process aborts if it cannot be). If a step fails,
    /// what was made is removed.
    ///
    /// ```no_run
    /// let reg = netnest::Registry::default();
    /// let blue = reg.add(&netnest::Name::new("blue")?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "NewNamed", alias = "create")]
    pub fn add(&self, name: &Name) -> Result<NetNs> {
        self.add_at(&self.path(name))
    }

    /// [`add`](Registry::add) at `path`, a file in the run directory or under it.
    pub(super) fn add_at(&self, path: &Path) -> Result<NetNs> {
        let (_lock, file) = self.make_file(path)?;
        let target = fd_path(&file);
        let made = crate::netns::in_new_netns(|| {
            rustix::mount::mount_bind("/proc/thread-self/ns/net", &target)
                .map_err(|e| Error::at(Op::Bind, path, e))?;
            NetNs::current()
        });
        match made {
            Ok(Ok(ns)) => Ok(ns),
            Ok(Err(e)) => {
                // Past the bind (it is the only step in there that can fail first), the
                // namespace is mounted on our file: unmount it too.
                undo(path, &file, e.op() != Op::Bind);
                Err(e)
            }
            Err(e) => {
                undo(path, &file, false);
                Err(e)
            }
        }
    }

    /// Gives the name `name` to the network namespace of process `pid`.
    ///
    /// Equivalent to `ip netns attach NAME PID`. Fails with [`Op::Bind`] (its path is
    /// `/proc/PID/ns/net`) if the process does not exist or its namespace cannot be bound; the
    /// file is then removed. A pid is a `u32` throughout the library, as [`NetNs::from_pid`] and
    /// [`std::process::Child::id`] have it.
    pub fn attach(&self, name: &Name, pid: u32) -> Result<()> {
        let source = format!("/proc/{pid}/ns/net");
        self.bind_at(&self.path(name), Path::new(&source))
    }

    /// Gives the name `name` to the namespace `ns`.
    pub fn attach_ns(&self, name: &Name, ns: &NetNs) -> Result<()> {
        self.bind_at(&self.path(name), &ns.proc_path())
    }

    /// Binds `source` at `path`, a new file in the run directory or under it.
    pub(super) fn bind_at(&self, path: &Path, source: &Path) -> Result<()> {
        let (_lock, file) = self.make_file(path)?;
        if let Err(e) = rustix::mount::mount_bind(source, fd_path(&file)) {
            undo(path, &file, false);
            return Err(Error::at(Op::Bind, source, e));
        }
        Ok(())
    }

    /// Prepares the run directory and creates the empty mode-0 file `path`; returns it open,
    /// with the run directory's lock, which the caller holds until the name is complete.
    ///
    /// The namespace is then bind-mounted onto *this* file, through its descriptor, not onto
    /// whatever the path names at that moment: if another caller deletes the half-made name and
    /// a third makes it again meanwhile, the bind fails with `ENOENT` (the kernel does not mount
    /// on a removed file) instead of stacking a second namespace on the third caller's file.
    fn make_file(&self, path: &Path) -> Result<(rundir::Locked, OwnedFd)> {
        // The file is created by path, after the directory became a mount point, so that it is
        // reached through that mount (a descriptor opened before the first bind of the
        // directory would reach the directory underneath it).
        let lock = rundir::prepare(&self.dir)?;
        let file = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::at(Op::CreateFile, path, e))?;
        Ok((lock, file))
    }
}

/// The path through which a mount onto `file` lands on that very file.
fn fd_path(file: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/thread-self/fd/{}", file.as_raw_fd()))
}

/// Removes the file we created, after a later step failed: first the namespace bound on it if the
/// bind was made (`bound`), then the file, if the path still names it: a concurrent delete may
/// have removed it, and someone else may have made a new file of that name since.
fn undo(path: &Path, file: &OwnedFd, bound: bool) {
    if bound {
        let _ = rustix::mount::unmount(path, UnmountFlags::DETACH | UnmountFlags::NOFOLLOW);
    }
    let (Ok(ours), Ok(there)) = (rustix::fs::fstat(file), rustix::fs::lstat(path)) else {
        return;
    };
    if ours.st_nlink > 0 && (ours.st_dev, ours.st_ino) == (there.st_dev, there.st_ino) {
        let _ = rustix::fs::unlink(path);
    }
}
