// SPDX-License-Identifier: MIT OR Apache-2.0
//! netnest: Linux network namespaces from Rust.
//!
//! # What it does
//!
//! * **Handles** ([`NetNs`]): the current thread's namespace, a process's or a thread's, a path's,
//!   a socket's, a new anonymous one; compared by identity ([`NsId`]). What Go's
//!   `vishvananda/netns` offers.
//! * **Named namespaces** ([`Registry`]) in the iproute2 convention (`/run/netns/NAME`, a bind mount
//!   on a shared run directory), so `ip netns`, pyroute2, Go, CNI and netnest see each other's names:
//!   add, attach, open, delete, list, identify, pids. Any directory can be a registry.
//! * **Probes** ([`probe`]): ICMP echo and TCP connect from inside a namespace.
//! * **Working inside a namespace** ([`run`], [`try_run`], [`socket`], [`bind_udp`],
//!   [`bind_tcp_listener`], a [`Worker`] for loops, [`NetNs::enter`]) without moving the caller's
//!   thread or leaving a pooled thread in the wrong namespace.
//! * **Links, addresses, routes, nsids** ([`netlink`], [`IpRoute`]) in any namespace, over a
//!   netlink socket opened inside it; what the kernel refuses keeps its extended ACK.
//! * **Errors to match on** ([`Error::kind`]): not found, not a namespace, exists, permission
//!   (with the missing capability), a kernel refusal (with the extended ACK), a container lookup,
//!   an input refused before the kernel saw it (an interface name the kernel would cut at a NUL
//!   byte, a prefix longer than the address).
//!
//! # What it does not do
//!
//! * It never forks where a thread does the job, and never calls `setns` on a thread it does not
//!   own, except through the scoped [`EnterGuard`].
//! * It keeps no process-wide state: no cached handles, no global run directory, no signal
//!   handlers, no thread pool. The one piece of per-thread state is the list of the thread's live
//!   [`EnterGuard`]s, so that guards dropped in any order leave the thread where it started.
//! * It does not print: errors carry the operation, the path and the errno ([`Error`]); turning
//!   them into `ip netns`'s messages is the `netnest` command's job.
//!
//! # Threading model
//!
//! A network namespace is a property of a *thread*, and a socket belongs to the namespace it was
//! created in, for life, whichever thread uses it later. Hence:
//!
//! * [`run`], [`try_run`], [`socket`], [`bind_udp`] and [`bind_tcp_listener`] do their work on a
//!   short-lived thread that enters the namespace, and join it before returning (about 12 µs for
//!   the thread). They may be called from any thread, including inside an async runtime (they
//!   block for the duration of the closure).
//! * A [`Worker`] is a thread of the caller's that enters the namespace once and runs closures
//!   there on request, a few µs each: for loops. Dropping it joins the thread.
//! * [`NetNs::enter`] moves the calling thread and returns a guard that is `!Send`, restores the
//!   thread when dropped (also during unwinding, and whatever the order in which several guards
//!   are dropped) and aborts the process if it cannot. Never use it on an async runtime's worker
//!   or in `spawn_blocking`: those threads are reused.
//! * Everything else ([`Registry`], handles) is plain system calls on the calling thread and is
//!   safe from any thread.
//!
//! [`NetNs::new`] and [`Registry::add`] make the namespace on the calling thread and move it back
//! before they return (a fresh thread would cost ten times the `setns`); nothing can run on the
//! thread meanwhile, and the process aborts rather than go on in the wrong namespace. An observer
//! scanning `/proc/self/task` can see the thread in the new namespace for those microseconds; where
//! even that must not happen (a runtime's workers), create namespaces from a thread of your own.
//! [`socket`] and [`run`] never move the calling thread.
//!
//! Creating a namespace ([`NetNs::new`], [`Registry::add`]) needs `CAP_SYS_ADMIN`; entering one
//! needs `CAP_SYS_ADMIN` over its owning user namespace. Listing, identifying and finding pids do
//! not need privileges (processes you cannot inspect are skipped).
#![deny(unsafe_code)]
// docs.rs builds with `--cfg docsrs` (Cargo.toml): items behind a feature say which.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod error;
mod exec_env;
mod name;
pub mod netlink;
mod netns;
mod nsfile;
pub mod probe;
mod process;
mod procfs;
mod registry;
mod sys;

pub use error::{
    Capability, ContainerError, Error, ErrorKind, ErrorSite, InvalidInput, KernelError, Op, Result,
};
pub use exec_env::{EtcBind, ExecEnv, ExecStep, NETNS_ETC_DIR};
pub use name::{InvalidName, Name, NAME_MAX};
pub use netlink::IpRoute;
pub use netns::{
    bind_tcp_listener, bind_udp, run, socket, try_run, EnterGuard, NetNs, NsId, Worker,
};
pub use process::{failed_step, CommandExt};
pub use registry::{
    Change, CreateMode, Entry, EntryState, NsidEntry, Registry, Unchecked, Watch, DEFAULT_RUN_DIR,
};

/// rustix, re-exported for the socket types that [`socket`] and [`Worker::socket`] take
/// (`AddressFamily`, `SocketType`, `Protocol`).
///
/// rustix is a 1.x crate, so this ties netnest to its major version only. For standard sockets,
/// [`bind_udp`], [`bind_tcp_listener`] and [`try_run`] need no rustix type at all.
pub use rustix;
