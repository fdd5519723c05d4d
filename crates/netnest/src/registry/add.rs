//! `ip netns add` and `ip netns attach`: making a name for a namespace.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use rustix::mount::{MountPropagationFlags, UnmountFlags};

use super::Registry;
use crate::error::{Error, Op, Result};
use crate::name::Name;
use crate::netns::NetNs;

impl Registry {
    /// Creates a new network namespace named `name`; fails with `EEXIST` ([`Op::CreateFile`]) if
    /// the name exists. Returns a handle on it.
    ///
    /// Equivalent to `ip netns add NAME`, with the same steps: the run directory is created (mode
    /// 0755) and made a shared mount under a lock (the race of Debian bug 949235), then a mode-0
    /// file is created with `O_EXCL` and the new namespace is bind-mounted onto it. The namespace
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
        let path = self.path(name);
        let file = self.make_file(name)?;
        let target = fd_path(&file);
        let made = crate::netns::in_new_netns(|| {
            rustix::mount::mount_bind("/proc/thread-self/ns/net", &target)
                .map_err(|e| Error::at(Op::Bind, &path, e))?;
            NetNs::current()
        });
        match made {
            Ok(Ok(ns)) => Ok(ns),
            Ok(Err(e)) => {
                // Past the bind (it is the only step in there that can fail first), the
                // namespace is mounted on our file: unmount it too.
                undo(&path, &file, e.op() != Op::Bind);
                Err(e)
            }
            Err(e) => {
                undo(&path, &file, false);
                Err(e)
            }
        }
    }

    /// Gives the name `name` to the network namespace of process `pid`.
    ///
    /// Equivalent to `ip netns attach NAME PID`. Fails with [`Op::Bind`] (its path is
    /// `/proc/PID/ns/net`) if the process does not exist or its namespace cannot be bound; the
    /// file is then removed.
    pub fn attach(&self, name: &Name, pid: i32) -> Result<()> {
        let source = format!("/proc/{pid}/ns/net");
        self.bind_as(name, Path::new(&source))
    }

    /// Gives the name `name` to the namespace `ns`.
    pub fn attach_ns(&self, name: &Name, ns: &NetNs) -> Result<()> {
        self.bind_as(name, &ns.proc_path())
    }

    fn bind_as(&self, name: &Name, source: &Path) -> Result<()> {
        let path = self.path(name);
        let file = self.make_file(name)?;
        if let Err(e) = rustix::mount::mount_bind(source, fd_path(&file)) {
            undo(&path, &file, false);
            return Err(Error::at(Op::Bind, source, e));
        }
        Ok(())
    }

    /// Prepares the run directory and creates the empty mode-0 file for `name`; returns it open.
    ///
    /// The namespace is then bind-mounted onto *this* file, through its descriptor, not onto
    /// whatever the path names at that moment: if another caller deletes the half-made name and
    /// a third makes it again meanwhile, the bind fails with `ENOENT` (the kernel does not mount
    /// on a removed file) instead of stacking a second namespace on the third caller's file.
    fn make_file(&self, name: &Name) -> Result<OwnedFd> {
        // The file is created by path, after the directory became a mount point, so that it is
        // reached through that mount (a descriptor opened before the first bind of the
        // directory would reach the directory underneath it).
        let _dir = self.prepare_dir()?;
        let path = self.path(name);
        rustix::fs::open(
            &path,
            OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::at(Op::CreateFile, &path, e))
    }

    /// Creates the run directory if needed and makes it a shared mount point, under an exclusive
    /// `flock` on it, as iproute2 does. Returns the open directory.
    pub(crate) fn prepare_dir(&self) -> Result<OwnedFd> {
        let dir = &self.dir;
        match rustix::fs::mkdir(dir, Mode::from_raw_mode(0o755)) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(Error::at(Op::CreateRunDir, dir, e)),
        }
        let fd = rustix::fs::open(
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::at(Op::OpenRunDir, dir, e))?;
        // iproute2 only warns when the lock fails, and goes on; so do we.
        let locked = rustix::fs::flock(&fd, FlockOperation::LockExclusive).is_ok();
        let shared = make_shared(dir);
        if locked {
            let _ = rustix::fs::flock(&fd, FlockOperation::Unlock);
        }
        shared.map(|()| fd)
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

/// Makes `dir` a shared mount point: bound onto itself the first time, made private (so it is in
/// a peer group of its own even when its parent is shared: iproute2 7.0's fix for doubled mounts),
/// then shared.
fn make_shared(dir: &Path) -> Result<()> {
    let shared = MountPropagationFlags::SHARED | MountPropagationFlags::REC;
    let mut bound = false;
    loop {
        match rustix::mount::mount_change(dir, shared) {
            Ok(()) => return Ok(()),
            Err(Errno::INVAL) if !bound => {}
            Err(e) => return Err(Error::at(Op::MakeShared, dir, e)),
        }
        rustix::mount::mount_bind_recursive(dir, dir)
            .map_err(|e| Error::at(Op::BindRunDir, dir, e))?;
        rustix::mount::mount_change(
            dir,
            MountPropagationFlags::PRIVATE | MountPropagationFlags::REC,
        )
        .map_err(|e| Error::at(Op::MakePrivate, dir, e))?;
        bound = true;
    }
}
