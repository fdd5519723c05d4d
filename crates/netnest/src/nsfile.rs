// SPDX-License-Identifier: MIT OR Apache-2.0
//! Opening a file that should be a namespace without ever blocking.
//!
//! Anyone can put a FIFO, a socket or a device node where a namespace's name should be. A plain
//! `open(O_RDONLY)` of a FIFO waits for a writer for ever (iproute2 6.1 hangs there), and opening
//! a device can have effects of its own. So the file is first opened with `O_PATH`, which opens
//! nothing, and only an nsfs file, a regular file or a directory is then opened for real, through
//! that descriptor. For the others, the error a real open would give is worked out: a socket
//! cannot be opened (`ENXIO`); a FIFO or a device could be, if readable, and is not a namespace.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

use rustix::fs::{Access, AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use crate::error::Op;

/// What a failed open gives: the step and its errno.
pub(crate) type Failure = (Op, Errno);

/// An `O_PATH` descriptor on the file at `path` and its `fstat`, or the error that
/// `open(path, O_RDONLY)` would give, without opening anything that could block.
pub(crate) fn probe(path: &Path) -> Result<(OwnedFd, Stat), Failure> {
    let fd = rustix::fs::open(path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| (Op::Open, e))?;
    let st = rustix::fs::fstat(&fd).map_err(|e| (Op::Stat, e))?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile | FileType::Directory => {}
        other => {
            // open checks the permission first, then refuses a socket.
            readable(&fd).map_err(|e| (Op::Open, e))?;
            if other == FileType::Socket {
                return Err((Op::Open, Errno::NXIO));
            }
        }
    }
    Ok((fd, st))
}

/// Opens `path` for reading if it can be a namespace (an nsfs file is a regular file to `stat`);
/// anything else that `open` would have accepted fails with [`Op::NotANamespace`] (`EINVAL`, as
/// `setns` says of it), without being opened.
pub(crate) fn open(path: &Path) -> Result<OwnedFd, Failure> {
    let (fd, st) = probe(path)?;
    match FileType::from_raw_mode(st.st_mode) {
        FileType::RegularFile | FileType::Directory => reopen(&fd).map_err(|e| (Op::Open, e)),
        _ => Err((Op::NotANamespace, Errno::INVAL)),
    }
}

/// Opens `path` for reading whatever it is, as `open(O_RDONLY)` would but without blocking: a
/// FIFO is opened non-blocking, a device non-blocking and without becoming a controlling
/// terminal, a socket fails with `ENXIO`.
pub(crate) fn open_any(path: &Path) -> Result<OwnedFd, Failure> {
    let (fd, _) = probe(path)?;
    reopen(&fd).map_err(|e| (Op::Open, e))
}

/// A real read-only descriptor on the file that `fd` (`O_PATH`) refers to: the same file, even if
/// its path names another one by now.
fn reopen(fd: &OwnedFd) -> rustix::io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY;
    let file = rustix::fs::openat(rustix::fs::CWD, fd_path(fd), flags, Mode::empty())?;
    // The descriptor is kept (a NetNs owns it): blocking, as a plain open would leave it.
    let flags = rustix::fs::fcntl_getfl(&file)?;
    rustix::fs::fcntl_setfl(&file, flags - OFlags::NONBLOCK)?;
    Ok(file)
}

/// Whether the caller may read the file that `fd` (`O_PATH`) refers to: `open`'s permission
/// check, made by `faccessat` with the effective ids.
fn readable(fd: &OwnedFd) -> rustix::io::Result<()> {
    rustix::fs::accessat(
        rustix::fs::CWD,
        fd_path(fd),
        Access::READ_OK,
        AtFlags::EACCESS,
    )
}

/// The `/proc` path through which `fd`'s very file is reached.
fn fd_path(fd: &OwnedFd) -> String {
    format!("/proc/thread-self/fd/{}", fd.as_raw_fd())
}
