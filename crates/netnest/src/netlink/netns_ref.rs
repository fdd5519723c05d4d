// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNsRef`]: how a netlink request names another network namespace.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use netlink_packet_route::link::LinkAttribute;

use crate::error::Result;
use crate::name::Name;
use crate::netns::NetNs;
use crate::registry::{CreateMode, Registry};

/// Another network namespace, as a link request names it: `IFLA_NET_NS_FD` or
/// `IFLA_NET_NS_PID` (pyroute2's `net_ns_fd=` / `net_ns_pid=`; `ip link … netns NAME|PID`).
#[derive(Debug, Clone, Copy)]
pub enum NetNsRef<'a> {
    /// An open namespace (a [`NetNs`], or any nsfs fd).
    Fd(BorrowedFd<'a>),
    /// The namespace of a process.
    Pid(u32),
    /// A named namespace, opened (never created) when the request is made: a missing name fails
    /// with `ENOENT` before anything is sent, as pyroute2's `net_ns_fd='name'` does.
    Named {
        /// The registry holding the name.
        registry: &'a Registry,
        /// The name.
        name: &'a Name,
    },
    /// A named namespace of the default registry (`/run/netns`), as `ip link set DEV netns
    /// NAME` takes it; opened, never created, like [`NetNsRef::Named`]. `(&name).into()` makes
    /// one.
    Name(&'a Name),
}

impl<'a> From<&'a Name> for NetNsRef<'a> {
    fn from(name: &'a Name) -> NetNsRef<'a> {
        NetNsRef::Name(name)
    }
}

impl<'a> From<&'a NetNs> for NetNsRef<'a> {
    fn from(ns: &'a NetNs) -> NetNsRef<'a> {
        NetNsRef::Fd(ns.as_fd())
    }
}

/// A [`NetNsRef`] ready to be sent: any namespace it had to open stays open until then.
pub(crate) enum Resolved<'a> {
    Fd(BorrowedFd<'a>),
    Opened(NetNs),
    Pid(u32),
}

impl NetNsRef<'_> {
    pub(crate) fn resolve(&self) -> Result<Resolved<'_>> {
        Ok(match *self {
            NetNsRef::Fd(fd) => Resolved::Fd(fd),
            NetNsRef::Pid(pid) => Resolved::Pid(pid),
            NetNsRef::Named { registry, name } => {
                Resolved::Opened(registry.create(name, CreateMode::OpenExisting)?)
            }
            NetNsRef::Name(name) => {
                Resolved::Opened(Registry::default().create(name, CreateMode::OpenExisting)?)
            }
        })
    }
}

impl Resolved<'_> {
    pub(crate) fn attribute(&self) -> LinkAttribute {
        match self {
            Resolved::Fd(fd) => LinkAttribute::NetNsFd(fd.as_raw_fd()),
            Resolved::Opened(ns) => LinkAttribute::NetNsFd(ns.as_fd().as_raw_fd()),
            Resolved::Pid(pid) => LinkAttribute::NetNsPid(*pid),
        }
    }
}
