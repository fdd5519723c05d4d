//! The side-by-side bench (`scripts/bench`): netnest against `ip netns`, `ip -batch`, pyroute2 and
//! the kernel floor, interleaved in one run (A B A B …, several rounds), medians and spread, with
//! a pause between rounds for the kernel's asynchronous namespace teardown. Prints a Markdown
//! table of ratios (netnest / peer) with the absolute medians beside them.
//!
//! It must run as root inside a sandbox (its own mount and network namespaces, a tmpfs on `/run`):
//! `scripts/bench` arranges that. Groups: `cli`, `lib`, `pyroute2`, `lab`.
//!
//! ```text
//! netnest-bench [--quick] [--only GROUP]... [--rounds N] [--netnest PATH] [--ext4-dir DIR]
//! ```

mod cli_group;
mod floor;
mod lab_group;
mod lib_group;
mod pyroute2_group;
mod report;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

/// The reference `ip`.
pub const IP: &str = "/usr/sbin/ip";

/// What to run and how much.
#[derive(Debug, Clone)]
pub struct Config {
    /// Rounds per case.
    pub rounds: usize,
    /// A tiny run (CI's smoke test).
    pub quick: bool,
    /// The `netnest` binary.
    pub netnest: String,
    /// A directory on the root (ext4) file system for the library's create case, if given.
    pub ext4_dir: Option<PathBuf>,
    /// The groups to run (all when empty).
    pub only: Vec<String>,
}

impl Config {
    /// The namespace counts of the `list` cases.
    pub fn list_sizes(&self) -> &'static [usize] {
        if self.quick {
            &[10]
        } else {
            &[10, 100, 1000]
        }
    }

    /// The lines of the `-batch` cases.
    pub fn batch_size(&self) -> usize {
        if self.quick {
            20
        } else {
            200
        }
    }

    /// Nodes of the lab cases.
    pub fn lab_nodes(&self) -> usize {
        if self.quick {
            10
        } else {
            200
        }
    }

    /// Rounds of the lab cases (each takes seconds for the script of `ip`).
    pub fn lab_rounds(&self) -> usize {
        if self.quick {
            1
        } else {
            self.rounds.clamp(1, 5)
        }
    }

    /// Where the library's create/delete case runs: the sandbox's tmpfs, and ext4 if given.
    pub fn run_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![PathBuf::from("/run/bench-lib")];
        dirs.extend(self.ext4_dir.clone());
        dirs
    }

    fn wants(&self, group: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|g| g == group)
    }
}

/// Waits for the kernel to finish tearing down the namespaces of the last round.
pub fn settle(cfg: &Config) {
    std::thread::sleep(if cfg.quick {
        Duration::from_millis(50)
    } else {
        Duration::from_millis(800)
    });
}

fn main() {
    let mut cfg = Config {
        rounds: 10,
        quick: false,
        netnest: "netnest".into(),
        ext4_dir: None,
        only: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                cfg.quick = true;
                cfg.rounds = 2;
            }
            "--rounds" => {
                cfg.rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--rounds N")
            }
            "--only" => cfg.only.push(args.next().expect("--only GROUP")),
            "--netnest" => cfg.netnest = args.next().expect("--netnest PATH"),
            "--ext4-dir" => cfg.ext4_dir = Some(args.next().expect("--ext4-dir DIR").into()),
            other => panic!("unknown argument {other:?}"),
        }
    }
    let mut rows = Vec::new();
    if cfg.wants("cli") {
        cli_group::run(&cfg, &mut rows);
    }
    if cfg.wants("lib") {
        lib_group::run(&cfg, &mut rows);
    }
    if cfg.wants("pyroute2") {
        pyroute2_group::run(&cfg, &mut rows);
    }
    if cfg.wants("lab") {
        lab_group::run(&cfg, &mut rows);
    }
    report::print(&rows);
    let missed = rows.iter().filter(|r| r.met() == Some(false)).count();
    eprintln!(
        "{} cases, {} with a target, {} missed",
        rows.len(),
        rows.iter().filter(|r| r.target.is_some()).count(),
        missed
    );
}
