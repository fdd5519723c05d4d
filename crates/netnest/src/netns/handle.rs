// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNs`]: an open network namespace, owning its file descriptor.

use std::fmt;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use crate::error::{Error, Op, Result};
use crate::sys;

/// `CLONE_NEWNET`, as `NS_GET_NSTYPE` reports it.
const CLONE_NEWNET: i32 = 0x4000_0000;

/// The identity of a network namespace: the device and inode of its nsfs file.
///
/// Two handles refer to the same namespace exactly when their ids are equal, whichever path or
/// process they were opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NsId {
    /// `st_dev` of the nsfs file.
    pub dev: u64,
    /// `st_ino` of the nsfs file (the number in `net:[4026531840]`).
    pub ino: u64,
}

impl fmt::Display for NsId {
    /// Formats as the kernel's `readlink /proc/self/ns/net` does: `net:[4026531840]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "net:[{}]", self.ino)
    }
}

/// An open network namespace.
///
/// A `NetNs` owns a file descriptor on an nsfs file (`/proc/PID/ns/net`, or a bind mount of one such
/// as `/run/netns/NAME`). While it is open the namespace stays alive, even if every process in it
/// exits and its name is removed. Dropping the handle closes the descriptor.
///
/// Equality and hashing compare the namespace's identity ([`NsId`]), not the descriptor.
pub struct NetNs {
    fd: OwnedFd,
    id: NsId,
}

impl NetNs {
    /// The network namespace of the calling thread.
    ///
    /// ```no_run
    /// let here = netnest::NetNs::current()?;
    /// println!("{here}");
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "Get")]
    pub fn current() -> Result<NetNs> {
        NetNs::from_path("/proc/thread-self/ns/net")
    }

    /// The network namespace of process `pid` (its main thread), from `/proc/PID/ns/net`.
    #[doc(alias = "GetFromPid")]
    pub fn from_pid(pid: u32) -> Result<NetNs> {
        NetNs::from_path(format!("/proc/{pid}/ns/net"))
    }

    /// The network namespace of thread `tid` of process `pid`, from `/proc/PID/task/TID/ns/net`.
    #[doc(alias = "GetFromThread")]
    pub fn from_thread(pid: u32, tid: u32) -> Result<NetNs> {
        NetNs::from_path(format!("/proc/{pid}/task/{tid}/ns/net"))
    }

    /// Opens the network namespace at `path`: a `/proc/…/ns/net` link or a bind mount of one.
    ///
    /// Fails with [`Op::Open`] if the file cannot be opened and with [`Op::NotANamespace`]
    /// (`EINVAL`) if it is not a network namespace, such as a stale mount-point file whose bind
    /// mount is gone.
    #[doc(alias = "GetFromPath")]
    pub fn from_path(path: impl AsRef<Path>) -> Result<NetNs> {
        let path = path.as_ref();
        // Never blocks: a FIFO, socket or device there is not opened for real.
        let fd = crate::nsfile::open(path).map_err(|(op, e)| Error::at(op, path, e))?;
        NetNs::check(fd).map_err(|(op, e)| Error::at(op, path, e))
    }

    /// Takes ownership of `fd`, after checking that it refers to a network namespace.
    pub fn from_fd(fd: OwnedFd) -> Result<NetNs> {
        NetNs::check(fd).map_err(|(op, e)| Error::errno(op, e))
    }

    /// The network namespace a socket belongs to (`ioctl(SIOCGSKNS)`): the namespace it was
    /// created in, whatever thread uses it now.
    #[doc(alias = "SIOCGSKNS")]
    pub fn of_socket(socket: impl AsFd) -> Result<NetNs> {
        let fd = sys::socket_netns(socket).map_err(|e| Error::errno(Op::Open, e))?;
        NetNs::from_fd(fd)
    }

    fn check(fd: OwnedFd) -> std::result::Result<NetNs, (Op, rustix::io::Errno)> {
        match sys::ns_type(&fd) {
            Ok(CLONE_NEWNET) => {}
            Ok(_) | Err(rustix::io::Errno::NOTTY) | Err(rustix::io::Errno::INVAL) => {
                return Err((Op::NotANamespace, rustix::io::Errno::INVAL))
            }
            Err(e) => return Err((Op::NotANamespace, e)),
        }
        let st = rustix::fs::fstat(&fd).map_err(|e| (Op::Stat, e))?;
        let id = NsId {
            dev: st.st_dev,
            ino: st.st_ino,
        };
        Ok(NetNs { fd, id })
    }

    /// The namespace's identity.
    #[doc(alias = "UniqueId")]
    pub fn id(&self) -> NsId {
        self.id
    }

    /// A second handle on the same namespace (a duplicated descriptor).
    pub fn try_clone(&self) -> Result<NetNs> {
        let fd =
            rustix::io::fcntl_dupfd_cloexec(&self.fd, 0).map_err(|e| Error::errno(Op::Open, e))?;
        Ok(NetNs { fd, id: self.id })
    }

    /// Gives up the handle and returns its descriptor.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// A path under `/proc` that names this namespace while the handle is open, for tools that
    /// take a path (`/proc/thread-self/fd/N`).
    pub fn proc_path(&self) -> PathBuf {
        PathBuf::from(format!("/proc/thread-self/fd/{}", self.fd.as_raw_fd()))
    }
}

impl AsRawFd for NetNs {
    /// The descriptor, for APIs that take a raw fd (`setns(2)` from C, pyroute2's `net_ns_fd`);
    /// it stays owned by the handle.
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for NetNs {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl From<NetNs> for OwnedFd {
    fn from(ns: NetNs) -> OwnedFd {
        ns.fd
    }
}

impl PartialEq for NetNs {
    /// Same namespace, as Go's `NsHandle.Equal`.
    fn eq(&self, other: &NetNs) -> bool {
        self.id == other.id
    }
}

impl Eq for NetNs {}

impl std::hash::Hash for NetNs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}

impl fmt::Display for NetNs {
    /// `net:[4026531840]`, as `readlink /proc/self/ns/net` shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.id, f)
    }
}

impl fmt::Debug for NetNs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetNs")
            .field("fd", &self.fd.as_raw_fd())
            .field("dev", &self.id.dev)
            .field("ino", &self.id.ino)
            .finish()
    }
}
