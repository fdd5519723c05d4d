// SPDX-License-Identifier: MIT OR Apache-2.0
//! The run directory itself: created, made a shared mount of its own, and locked while names are
//! made and removed.
//!
//! Every `add`, `attach` and `delete` holds an exclusive `flock` on the directory for its whole
//! change, so that between processes using netnest the changes of one name happen one after the
//! other: a `delete` can never fall between an `add`'s file creation and its bind mount (which
//! made the delete's unlink fail with `EBUSY`, the namespace mounted on a file that was then
//! gone from nobody's view). iproute2 takes the same lock, but only around its shared-mount step.

use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags, StatxFlags, CWD};
use rustix::io::Errno;
use rustix::mount::MountPropagationFlags;

use crate::error::{Error, Op, Result};

/// The open run directory with an exclusive `flock` on it; the lock goes with the descriptor.
#[derive(Debug)]
pub(crate) struct Locked {
    _fd: OwnedFd,
}

/// Creates the run directory if needed (mode 0755), locks it, and makes it a shared mount point
/// in a peer group of its own, as `add` needs it. The lock is held until the returned value is
/// dropped.
pub(crate) fn prepare(dir: &Path) -> Result<Locked> {
    match rustix::fs::mkdir(dir, Mode::from_raw_mode(0o755)) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(e) => return Err(Error::at(Op::CreateRunDir, dir, e)),
    }
    let fd = open_dir(dir).map_err(|e| Error::at(Op::OpenRunDir, dir, e))?;
    // iproute2 only warns when the lock fails, and goes on; so do we.
    let _ = lock(&fd);
    make_shared(dir)?;
    Ok(Locked { _fd: fd })
}

/// Locks an existing run directory (for `delete`). `None` when it cannot be opened or locked:
/// the operation then goes on unlocked, and reports its own error if the directory is missing.
pub(crate) fn lock_existing(dir: &Path) -> Option<Locked> {
    let fd = open_dir(dir).ok()?;
    lock(&fd).ok()?;
    Some(Locked { _fd: fd })
}

fn open_dir(dir: &Path) -> rustix::io::Result<OwnedFd> {
    rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn lock(fd: &OwnedFd) -> rustix::io::Result<()> {
    loop {
        match rustix::fs::flock(fd, FlockOperation::LockExclusive) {
            Err(Errno::INTR) => {}
            other => return other,
        }
    }
}

/// Makes `dir` a shared mount point in a peer group of its own: bound onto itself the first time,
/// made private (so that it leaves its parent's peer group when `/run` is shared), then shared.
///
/// A directory that is already a mount point but still shares its parent's peer group is
/// repaired the same way: iproute2 6.1 leaves it so (it has no private step), and so does an
/// `add` killed between its bind and its make-private. Left alone, every namespace bound under
/// it would propagate back into the parent and be mounted twice.
fn make_shared(dir: &Path) -> Result<()> {
    let shared = MountPropagationFlags::SHARED | MountPropagationFlags::REC;
    let private = MountPropagationFlags::PRIVATE | MountPropagationFlags::REC;
    match rustix::mount::mount_change(dir, shared) {
        Ok(()) => {
            if !in_parents_peer_group(dir) {
                return Ok(());
            }
        }
        Err(Errno::INVAL) => rustix::mount::mount_bind_recursive(dir, dir)
            .map_err(|e| Error::at(Op::BindRunDir, dir, e))?,
        Err(e) => return Err(Error::at(Op::MakeShared, dir, e)),
    }
    rustix::mount::mount_change(dir, private).map_err(|e| Error::at(Op::MakePrivate, dir, e))?;
    rustix::mount::mount_change(dir, shared).map_err(|e| Error::at(Op::MakeShared, dir, e))
}

/// Whether the mount at `dir` (a mount point) is a peer of its parent mount. `false` when that
/// cannot be told.
fn in_parents_peer_group(dir: &Path) -> bool {
    let Ok(st) = rustix::fs::statx(CWD, dir, AtFlags::empty(), StatxFlags::MNT_ID) else {
        return false;
    };
    if st.stx_mask & StatxFlags::MNT_ID.bits() == 0 {
        return false;
    }
    let Ok(table) = std::fs::read("/proc/thread-self/mountinfo") else {
        return false;
    };
    let mounts: Vec<Mount> = table.split(|&b| b == b'\n').filter_map(parse).collect();
    let Some(own) = mounts.iter().find(|m| m.id == st.stx_mnt_id) else {
        return false;
    };
    let Some(parent) = mounts.iter().find(|m| m.id == own.parent) else {
        return false;
    };
    own.id != parent.id && own.peer_group.is_some() && own.peer_group == parent.peer_group
}

/// What `in_parents_peer_group` needs of a line of `/proc/*/mountinfo`.
struct Mount {
    id: u64,
    parent: u64,
    peer_group: Option<u64>,
}

/// `ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAG...] - FSTYPE SOURCE SUPER`; a peer group is the
/// tag `shared:N`.
fn parse(line: &[u8]) -> Option<Mount> {
    let mut fields = line.split(|&b| b == b' ');
    let number = |field: Option<&[u8]>| std::str::from_utf8(field?).ok()?.parse::<u64>().ok();
    let id = number(fields.next())?;
    let parent = number(fields.next())?;
    let peer_group = fields
        .skip(4)
        .take_while(|&tag| tag != b"-")
        .find_map(|tag| number(tag.strip_prefix(b"shared:")));
    Some(Mount {
        id,
        parent,
        peer_group,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn mountinfo_lines() {
        let m = parse(b"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw")
            .unwrap();
        assert_eq!((m.id, m.parent, m.peer_group), (36, 35, Some(7)));
        let m = parse(b"36 35 98:0 / /run rw - tmpfs shared:9 rw").unwrap();
        assert_eq!(m.peer_group, None, "after the separator it is not a tag");
        assert!(parse(b"").is_none());
    }
}
