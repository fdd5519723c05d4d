// SPDX-License-Identifier: MIT OR Apache-2.0
//! Side-by-side benchmarks of netnest: the `netnest` command against `ip netns` (iproute2 6.1),
//! the library against the kernel floor (the bare system calls, [`floor`]) and against pyroute2,
//! the lab against shell scripts of `ip` commands. `scripts/bench` is the one command; it builds
//! the release binaries, makes a sandbox and runs the `netnest-bench` driver in it.
//!
//! # What it does
//!
//! * Interleaves the sides of each comparison ([`plan::interleave`]): A B, B A, … in several
//!   rounds, waiting for the kernel's namespace teardown between rounds ([`settle`]).
//! * Reports medians, spreads, ratios of medians and the spread of the paired ratios
//!   ([`stats`], [`report`]), and checks them against the targets in `docs/performance.md`.
//!
//! # What it does not do
//!
//! It never touches the host's `/run/netns`, links or mounts: the driver refuses to run outside a
//! private mount and network namespace with a tmpfs on `/run` ([`sandbox`]). It is not part of
//! the test suite; CI only builds it and runs `scripts/bench --smoke`.
//!
//! # Threading model
//!
//! The floor and the library's same-thread paths move the calling thread between namespaces and
//! back; everything runs on the driver's main thread, one operation at a time.
#![warn(missing_docs)]

pub mod floor;
pub mod generate;
pub mod plan;
pub mod report;
pub mod sandbox;
pub mod script;
pub mod settle;
pub mod spawn;
pub mod stats;
