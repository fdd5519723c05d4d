// SPDX-License-Identifier: MIT OR Apache-2.0
//! The groups of cases, one file each, and what they share: the environment, the sizes, and
//! helpers that turn commands and closures into measured cases.

pub mod batch;
pub mod cli;
pub mod floor;
pub mod lab;
pub mod list;
pub mod mininet;
pub mod pyroute2;
pub mod python;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use netnest_bench::plan::{interleave, Iter, Plan, Role, Side};
use netnest_bench::report::{Case, Outcome, Target};
use netnest_bench::settle::Settler;
use netnest_bench::spawn;

/// What the driver was told.
#[derive(Debug)]
pub struct Env {
    /// The `netnest` binary under test (the release build as shipped).
    pub netnest: PathBuf,
    /// What build it is (`musl`, `static-pie glibc`…), for the report.
    pub built: String,
    /// The `--netnest` candidates, in order; the first that answers `-V` is the one under test.
    pub candidates: Vec<(String, PathBuf)>,
    /// Other builds of `netnest` compared in the `cli` group (label, path): dynamic, static
    /// non-PIE…
    pub variants: Vec<(String, PathBuf)>,
    /// `kernel-floor` programs (label, path): the floor of each command (`cli` group).
    pub floors: Vec<(String, PathBuf)>,
    /// iproute2's `ip`.
    pub ip: PathBuf,
    /// A directory on the root (ext4) filesystem, for the "run directory on ext4" cases.
    pub ext4: Option<PathBuf>,
    /// How much to run.
    pub size: Size,
    /// Only these groups (all when empty).
    pub only: Vec<String>,
    /// Also write the table here, in Markdown.
    pub markdown: Option<PathBuf>,
    /// The Python interpreter for pyroute2.
    pub python: String,
}

impl Env {
    /// The `netnest` builds compared in process cases: the one under test, labelled `netnest`
    /// (the targets are judged on it; role [`Role::Ours`]), then the other variants
    /// ([`Role::Variant`]).
    pub fn netnest_builds(&self) -> Vec<(&str, &Path, Role)> {
        let mut v = vec![("netnest", self.netnest.as_path(), Role::Ours)];
        v.extend(
            self.variants
                .iter()
                .map(|(l, p)| (l.as_str(), p.as_path(), Role::Variant)),
        );
        v
    }

    /// A settler for a case: the baseline is now.
    pub fn settler(&self) -> Settler {
        Settler::new(self.size.settle_max)
    }

    /// The sandbox's scratch directory (on the tmpfs `/run`).
    pub fn scratch(&self) -> PathBuf {
        let dir = PathBuf::from("/run/netnest-bench");
        let _ = std::fs::create_dir_all(&dir);
        dir
    }
}

/// How many rounds, iterations and namespaces.
#[derive(Debug, Clone)]
pub struct Size {
    /// `full`, `quick` or `smoke`.
    pub name: &'static str,
    /// One process per operation (`netnest add` …).
    pub proc: Plan,
    /// `list`, `identify`, `pids`.
    pub list: Plan,
    /// Namespace counts for `list`.
    pub list_sizes: Vec<usize>,
    /// Namespaces per `-batch` file, and how many rounds (one batch per side per round).
    pub batch: (usize, usize),
    /// In-process namespace creation (library, floor).
    pub create: Plan,
    /// In-process cheap operations (sockets, closures).
    pub cheap: Plan,
    /// pyroute2.
    pub py: Plan,
    /// Lab nodes, and rounds.
    pub lab: (usize, usize),
    /// The longest wait for teardown.
    pub settle_max: Duration,
}

impl Size {
    /// The reference run (about ten minutes).
    pub fn full() -> Size {
        Size {
            name: "full",
            proc: Plan::new(5, 20),
            list: Plan::new(5, 10),
            list_sizes: vec![10, 100, 1000],
            batch: (200, 7),
            create: Plan::new(5, 40),
            cheap: Plan::new(5, 200),
            py: Plan::new(5, 10),
            lab: (200, 3),
            settle_max: Duration::from_secs(3),
        }
    }

    /// A quick look (about a minute).
    pub fn quick() -> Size {
        Size {
            name: "quick",
            proc: Plan::new(3, 6),
            list: Plan::new(3, 4),
            list_sizes: vec![10, 100],
            batch: (50, 3),
            create: Plan::new(3, 10),
            cheap: Plan::new(3, 50),
            py: Plan::new(3, 3),
            lab: (20, 1),
            settle_max: Duration::from_millis(1500),
        }
    }

    /// Does every case once at a tiny size: for CI, seconds.
    pub fn smoke() -> Size {
        Size {
            name: "smoke",
            proc: Plan::new(1, 2),
            list: Plan::new(1, 2),
            list_sizes: vec![10],
            batch: (5, 1),
            create: Plan::new(1, 3),
            cheap: Plan::new(1, 5),
            py: Plan::new(1, 1),
            lab: (3, 1),
            settle_max: Duration::from_millis(300),
        }
    }

    /// Sets the number of rounds of every series (`--rounds N`).
    pub fn with_rounds(&mut self, n: usize) {
        for plan in [
            &mut self.proc,
            &mut self.list,
            &mut self.create,
            &mut self.cheap,
            &mut self.py,
        ] {
            plan.rounds = n;
        }
        self.batch.1 = n;
        self.lab.1 = n;
    }

    /// The sizes, in a line.
    pub fn describe(&self) -> String {
        let p = |p: &Plan| format!("{}×{}", p.rounds, p.iters);
        format!(
            "rounds×iterations: processes {}, list {} at {:?} namespaces, batch {} namespaces × {} rounds, \
             in-process create {}, cheap {}, pyroute2 {}, lab {} nodes × {} rounds",
            p(&self.proc),
            p(&self.list),
            self.list_sizes,
            self.batch.0,
            self.batch.1,
            p(&self.create),
            p(&self.cheap),
            p(&self.py),
            self.lab.0,
            self.lab.1
        )
    }
}

/// Measures `sides` as `plan` says and makes the case.
pub fn measure(
    group: &'static str,
    name: impl Into<String>,
    metrics: &[&str],
    plan: Plan,
    sides: &mut [Side<'_>],
    settler: &Settler,
    targets: Vec<Target>,
) -> Case {
    let name = name.into();
    eprintln!("   {name}");
    let outcome = match interleave(plan, metrics.len(), sides, &mut || {
        settler.settle();
    }) {
        Ok(samples) => Outcome::Measured(samples),
        Err(e) => Outcome::Failed(e),
    };
    Case {
        group,
        name,
        metrics: metrics.iter().map(|m| m.to_string()).collect(),
        outcome,
        targets,
        note: None,
    }
}

/// A case that did not run.
pub fn skipped(group: &'static str, name: impl Into<String>, why: impl Into<String>) -> Case {
    Case {
        group,
        name: name.into(),
        metrics: Vec::new(),
        outcome: Outcome::Skipped(why.into()),
        targets: Vec::new(),
        note: None,
    }
}

/// A case that could not be set up.
pub fn failed(group: &'static str, name: impl Into<String>, why: impl Into<String>) -> Case {
    Case {
        outcome: Outcome::Failed(why.into()),
        ..skipped(group, name, "")
    }
}

/// A side that runs commands, one process each, timed separately: one metric per command, plus
/// their sum as a last metric if `sum`.
pub fn commands<'a>(
    label: &str,
    role: Role,
    sum: bool,
    argvs: impl Fn(Iter) -> Vec<Vec<OsString>> + 'a,
) -> Side<'a> {
    let op = move |iter: Iter| {
        let mut t = Vec::new();
        for argv in argvs(iter) {
            t.push(spawn::time(&argv)?);
        }
        if sum {
            t.push(t.iter().sum());
        }
        Ok(t)
    };
    Side::new(role, label, op)
}

/// An argv from a binary and words.
pub fn argv(bin: &Path, words: &[&str]) -> Vec<OsString> {
    let mut v = vec![bin.as_os_str().to_owned()];
    v.extend(words.iter().map(OsString::from));
    v
}

/// An argv from a binary, words, and a last word.
pub fn argv_with(bin: &Path, words: &[&str], last: &str) -> Vec<OsString> {
    let mut v = argv(bin, words);
    v.push(last.into());
    v
}

/// Removes every entry of the default registry (`/run/netns` of the sandbox), for a clean start.
pub fn clear_registry() {
    let reg = netnest::Registry::default();
    if let Ok(names) = reg.names() {
        for n in names {
            if let Ok(name) = netnest::Name::new(n) {
                let _ = reg.delete(&name);
            }
        }
    }
}
