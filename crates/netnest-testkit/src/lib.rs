// SPDX-License-Identifier: MIT OR Apache-2.0
//! Sandboxes, fixtures and the differential runner for netnest's tests.
//!
//! What it does:
//!
//! * [`Sandbox`]: runs one command in throw-away namespaces made by `unshare(1)` (mount with `/`
//!   rprivate, network, pid with its own `/proc`) with fresh tmpfs filesystems on `/run` and
//!   `/tmp` (and optionally `/etc/netns`), and captures stdout, stderr and the exit status
//!   separately, with a timeout. Words are passed through `argv`, so any bytes survive.
//! * [`Scenario`]: setup shell text, then one `ip netns …` / `netnest …` command line, optionally
//!   with stdin, files and an after script. [`Scenario::check`] runs it with both programs in two
//!   fresh sandboxes and compares; [`Scenario::expect`] also pins what `ip` prints;
//!   [`Scenario::differs`] records a deliberate difference. The program name is the only thing
//!   normalised ([`differential`]); `NETNEST_DIFF_SELFTEST=1` runs the reference in netnest's
//!   place to prove the expectations.
//! * [`main!`]: a libtest-compatible `main` (with `libtest-mimic`) for privileged library tests,
//!   whose whole process lives in a private mount and network namespace ([`privileged`]). As
//!   non-root its tests are reported `ignored (skipped: needs root …)`, never `ok`.
//!
//! Both kinds of sandbox check that they hold before anything runs (new mount namespace, `/run`
//! the test kit's tmpfs) and fail otherwise; a [`Sandbox`] run as non-root fails saying why. A
//! checkout or target directory under `/tmp` or `/run` is bound back over the sandbox's tmpfs
//! ([`kept_roots`]).
//! * [`unique_name`], [`TempRunDir`], [`Sleeper`]: fixtures for those tests.
//!
//! What it does not do: touch the host's `/run/netns`, mounts or links (every namespace a test
//! makes lives in a sandbox, and [`TempRunDir`] refuses to work outside one); share state
//! between runs; depend on netnest itself.
//!
//! Threads: [`Sandbox::run`] may be called from any thread (it forks `unshare(1)`);
//! [`privileged::enter_sandbox`] must run while the process has one thread, which is what
//! [`main!`] guarantees.
//!
//! A differential test:
//!
//! ```no_run
//! use netnest_testkit::{Expect, Scenario};
//! Scenario::new("/path/to/netnest")
//!     .setup("ip netns add x")
//!     .args(["add", "x"])
//!     .expect(Expect::code(1).stderr("Cannot create namespace file \"/run/netns/x\": File exists\n"));
//! ```

mod arg;
pub mod differential;
mod fixtures;
mod keep;
pub mod mountinfo;
mod output;
pub mod privileged;
mod sandbox;
mod scenario;
pub mod stress;

pub use arg::Arg;
pub use differential::{netnest_form, selftest, SELFTEST_ENV};
pub use fixtures::{unique_name, Sleeper, TempRunDir, MARKER_ENV};
pub use keep::kept_roots;
pub use output::{Expect, Output};
pub use privileged::{
    enter_sandbox, kernel_lacks, needs_root, run_is_sandboxed, skip, NO_SKIP_ENV,
};
pub use sandbox::{Sandbox, SANDBOX_ARGV0, SANDBOX_PATH};
pub use scenario::{Program, Scenario, REFERENCE_IP};
