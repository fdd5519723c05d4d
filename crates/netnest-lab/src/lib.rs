// SPDX-License-Identifier: MIT OR Apache-2.0
//! netnest-lab: declarative network-namespace labs, built in one call and torn down without a
//! trace.
//!
//! # What it does
//!
//! * **Topologies** ([`Topology`]) from a TOML file ([`Topology::from_file`]), a string
//!   (`str::parse`) or Rust ([`Builder`]): nodes (each a network namespace, `lo` up, sysctls,
//!   routes, bridges), veth links between nodes or between a node and the host (interface
//!   names, MTU, IPv4/IPv6 addresses, bridge ports), bridges in the host. A file that does not
//!   validate gets every problem with its file, line and column ([`SpecError`]), and nothing is
//!   created. The format is described in the crate's `README.md`.
//! * **`up`** ([`Topology::up`]): all or nothing. The lab's record is written first
//!   ([`record`]); then the namespaces are made (`NAME-NODE` in the registry, `/run/netns` by
//!   default), and every namespace's netlink requests go out in two batches (links, then
//!   addresses and routes), each veth's peer created directly inside its namespace. If a step
//!   fails, everything made is removed and the error names the step ([`LabError::Step`]).
//! * **`down`** ([`down`], [`force_down`], [`Lab::down`], dropping a [`Lab`]): from the record,
//!   so it also cleans up after an `up` that was killed half-way; twice is harmless. It stops
//!   the processes left in the lab's namespaces, and removes only what is still the lab's: host
//!   interfaces it marked, names that still name the namespaces it made (their identities are
//!   journaled before each name is given).
//! * **The fixture** ([`Lab`]): nodes as [`netnest::NetNs`] handles for tests; dropping it takes
//!   the lab down, also when the test panics.
//! * **Emulation**: generated shapes ([`shapes`]: Mininet's linear, star and tree, a routed
//!   ring and Clos), connectivity checks with netnest's own probes ([`reach`]: pingall,
//!   expectations), link impairment ([`impair`]: a rate by `tbf`; delay, loss… by `netem`),
//!   links down and up ([`link_state`]), pictures ([`graph`]: DOT, Mermaid, SVG). Host
//!   interfaces live in a link group of the lab's own, removed by `down` in one request.
//!
//! The command line (`netnest lab up|down|status|exec|pingall|graph|generate|link`) is in the `netnest` command (crate
//! `netnest-cli`), which calls this library.
//!
//! # What it does not do
//!
//! * It never moves a link between namespaces (creating the peer in place costs ~0.35 ms; moving
//!   it ~16 ms), and never looks an interface up in a node: node interfaces get their index at
//!   creation.
//! * It does not touch the host beyond the interfaces a topology puts there: no host routes, no
//!   host sysctls (sysctl keys must be under `net.`, written inside a node's namespace).
//! * It never removes what it did not make: a name that now names another namespace, an
//!   interface of a recorded name that is not marked as the lab's. It never signals a process
//!   outside the lab's namespaces (each is checked, then signalled through a pidfd).
//! * It keeps no process-wide state.
//!
//! # Threading
//!
//! `up` and `down` work from the calling thread (whose namespace is "the host") and from
//! short-lived threads of their own that enter the nodes' namespaces (to open sockets and
//! write sysctls); the calling thread never changes namespace. A [`Lab`] may be used from any
//! thread; [`Lab::run`] runs a closure on a thread inside a node ([`netnest::run`]).
//!
//! ```no_run
//! let lab = netnest_lab::Topology::from_file("examples/labs/two-hosts-router.toml")?.up()?;
//! let out = lab.spawn("h1", std::process::Command::new("ip").arg("route"))?.wait_with_output()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod build;
mod builder;
mod error;
mod file;
pub mod graph;
pub mod impair;
pub mod inspect;
mod journal;
mod lab;
pub mod link_state;
pub mod names;
mod options;
mod prefix;
mod proc;
pub mod reach;
pub mod record;
pub mod shapes;
mod status;
mod topology;
mod validate;
mod write;

pub use build::down::{down, force_down, DownReport};
pub use builder::{Builder, LinkBuilder, NodeBuilder};
pub use error::{Cause, LabError, Location, Problem, SpecError};
pub use inspect::{inspect, InterfaceView, NodeView, ProcessView};
pub use lab::Lab;
pub use options::{Options, Phase, Progress};
pub use prefix::{IpPrefix, PrefixError};
pub use status::{status, status_of, LabState, LabStatus, Labs, NodeStatus};
pub use topology::{Bridge, End, Link, Nexthop, Node, Place, Route, RunCommand, Topology};
