// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Op`]: the step that failed.

use super::kind::Capability;

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
    /// Checking the caller's input before anything is sent to the kernel (an interface name, a
    /// route prefix).
    Validate,
}

impl Op {
    /// A short lowercase description, used by [`Error`](crate::Error)'s `Display`.
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
            Op::Validate => "accept the input",
        }
    }

    /// The capability this step needs when the kernel refuses it with `EPERM`, if one does.
    pub(crate) fn capability(self) -> Option<Capability> {
        match self {
            Op::MakeShared
            | Op::MakePrivate
            | Op::BindRunDir
            | Op::Unshare
            | Op::Bind
            | Op::Remove
            | Op::Setns => Some(Capability::SysAdmin),
            Op::Netlink => Some(Capability::NetAdmin),
            _ => None,
        }
    }
}
