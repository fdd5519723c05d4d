// SPDX-License-Identifier: MIT OR Apache-2.0
//! Errors that keep the failed operation, the path it acted on and the errno, and say what went
//! wrong in a form to match on.
//!
//! * [`Error::kind`]: what went wrong ([`ErrorKind`]: not found, not a namespace, exists,
//!   permission with the missing capability, a kernel refusal with its extended ACK, a container
//!   lookup, an invalid input).
//! * [`Error::op`] and [`Error::path`]: the step that failed and what it acted on.
//! * [`Error::raw_os_error`] and [`Error::io_error`]: the errno, as usual.
//!
//! `Display` prints one line that holds the cause once (`cannot open the network namespace
//! "/run/netns/x": No such file or directory (os error 2)`), so [`std::error::Error::source`] is
//! `None`: a printer that walks the chain of sources would print the cause a second time.
//!
//! Only the `netnest` binary turns an [`Error`] into iproute2's texts and exit codes.

mod kernel;
mod kind;
mod op;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use kernel::{ErrorSite, KernelError};
pub use kind::{Capability, ContainerError, ErrorKind, InvalidInput};
pub use op::Op;

/// A shorthand for `Result<T, netnest::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from netnest: what went wrong ([`ErrorKind`]), the step ([`Op`]), the path (if any)
/// and the underlying [`io::Error`].
///
/// ```no_run
/// use netnest::{Capability, ErrorKind, Name, Registry};
/// match Registry::default().add(&Name::new("blue")?) {
///     Ok(_) => {}
///     Err(e) => match e.kind() {
///         ErrorKind::AlreadyExists => println!("blue exists already"),
///         ErrorKind::PermissionDenied { capability: Some(Capability::SysAdmin) } => {
///             println!("run as root (CAP_SYS_ADMIN)")
///         }
///         _ => return Err(e.into()),
///     },
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// It is one pointer wide (the details are boxed), so `Result<T>` stays small.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    op: Op,
    path: Option<PathBuf>,
    source: io::Error,
    kind: ErrorKind,
    kernel: Option<KernelError>,
}

impl Error {
    /// Makes an error for `op` on `path`; its kind is decided from `op` and the errno.
    pub fn new(op: Op, path: Option<&Path>, source: io::Error) -> Error {
        let kind = kind_of(op, &source, None);
        Error(Box::new(Inner {
            op,
            path: path.map(Path::to_path_buf),
            source,
            kind,
            kernel: None,
        }))
    }

    /// An error the kernel answered to a netlink request ([`Op::Netlink`]), with its errno and its
    /// extended ACK.
    pub(crate) fn kernel(kernel: KernelError) -> Error {
        let source = io::Error::from_raw_os_error(kernel.errno);
        Error(Box::new(Inner {
            op: Op::Netlink,
            path: None,
            kind: kind_of(Op::Netlink, &source, Some(&kernel)),
            source,
            kernel: Some(kernel),
        }))
    }

    /// A container lookup that failed ([`Op::FindContainer`]).
    pub(crate) fn container(e: ContainerError) -> Error {
        let io_kind = match e {
            ContainerError::NotFound(_) => io::ErrorKind::NotFound,
            _ => io::ErrorKind::InvalidInput,
        };
        Error(Box::new(Inner {
            op: Op::FindContainer,
            path: None,
            source: io::Error::new(io_kind, e.to_string()),
            kind: ErrorKind::Container(e),
            kernel: None,
        }))
    }

    /// An input refused before the kernel saw it ([`Op::Validate`], `EINVAL`).
    pub(crate) fn invalid(e: InvalidInput) -> Error {
        Error(Box::new(Inner {
            op: Op::Validate,
            path: None,
            source: io::Error::from_raw_os_error(libc::EINVAL),
            kind: ErrorKind::Invalid(e),
            kernel: None,
        }))
    }

    pub(crate) fn at(op: Op, path: &Path, errno: rustix::io::Errno) -> Error {
        Error::new(op, Some(path), errno.into())
    }

    pub(crate) fn errno(op: Op, errno: rustix::io::Errno) -> Error {
        Error::new(op, None, errno.into())
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// What the kernel said, when this error is a netlink error reply: its errno, its extended-ACK
    /// message (`Peer netns reference is invalid`) and where the reply came (ACK or end of dump).
    /// Also there when [`kind`](Error::kind) is `NotFound`, `AlreadyExists` or
    /// `PermissionDenied`.
    pub fn kernel_error(&self) -> Option<&KernelError> {
        self.0.kernel.as_ref()
    }

    /// The step that failed.
    pub fn op(&self) -> Op {
        self.0.op
    }

    /// The path the failed step acted on, if there was one.
    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    /// The underlying I/O error.
    pub fn io_error(&self) -> &io::Error {
        &self.0.source
    }

    /// The errno, as [`io::Error::raw_os_error`] gives it.
    pub fn raw_os_error(&self) -> Option<i32> {
        self.0.source.raw_os_error()
    }

    /// Turns this error into the underlying [`io::Error`].
    pub fn into_io_error(self) -> io::Error {
        self.0.source
    }
}

/// The kind of an error of step `op` with errno `source`.
fn kind_of(op: Op, source: &io::Error, kernel: Option<&KernelError>) -> ErrorKind {
    if op == Op::NotANamespace {
        return ErrorKind::NotANamespace;
    }
    match source.raw_os_error() {
        Some(libc::EPERM) => ErrorKind::PermissionDenied {
            capability: op.capability(),
        },
        Some(libc::EACCES) => ErrorKind::PermissionDenied { capability: None },
        Some(libc::ENOENT) => ErrorKind::NotFound,
        Some(libc::ENODEV) if op == Op::Netlink => ErrorKind::NotFound,
        Some(libc::EEXIST) => ErrorKind::AlreadyExists,
        _ => match kernel {
            Some(k) => ErrorKind::Kernel(k.clone()),
            None => ErrorKind::Other,
        },
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &*self.0;
        write!(f, "cannot {}", e.op.describe())?;
        if let Some(path) = &e.path {
            write!(f, " {:?}", path)?;
        }
        match &e.kind {
            ErrorKind::Container(c) => return write!(f, ": {c}"),
            ErrorKind::Invalid(i) => return write!(f, ": {i}"),
            _ => write!(f, ": {}", e.source)?,
        }
        if let Some(message) = e.kernel.as_ref().and_then(|k| k.message.as_deref()) {
            write!(f, ": {message}")?;
        }
        match &e.kind {
            ErrorKind::PermissionDenied {
                capability: Some(cap),
            } => write!(f, " (needs {cap})"),
            _ => Ok(()),
        }
    }
}

/// The cause is part of the `Display` text, so it is not also a `source` (see the module's
/// documentation).
impl std::error::Error for Error {}

const _: () = assert!(std::mem::size_of::<Error>() == std::mem::size_of::<usize>());

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        io::Error::new(e.0.source.kind(), e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cause in a chain of sources, as `anyhow`'s `{:#}` prints them.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut text = e.to_string();
        let mut next = e.source();
        while let Some(cause) = next {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            next = cause.source();
        }
        text
    }

    #[test]
    fn the_cause_is_printed_once() {
        let e = Error::new(
            Op::Open,
            Some(Path::new("/run/netns/x")),
            io::Error::from_raw_os_error(libc::ENOENT),
        );
        let text = "cannot open the network namespace \"/run/netns/x\": No such file or directory (os error 2)";
        assert_eq!(e.to_string(), text);
        assert_eq!(chain(&e), text);
        assert_eq!(chain(&io::Error::from(e)), text);
        let e = Error::container(ContainerError::NotFound("ab".into()));
        assert_eq!(
            chain(&e),
            "cannot find the container: no running container has an id starting with \"ab\""
        );
    }

    #[test]
    fn kinds_follow_the_errno_and_the_step() {
        let kind = |op, errno| {
            Error::new(op, None, io::Error::from_raw_os_error(errno))
                .0
                .kind
        };
        assert_eq!(kind(Op::Open, libc::ENOENT), ErrorKind::NotFound);
        assert_eq!(kind(Op::CreateFile, libc::EEXIST), ErrorKind::AlreadyExists);
        assert_eq!(
            kind(Op::NotANamespace, libc::EINVAL),
            ErrorKind::NotANamespace
        );
        assert_eq!(
            kind(Op::Setns, libc::EPERM),
            ErrorKind::PermissionDenied {
                capability: Some(Capability::SysAdmin)
            }
        );
        assert_eq!(
            kind(Op::Open, libc::EACCES),
            ErrorKind::PermissionDenied { capability: None }
        );
        assert_eq!(kind(Op::Stat, libc::EIO), ErrorKind::Other);
        let mut refusal = KernelError::new(libc::EINVAL, ErrorSite::Ack);
        refusal.message = Some("Invalid prefix for given prefix length".into());
        let e = Error::kernel(refusal.clone());
        assert_eq!(e.kind(), &ErrorKind::Kernel(refusal));
        assert_eq!(
            e.to_string(),
            "cannot talk to the kernel over netlink: Invalid argument (os error 22): Invalid prefix for given prefix length"
        );
        let e = Error::kernel(KernelError::new(libc::EPERM, ErrorSite::Ack));
        assert!(e
            .to_string()
            .ends_with("(os error 1) (needs CAP_NET_ADMIN)"));
    }
}
