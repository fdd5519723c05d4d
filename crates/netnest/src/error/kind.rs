// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`ErrorKind`]: what went wrong, to match on.

use std::fmt;

use super::kernel::KernelError;

/// What went wrong, to match on without looking at errnos or downcasting.
///
/// The errno is still there ([`Error::raw_os_error`](crate::Error::raw_os_error)); the kind is
/// decided from it and from the step that failed, in this order: a bad input or container lookup
/// first, then a file that is not a namespace, a refused permission, a missing or existing object,
/// then any other refusal by the kernel over netlink.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The namespace, name, file, process or interface does not exist (`ENOENT`, and `ENODEV`
    /// for an interface).
    NotFound,
    /// The file exists but is not a network namespace (a stale mount-point file, a regular file).
    NotANamespace,
    /// The name, file or interface exists already (`EEXIST`).
    AlreadyExists,
    /// The kernel refused for lack of privilege (`EPERM`, `EACCES`).
    PermissionDenied {
        /// The capability the step needs, when it needs one (`CAP_SYS_ADMIN` to mount, unshare
        /// or enter a namespace, `CAP_NET_ADMIN` to change links, addresses and routes). `None`
        /// for file permissions.
        capability: Option<Capability>,
    },
    /// The kernel refused a netlink request for another reason: the errno and the extended ACK
    /// (`Invalid prefix for given prefix length`).
    Kernel(KernelError),
    /// A container could not be found by its id.
    Container(ContainerError),
    /// The input was refused before the kernel saw it, naming the bad value.
    Invalid(InvalidInput),
    /// Anything else: see the errno.
    Other,
}

/// A Linux capability a step needs (see `capabilities(7)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// `CAP_SYS_ADMIN`: mounting, `unshare(CLONE_NEWNET)`, `setns`.
    SysAdmin,
    /// `CAP_NET_ADMIN`: changing links, addresses, routes and nsids.
    NetAdmin,
}

impl fmt::Display for Capability {
    /// `CAP_SYS_ADMIN`, `CAP_NET_ADMIN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Capability::SysAdmin => "CAP_SYS_ADMIN",
            Capability::NetAdmin => "CAP_NET_ADMIN",
        })
    }
}

/// An input refused before anything was sent to the kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidInput {
    /// An interface name that the kernel would truncate or refuse.
    InterfaceName {
        /// The name as given.
        name: String,
        /// What is wrong with it: `longer than 15 bytes`, `holds a NUL byte`…
        reason: &'static str,
    },
    /// A prefix length longer than the address: over 32 for IPv4, over 128 for IPv6.
    PrefixLength {
        /// The prefix length given.
        prefix: u8,
        /// The longest allowed: 32 or 128.
        max: u8,
    },
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidInput::InterfaceName { name, reason } => {
                write!(f, "invalid interface name {name:?}: {reason}")
            }
            InvalidInput::PrefixLength { prefix, max } => {
                write!(f, "invalid prefix length {prefix}: longer than {max}")
            }
        }
    }
}

/// Why a container could not be found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerError {
    /// The id is empty or not hexadecimal.
    InvalidId(String),
    /// No running container's id starts with this.
    NotFound(String),
    /// Several running containers' ids start with this; the full ids, sorted.
    Ambiguous(String, Vec<String>),
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerError::InvalidId(id) => {
                write!(f, "{id:?} is not a container id (hexadecimal digits)")
            }
            ContainerError::NotFound(id) => {
                write!(f, "no running container has an id starting with {id:?}")
            }
            ContainerError::Ambiguous(id, all) => {
                write!(
                    f,
                    "{id:?} is ambiguous: it starts the ids of {}",
                    all.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for ContainerError {}
