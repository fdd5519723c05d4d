// SPDX-License-Identifier: MIT OR Apache-2.0
//! Differential tests: `netnest …` against `ip netns …` of iproute2 6.1, byte for byte.
//!
//! Each test runs one scenario twice, each time in a fresh sandbox (private mount, network and
//! pid namespaces, tmpfs on `/run` and `/tmp`; see `netnest_testkit::Sandbox`): once as
//! `/usr/sbin/ip OPTS netns ARGS`, once as `netnest OPTS ARGS`. Stdout, stderr, the exit code and,
//! where the test has one, the output of an after script (`nn_state`: what is left in
//! `/run/netns`) must agree. Most tests also pin what `ip` prints (`expect`), so a test that
//! passes is known to describe the reference; `NETNEST_DIFF_SELFTEST=1 cargo test --test
//! differential` runs the reference in netnest's place and so checks every expectation here
//! without netnest.
//!
//! The one normalisation is the program's name: where `ip netns` names itself (`Usage:\tip netns
//! list`, `try "ip netns help"`, `try "ip -help"`), netnest names itself (`Usage:\tnetnest list`,
//! `try "netnest help"`, `try "netnest -help"`). See `netnest_testkit::differential`.
//!
//! Deliberate differences (DESIGN.md, "Where netnest departs") are in `mod departures`, or next
//! to their subcommand's cases (`list_id`, `monitor`, `netns_opt`), each recording what `ip` does
//! and asserting what netnest does instead (`Scenario::differs`).
//!
//! Batch files are written with `netns …` lines, which both programs accept (`ip -batch FILE
//! netns` ignores the words after the file, so the reference runs as `ip -batch FILE netns`).

mod common;

use common::{json_name, odd_names, sc, USAGE};
use netnest_testkit::{Arg, Expect};

#[path = "differential/add.rs"]
mod add;
#[path = "differential/all_delete.rs"]
mod all_delete;
#[path = "differential/attach.rs"]
mod attach;
#[path = "differential/batch.rs"]
mod batch;
#[path = "differential/delete.rs"]
mod delete;
#[path = "differential/departures.rs"]
mod departures;
#[path = "differential/exec.rs"]
mod exec;
#[path = "differential/help_and_errors.rs"]
mod help_and_errors;
#[path = "differential/identify.rs"]
mod identify;
#[path = "differential/list.rs"]
mod list;
#[path = "differential/list_id.rs"]
mod list_id;
#[path = "differential/monitor.rs"]
mod monitor;
#[path = "differential/names.rs"]
mod names;
#[path = "differential/netns_opt.rs"]
mod netns_opt;
#[path = "differential/nsid.rs"]
mod nsid;
#[path = "differential/nsids_and_stale_entries.rs"]
mod nsids_and_stale_entries;
#[path = "differential/pids.rs"]
mod pids;
#[path = "differential/set.rs"]
mod set;
