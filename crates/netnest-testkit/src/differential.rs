// SPDX-License-Identifier: MIT OR Apache-2.0
//! The differential runner: the same scenario with `ip netns` and with netnest, compared.
//!
//! # What is normalised
//!
//! Only the program's name. Where iproute2 names itself, netnest names itself instead:
//!
//! | `ip netns` 6.1 (stderr)                         | netnest                                   |
//! |-------------------------------------------------|-------------------------------------------|
//! | `Usage:\tip netns list` (and each usage line)   | `Usage:\tnetnest list`                    |
//! | `\tip [-all] netns delete [NAME]`               | `\tnetnest [-all] delete [NAME]`          |
//! | `Command "x" is unknown, try "ip netns help".`  | `Command "x" is unknown, try "netnest help".` |
//! | `Option "-x" is unknown, try "ip -help".`       | `Option "-x" is unknown, try "netnest -help".` |
//!
//! That is, `ip netns` becomes `netnest` and `ip` (the program on its own) becomes `netnest`.
//! The reference's stderr is rewritten with [`netnest_form`] before it is compared; stdout, the
//! exit code and the after script's output are compared as they are. Names that contain these
//! exact texts would be rewritten too; the tests use none.
//!
//! # Self-test
//!
//! With `NETNEST_DIFF_SELFTEST=1` in the environment, the reference also stands in for netnest
//! (its output normalised as above). Every differential test must then pass: that proves the
//! harness and the written expectations, whatever state the netnest binary is in.

use crate::output::{mismatch, Expect, Output};
use crate::sandbox::describe;
use crate::scenario::{Program, Scenario};

/// The environment variable that makes the reference stand in for netnest.
pub const SELFTEST_ENV: &str = "NETNEST_DIFF_SELFTEST";

/// Whether the differential runner is in self-test mode (see the module docs).
pub fn selftest() -> bool {
    std::env::var_os(SELFTEST_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Rewrites the reference's stderr so it names `netnest` where `ip` names itself.
pub fn netnest_form(stderr: &[u8]) -> Vec<u8> {
    const RULES: [(&[u8], &[u8]); 5] = [
        (b"Usage:\tip netns ", b"Usage:\tnetnest "),
        (b"\n\tip netns ", b"\n\tnetnest "),
        (b"\n\tip [-all] netns ", b"\n\tnetnest [-all] "),
        (b"try \"ip netns help\".", b"try \"netnest help\"."),
        (b"try \"ip -help\".", b"try \"netnest -help\"."),
    ];
    let mut out = stderr.to_vec();
    for (from, to) in RULES {
        out = replace_all(&out, from, to);
    }
    out
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The reference's output as netnest is expected to print it.
fn normalised(mut out: Output) -> Output {
    out.stderr = netnest_form(&out.stderr);
    out
}

impl Scenario {
    /// Runs the scenario with netnest (or, in self-test mode, with the reference, normalised).
    pub fn run_netnest(&self) -> Output {
        if selftest() {
            normalised(self.run(&Program::Reference))
        } else {
            self.run(&Program::Netnest(self.netnest.clone()))
        }
    }

    /// Runs the scenario with both programs, each in a fresh sandbox, and panics unless stdout,
    /// stderr, exit code and after-script output agree (the reference's normalised). Returns the
    /// reference's raw output.
    #[track_caller]
    pub fn check(&self) -> Output {
        let reference = self.run_reference();
        let netnest = self.run_netnest();
        if let Some(report) = mismatch(
            "ip netns (program name normalised)",
            &normalised(reference.clone()),
            "netnest",
            &netnest,
        ) {
            panic!("netnest departs from ip netns: {}\n{report}", self.title());
        }
        reference
    }

    /// Checks that the reference prints exactly `ip` (written as `ip` prints it), then that
    /// netnest prints the same (see [`Scenario::check`]).
    #[track_caller]
    pub fn expect(&self, ip: Expect) {
        let reference = self.check();
        if let Some(report) = mismatch("expected", &ip.0, "ip netns", &reference) {
            panic!(
                "ip netns does not do what the test says: {}\n{report}",
                self.title()
            );
        }
    }

    /// A deliberate difference: the reference must print exactly `ip`, and netnest exactly
    /// `netnest` (written as netnest prints it). In self-test mode the reference stands in for
    /// netnest and is held to `ip` instead.
    #[track_caller]
    pub fn differs(&self, ip: Expect, netnest: Expect) {
        let reference = self.run_reference();
        if let Some(report) = mismatch("expected", &ip.0, "ip netns", &reference) {
            panic!(
                "ip netns does not do what the test says: {}\n{report}",
                self.title()
            );
        }
        let (want, name) = if selftest() {
            (normalised(ip.0), "expected (self-test: ip's)")
        } else {
            (netnest.0, "expected")
        };
        if let Some(report) = mismatch(name, &want, "netnest", &self.run_netnest()) {
            panic!(
                "netnest does not make its deliberate difference: {}\n{report}",
                self.title()
            );
        }
    }

    fn title(&self) -> String {
        format!(
            "`{}` vs `{}`\n{}",
            describe(&self.argv(&Program::Reference)),
            describe(&self.argv(&Program::Netnest(self.netnest.clone()))),
            self.sandbox.describe()
        )
    }
}
