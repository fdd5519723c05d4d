// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`ExecEnv`]: the environment `ip netns exec NAME` gives a command.
//!
//! # Safety
//!
//! [`ExecEnv::apply`] is an `unsafe fn`: it moves the calling thread into another network and
//! mount namespace for good, which in a process with other threads leaves them behind (and
//! `unshare(CLONE_NEWNS)` fails there anyway). Its callers promise a single-threaded process or
//! the child between `fork` and `exec`; [`CommandExt::netns_exec`](crate::CommandExt::netns_exec)
//! is the safe way to use it.
#![allow(unsafe_code)]

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rustix::fs::CWD;
use rustix::io::Errno;
use rustix::mount::{
    MountFlags, MountPropagationFlags, MoveMountFlags, OpenTreeFlags, UnmountFlags,
};

use crate::error::Result;
use crate::name::{Name, NAME_MAX};
use crate::netns::NetNs;
use crate::registry::Registry;

/// Where `ip netns exec` finds the per-namespace files bound over `/etc`.
pub const NETNS_ETC_DIR: &str = "/etc/netns";

/// The step of [`ExecEnv::apply`] that failed, each one a message of `ip netns exec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecStep {
    /// `setns(CLONE_NEWNET)`: `setting the network namespace "NAME" failed`.
    Setns,
    /// `unshare(CLONE_NEWNS)`: `unshare failed`.
    UnshareMount,
    /// `mount --make-rslave /`.
    MakeSlave,
    /// Mounting the namespace's sysfs on `/sys`: `mount of /sys failed`.
    MountSys,
}

/// One file of `/etc/netns/NAME/` to bind over `/etc/`.
#[derive(Debug, Clone)]
pub struct EtcBind {
    source: CString,
    target: CString,
}

impl EtcBind {
    /// `/etc/netns/NAME/ENTRY`.
    pub fn source(&self) -> &Path {
        Path::new(OsStr::from_bytes(self.source.as_bytes()))
    }

    /// `/etc/ENTRY`.
    pub fn target(&self) -> &Path {
        Path::new(OsStr::from_bytes(self.target.as_bytes()))
    }
}

/// Everything `ip netns exec NAME` does to a process before it runs the command, prepared in
/// advance so that [`apply`](ExecEnv::apply) is only system calls on ready values (it is safe to
/// call between `fork` and `exec`).
///
/// Applying it moves the calling thread into the namespace and into a new mount namespace
/// (`unshare(CLONE_NEWNS)`) whose root is made a downstream (rslave) mount, remounts `/sys` with
/// the namespace's sysfs (read-only if `/sys` was read-only), binds each entry of
/// `/etc/netns/NAME/` over `/etc/`, in directory order, reporting and skipping a bind that fails.
///
/// One difference from iproute2 6.1, on purpose: the cgroup mounts under `/sys/fs/cgroup`, which
/// iproute2's lazy unmount of `/sys` takes away (systemd, mininet and gVisor users report tools
/// that break inside `ip netns exec`), are carried over to the new `/sys`. Use
/// [`keep_cgroup(false)`](ExecEnv::keep_cgroup) to get 6.1's empty `/sys/fs/cgroup`.
#[derive(Debug)]
pub struct ExecEnv {
    ns: NetNs,
    name: CString,
    etc: Vec<EtcBind>,
    keep_cgroup: bool,
}

impl ExecEnv {
    /// Opens `name` in `registry` and reads `/etc/netns/NAME/`.
    ///
    /// Fails as [`Registry::open`] does: the name does not exist, or it is stale.
    pub fn new(registry: &Registry, name: &Name) -> Result<ExecEnv> {
        let ns = registry.open(name)?;
        Ok(ExecEnv::with_ns(ns, name, Path::new(NETNS_ETC_DIR)))
    }

    /// The environment for `ns` under the name `name`, with the `/etc` files of `etc_dir/NAME/`.
    ///
    /// `name` is usually a [`Name`]; any bytes without NUL are taken, as `ip -n` takes a path
    /// under the run directory (`ip -n dir/x`): it is then the sysfs source and the path under
    /// `etc_dir`. A name with a NUL byte gets an empty sysfs source and no `/etc` binds.
    pub fn with_ns(ns: NetNs, name: impl AsRef<OsStr>, etc_dir: &Path) -> ExecEnv {
        let name = name.as_ref();
        let etc = etc_binds(etc_dir, name);
        ExecEnv {
            ns,
            name: CString::new(name.as_bytes()).unwrap_or_default(),
            etc,
            keep_cgroup: true,
        }
    }

    /// Whether to carry the cgroup mounts over to the new `/sys` (the default; iproute2 6.1 does
    /// not).
    pub fn keep_cgroup(&mut self, keep: bool) -> &mut ExecEnv {
        self.keep_cgroup = keep;
        self
    }

    /// The namespace.
    pub fn netns(&self) -> &NetNs {
        &self.ns
    }

    /// The binds over `/etc/` that [`apply`](ExecEnv::apply) will try, in order.
    pub fn etc_binds(&self) -> &[EtcBind] {
        &self.etc
    }

    /// Applies the environment to the calling thread (and so to the process, if it has one
    /// thread). `bind_failed` is called for each `/etc` bind that fails; the others go on. It
    /// allocates nothing, so it may run in a `pre_exec` hook.
    ///
    /// [`CommandExt::netns_exec`](crate::CommandExt::netns_exec) does this for a child process,
    /// safely; use `apply` only for the calling process itself (as `ip netns exec` and `ip -n`
    /// do).
    ///
    /// # Safety
    ///
    /// This changes the calling thread's network and mount namespaces for good, and nothing
    /// moves it back. The caller must be a single-threaded process (typically about to `exec`, or
    /// a command that works in the namespace and exits), or the child between `fork` and `exec`:
    /// in a process with other threads, they would stay behind in the old namespaces, and the
    /// library's promise that no thread is left in a namespace it did not choose would break.
    ///
    /// ```no_run
    /// use std::os::unix::process::CommandExt as _;
    /// let env = netnest::ExecEnv::new(&netnest::Registry::default(), &"blue".parse()?)?;
    /// // SAFETY: this program has started no thread; it execs right after.
    /// unsafe { env.apply(&mut |_, _| {}) }.expect("enter blue");
    /// let e = std::process::Command::new("ip").arg("link").exec();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub unsafe fn apply(
        &self,
        bind_failed: &mut dyn FnMut(&EtcBind, Errno),
    ) -> Result<(), (ExecStep, Errno)> {
        crate::sys::setns_net(&self.ns).map_err(|e| (ExecStep::Setns, e))?;
        crate::sys::unshare_mount().map_err(|e| (ExecStep::UnshareMount, e))?;
        rustix::mount::mount_change(
            c"/",
            MountPropagationFlags::DOWNSTREAM | MountPropagationFlags::REC,
        )
        .map_err(|e| (ExecStep::MakeSlave, e))?;
        let cgroup = if self.keep_cgroup {
            rustix::mount::open_tree(
                CWD,
                c"/sys/fs/cgroup",
                OpenTreeFlags::OPEN_TREE_CLONE
                    | OpenTreeFlags::OPEN_TREE_CLOEXEC
                    | OpenTreeFlags::AT_RECURSIVE,
            )
            .ok()
        } else {
            None
        };
        let mut flags = MountFlags::empty();
        if rustix::mount::unmount(c"/sys", UnmountFlags::DETACH).is_err() {
            if let Ok(vfs) = rustix::fs::statvfs(c"/sys") {
                if vfs.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY) {
                    flags = MountFlags::RDONLY;
                }
            }
        }
        rustix::mount::mount(self.name.as_c_str(), c"/sys", c"sysfs", flags, None)
            .map_err(|e| (ExecStep::MountSys, e))?;
        if let Some(tree) = cgroup {
            // Best effort: without it the command sees 6.1's empty /sys/fs/cgroup.
            let _ = rustix::mount::move_mount(
                tree,
                c"",
                CWD,
                c"/sys/fs/cgroup",
                MoveMountFlags::MOVE_MOUNT_F_EMPTY_PATH,
            );
        }
        for bind in &self.etc {
            if let Err(e) =
                rustix::mount::mount_bind(bind.source.as_c_str(), bind.target.as_c_str())
            {
                bind_failed(bind, e);
            }
        }
        Ok(())
    }
}

/// The entries of `etc_dir/NAME/` in directory order, as source/target pairs. iproute2 skips names
/// of 255 bytes or more here, and a missing directory is no error.
fn etc_binds(etc_dir: &Path, name: &OsStr) -> Vec<EtcBind> {
    if name.as_bytes().len() >= NAME_MAX || name.as_bytes().contains(&0) {
        return Vec::new();
    }
    let dir: PathBuf = etc_dir.join(name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let file = entry.file_name();
            let source = dir.join(&file).into_os_string().into_vec();
            let mut target = b"/etc/".to_vec();
            target.extend_from_slice(file.as_bytes());
            Some(EtcBind {
                source: CString::new(source).ok()?,
                target: CString::new(OsString::from_vec(target).into_vec()).ok()?,
            })
        })
        .collect()
}
