//! Names that are not valid [`Name`]s: `""`, `.`, `..`, `a/b`, more than 255 bytes. They reach
//! `add`, `attach` and `pids` only with `-all`, because `ip` skips its name check then, and `ip`
//! simply uses the path `/run/netns/` + the word. So does netnest, as far as the library allows.
//!
//! * `a/b` where `/run/netns/a` is a directory works in `ip` (a namespace in a subdirectory); netnest
//!   makes it through a [`Registry`] on that subdirectory.
//! * Every other such name fails in `ip` when the file is created (`EISDIR`, `EEXIST`, `ENOENT`,
//!   `ENOTDIR`, `ENAMETOOLONG`); netnest reports the same error. It skips `ip`'s shared-mount step
//!   before that failure (the library's run-directory preparation is not public), so `/run/netns`
//!   is not made a mount point by a command that fails.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use netnest::{Error, Name, Op, Registry};
use rustix::fs::{FileType, Mode, OFlags};

use super::Ctx;
use crate::messages::Source;

/// `add` (`Source::New`) or `attach` (`Source::Pid`) under the path `DIR/name`.
pub fn add(ctx: &Ctx, name: &OsStr, source: Source) -> Result<(), Error> {
    let dir = ctx.registry.dir();
    match rustix::fs::mkdir(dir, Mode::from_raw_mode(0o755)) {
        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
        Err(e) => return Err(error(Op::CreateRunDir, dir, e)),
    }
    rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| error(Op::OpenRunDir, dir, e))?;
    if let Some((sub, name)) = in_subdirectory(ctx, name) {
        let is_dir = rustix::fs::stat(sub.dir())
            .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::Directory);
        if is_dir {
            return match source {
                Source::New => sub.add(&name).map(drop),
                Source::Pid(pid) => sub.attach(&name, pid),
                // `attach NAME container:ID` checks its name itself.
                Source::Named(_) => Err(error(Op::CreateFile, sub.dir(), rustix::io::Errno::INVAL)),
            };
        }
    }
    let path = path(ctx, name);
    let flags = OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
    match rustix::fs::open(&path, flags, Mode::empty()) {
        Err(e) => Err(error(Op::CreateFile, &path, e)),
        // Not reached: such a path is a directory, `.`/`..`, or under a missing directory.
        Ok(_) => {
            let _ = rustix::fs::unlink(&path);
            Err(error(Op::CreateFile, &path, rustix::io::Errno::INVAL))
        }
    }
}

/// `pids` of the path `DIR/name`.
pub fn pids(ctx: &Ctx, name: &OsStr) -> Result<Vec<u32>, Error> {
    if let Some((sub, name)) = in_subdirectory(ctx, name) {
        return sub.pids(&name);
    }
    // The path ends in `/`, `.` or `..`, or is too long: a directory (which no process's
    // namespace is) or an error, the same error `ip` reports.
    let path = path(ctx, name);
    let file = rustix::fs::open(&path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| error(Op::Open, &path, e))?;
    rustix::fs::fstat(&file).map_err(|e| error(Op::Stat, &path, e))?;
    Ok(Vec::new())
}

/// `DIR/name` as `ip` builds it: the bytes joined with a `/` (`Path::join` would drop `DIR` for a
/// name that starts with `/`).
fn path(ctx: &Ctx, name: &OsStr) -> PathBuf {
    let mut path = ctx.dir().to_vec();
    path.push(b'/');
    path.extend_from_slice(name.as_bytes());
    PathBuf::from(OsStr::from_bytes(&path))
}

/// For `a/b` whose last component is a valid name: the registry `DIR/a` and the name `b`.
fn in_subdirectory(ctx: &Ctx, name: &OsStr) -> Option<(Registry, Name)> {
    let bytes = name.as_bytes();
    let slash = bytes.iter().rposition(|&b| b == b'/')?;
    let last = Name::new(OsStr::from_bytes(&bytes[slash + 1..])).ok()?;
    let sub = path(ctx, OsStr::from_bytes(&bytes[..slash]));
    Some((Registry::new(sub), last))
}

fn error(op: Op, path: &Path, errno: rustix::io::Errno) -> Error {
    Error::new(op, Some(path), io::Error::from(errno))
}
