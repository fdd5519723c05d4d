//! Errors that keep the failed operation, the path it acted on and the errno.
//!
//! Only the `netnest` binary turns an [`Error`] into iproute2's texts and exit codes; the library keeps
//! everything a caller needs to decide for itself: [`Error::op`], [`Error::path`] and the
//! [`std::io::Error`] (so [`Error::raw_os_error`] and [`Error::kind`] work as usual).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A shorthand for `Result<T, netnest::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The step that failed. Each variant is one system-level step, named after what `ip netns` calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `mkdir` of the run directory (`mkdir /run/netns failed`).
    CreateRunDir,
    /// Opening the run directory to lock it (`Cannot open netns runtime directory`).
    OpenRunDir,
    /// `mount --make-shared` of the run directory.
    MakeShared,
    /// `mount --make-private` of the freshly bound run directory (iproute2 7.0's fix).
    MakePrivate,
    /// `mount --bind` of the run directory onto itself.
    BindRunDir,
    /// Creating the mode-0 mount-point file (`Cannot create namespace file`).
    CreateFile,
    /// `unshare(CLONE_NEWNET)` (`Failed to create a new network namespace`).
    Unshare,
    /// Bind-mounting a namespace onto its file (`Bind /proc/self/ns/net -> … failed`).
    Bind,
    /// Removing a namespace file (`Cannot remove namespace file`).
    Remove,
    /// Opening a namespace file (`Cannot open network namespace`).
    Open,
    /// `fstat` of a namespace file (`Stat of netns failed`).
    Stat,
    /// Checking that a file is a network namespace (it is a stale file or not nsfs).
    NotANamespace,
    /// Reading a directory (`Failed to open directory`).
    ReadDir,
    /// `setns(CLONE_NEWNET)` (`setting the network namespace … failed`).
    Setns,
    /// Creating a socket inside a namespace.
    Socket,
    /// Starting a thread to work inside a namespace.
    SpawnThread,
    /// A netlink request or dump.
    Netlink,
    /// Starting a process.
    Spawn,
    /// Finding a container by its id.
    FindContainer,
    /// Watching the run directory with inotify (`inotify_init failed`, without a path;
    /// `inotify_add_watch failed`, with it) or reading its events.
    Watch,
}

impl Op {
    /// A short lowercase description, used by [`Error`]'s `Display`.
    pub fn describe(self) -> &'static str {
        match self {
            Op::CreateRunDir => "create the run directory",
            Op::OpenRunDir => "open the run directory",
            Op::MakeShared => "make the run directory a shared mount",
            Op::MakePrivate => "make the run directory a private mount",
            Op::BindRunDir => "bind the run directory onto itself",
            Op::CreateFile => "create the namespace file",
            Op::Unshare => "create a new network namespace",
            Op::Bind => "bind-mount the namespace",
            Op::Remove => "remove the namespace file",
            Op::Open => "open the network namespace",
            Op::Stat => "stat the network namespace",
            Op::NotANamespace => "use the file as a network namespace",
            Op::ReadDir => "read the directory",
            Op::Setns => "enter the network namespace",
            Op::Socket => "create a socket in the namespace",
            Op::SpawnThread => "start a thread",
            Op::Netlink => "talk to the kernel over netlink",
            Op::Spawn => "start the command",
            Op::FindContainer => "find the container",
            Op::Watch => "watch the run directory",
        }
    }
}

/// An error from netnest: the operation, the path (if any) and the underlying [`io::Error`].
#[derive(Debug)]
pub struct Error {
    op: Op,
    path: Option<PathBuf>,
    source: io::Error,
    kernel: Option<Box<crate::kernel_error::KernelError>>,
}

impl Error {
    /// Makes an error for `op` on `path`.
    pub fn new(op: Op, path: Option<&Path>, source: io::Error) -> Error {
        Error {
            op,
            path: path.map(Path::to_path_buf),
            source,
            kernel: None,
        }
    }

    /// An error the kernel answered to a netlink request ([`Op::Netlink`]), with its errno and its
    /// extended ACK.
    pub(crate) fn kernel(kernel: crate::kernel_error::KernelError) -> Error {
        Error {
            op: Op::Netlink,
            path: None,
            source: io::Error::from_raw_os_error(kernel.errno),
            kernel: Some(Box::new(kernel)),
        }
    }

    /// What the kernel said, when this error is a netlink error reply: its errno, its extended-ACK
    /// message (`Peer netns reference is invalid`) and where the reply came (ACK or end of dump).
    pub fn kernel_error(&self) -> Option<&crate::kernel_error::KernelError> {
        self.kernel.as_deref()
    }

    pub(crate) fn at(op: Op, path: &Path, errno: rustix::io::Errno) -> Error {
        Error::new(op, Some(path), errno.into())
    }

    pub(crate) fn errno(op: Op, errno: rustix::io::Errno) -> Error {
        Error::new(op, None, errno.into())
    }

    /// The step that failed.
    pub fn op(&self) -> Op {
        self.op
    }

    /// The path the failed step acted on, if there was one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The underlying I/O error.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }

    /// The errno, as [`io::Error::raw_os_error`] gives it.
    pub fn raw_os_error(&self) -> Option<i32> {
        self.source.raw_os_error()
    }

    /// The kind of the underlying I/O error (`NotFound`, `AlreadyExists`, `PermissionDenied`…).
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }

    /// Turns this error into the underlying [`io::Error`].
    pub fn into_io_error(self) -> io::Error {
        self.source
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {}", self.op.describe())?;
        if let Some(path) = &self.path {
            write!(f, " {:?}", path)?;
        }
        write!(f, ": {}", self.source)?;
        match self.kernel.as_deref().and_then(|k| k.message.as_deref()) {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        io::Error::new(e.source.kind(), e)
    }
}
