// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, the run directory in bad states, through the CLI: every command, with
//! `/run/netns` missing, a regular file, a symlink (to a directory, dangling), on a read-only
//! `/run` (missing, or holding namespaces), and on a full filesystem (no inode
//! for the directory, no inode for a file, no data block left), against `ip netns` 6.1: the same
//! stdout, stderr and exit code, and the same state afterwards (every file under `/run` with its
//! type, mode and size, the propagation mount, the nsfs mounts), so nothing is left half-made.
//! Where netnest departs on purpose (docs/compatibility.md) the cell says so and pins both sides.

#[allow(dead_code)]
mod common;
mod reliability_support;

use common::sc;
use netnest_testkit::{Arg, Expect, Scenario};
use reliability_support::{run_cells, Cell};

/// What is left under `/run`, and the mounts of the run directory.
const AFTER: &str = "find /run -printf '%p %y %m %s\\n' | LC_ALL=C sort; nn_state";

/// Fills every free inode of `/run` (then nothing can be created there).
const FILL_INODES: &str = "i=0; while touch /run/fill$i 2>/dev/null; do i=$((i+1)); done";

/// The states, as setup scripts.
const STATES: &[(&str, &str)] = &[
    ("missing", ""),
    ("a regular file", "echo data >/run/netns"),
    (
        "a symlink to a directory",
        "mkdir /run/real; ln -s real /run/netns; ip netns add a",
    ),
    ("a dangling symlink", "ln -s nowhere /run/netns"),
    ("read-only, missing", "mount -o remount,ro /run"),
    (
        "read-only, with namespaces",
        "ip netns add a; ip netns add b; mount -o remount,ro /run",
    ),
    (
        "full: no inode for the directory",
        "mount -t tmpfs -o size=64k,nr_inodes=1 full /run",
    ),
    (
        "full: no inode for a file",
        "mount -t tmpfs -o size=64k,nr_inodes=16 full /run; ip netns add a; FILL",
    ),
    (
        "full: no data block, inodes free",
        "mount -t tmpfs -o size=64k,nr_inodes=64 full /run; ip netns add a; \
         dd if=/dev/zero of=/run/blocks bs=4k 2>/dev/null || true",
    ),
];

/// The commands (words after `netns`); `$PID` is a process in a namespace of its own.
fn commands() -> Vec<(&'static str, Vec<Arg>)> {
    let w = |words: &[&str]| words.iter().map(Arg::from).collect::<Vec<_>>();
    let with_pid = |words: &[&str]| {
        let mut v = w(words);
        v.push(Arg::var("PID"));
        v
    };
    vec![
        ("list", w(&["list"])),
        ("list -j", w(&["list"])),
        ("add", w(&["add", "x"])),
        ("attach", with_pid(&["attach", "x"])),
        ("delete a name", w(&["delete", "a"])),
        ("delete a missing name", w(&["delete", "x"])),
        ("-all delete", w(&["delete"])),
        ("identify", w(&["identify"])),
        ("identify PID", with_pid(&["identify"])),
        ("pids", w(&["pids", "a"])),
        ("exec", w(&["exec", "a", "true"])),
        ("-all exec", w(&["exec", "true"])),
        ("set", w(&["set", "a", "5"])),
        ("list-id", w(&["list-id"])),
        ("list-id nsid", w(&["list-id", "nsid", "1"])),
        // It watches until the time limit (or fails at its mkdir).
        ("monitor", w(&["monitor"])),
    ]
}

fn scenario(state: &str, what: &str, args: &[Arg]) -> Scenario {
    let setup = state.replace("FILL", FILL_INODES);
    let mut s = sc().setup("nn_sleeper PID").setup(&setup).after(AFTER);
    if what.starts_with("-all") {
        s = s.opt("-all");
    }
    if what.ends_with("-j") {
        s = s.opt("-j");
    }
    if what == "monitor" {
        s = s.wrap(["timeout", "0.3"]);
    }
    s.args(args)
}

/// The cells where netnest departs from ip 6.1 on purpose (docs/compatibility.md), with what
/// each side does.
fn departure(state: &str, what: &str) -> Option<(Expect, Expect)> {
    const RO_BEFORE: &str = "/run d 755 80\n/run/mount d 755 40\n/run/netns d 755 80\n";
    match (state, what) {
        // ip unmounts, then cannot unlink: the namespace is lost and a stale file stays.
        // netnest checks that it can unlink first, and changes nothing.
        ("read-only, with namespaces", "delete a name") => {
            let stderr = "Cannot remove namespace file \"/run/netns/a\": Read-only file system\n";
            Some((
                Expect::code(1).stderr(stderr).after(format!(
                    "{RO_BEFORE}/run/netns/a f 0 0\n/run/netns/b f 444 0\na f 0\nb f 444\n\
                     /run/netns: shared mount\nnsfs mounts: 1\n"
                )),
                Expect::code(1).stderr(stderr).after(format!(
                    "{RO_BEFORE}/run/netns/a f 444 0\n/run/netns/b f 444 0\na f 444\nb f 444\n\
                     /run/netns: shared mount\nnsfs mounts: 2\n"
                )),
            ))
        }
        // ip stops at the first entry it cannot remove (after unmounting it: lost) and exits
        // 0; netnest reports every entry, keeps every namespace, and exits 1.
        ("read-only, with namespaces", "-all delete") => {
            let err = |n: &str| {
                format!("Cannot remove namespace file \"/run/netns/{n}\": Read-only file system\n")
            };
            Some((
                Expect::code(0).stderr(err("b")).after(format!(
                    "{RO_BEFORE}/run/netns/a f 444 0\n/run/netns/b f 0 0\na f 444\nb f 0\n\
                     /run/netns: shared mount\nnsfs mounts: 1\n"
                )),
                Expect::code(1).stderr(err("b") + &err("a")).after(format!(
                    "{RO_BEFORE}/run/netns/a f 444 0\n/run/netns/b f 444 0\na f 444\nb f 444\n\
                     /run/netns: shared mount\nnsfs mounts: 2\n"
                )),
            ))
        }
        _ => None,
    }
}

#[test]
fn every_command_in_every_run_directory_state() {
    let mut cells: Vec<Cell> = Vec::new();
    for &(state, setup) in STATES {
        for (what, args) in commands() {
            let title = format!("{what} with the run directory {state}");
            cells.push((
                title,
                Box::new(move || {
                    let s = scenario(setup, what, &args);
                    match departure(state, what) {
                        Some((ip, netnest)) => s.differs(ip, netnest),
                        None => drop(s.check()),
                    }
                }),
            ));
        }
    }
    run_cells(&cells, 3);
    println!(
        "figures: rundir.every_command_in_every_run_directory_state cells={}",
        cells.len()
    );
}
