// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, privileges through the CLI: every command run as an unprivileged user
//! (`setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all`, inside the sandbox),
//! against `ip netns` 6.1 run the same way: the same stdout, stderr (the texts of docs/ip-netns-behaviour.md:
//! `mkdir /run/netns failed: Permission denied`, `mount --make-shared /run/netns failed:
//! Operation not permitted`, `setting the network namespace "a" failed: Operation not
//! permitted`, `Cannot remove namespace file "/run/netns/a": Permission denied`…) and exit code,
//! and nothing left behind (every file under `/run`, the propagation mount and the nsfs mounts
//! compared afterwards).
//!
//! The run directory is root's and holds a namespace; or is missing; or belongs to the user and
//! holds a namespace and a stale entry (the user may unlink there but not unmount: `delete` of a
//! live name is `Device or resource busy`). Root's setup makes the namespaces with `ip`.

#[allow(dead_code)]
mod common;
mod reliability_support;

use common::sc;
use netnest_testkit::{Arg, Expect, Scenario};
use reliability_support::{run_cells, Cell};

/// The unprivileged user, with no capability left anywhere.
const NOBODY: [&str; 5] = [
    "setpriv",
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "--inh-caps=-all",
];

/// The user's own process: `$MINE`, once it runs `sleep` (before its exec it is not dumpable,
/// and so not the user's to inspect).
const MINE: &str = "setpriv --reuid=65534 --regid=65534 --clear-groups sleep 3600 & MINE=$!
until read -r c </proc/$MINE/comm && [ \"$c\" = sleep ]; do :; done";

/// What is left under `/run` (owner included), and the mounts of the run directory.
const AFTER: &str = "find /run -printf '%p %y %m %s %u\\n' | LC_ALL=C sort; nn_state";

const STATES: &[(&str, &str)] = &[
    ("root's, with a namespace", "ip netns add a"),
    ("missing", ""),
    (
        "the user's, with a namespace and a stale entry",
        "ip netns add a; : >/run/netns/s; chmod 0 /run/netns/s; chown 65534:65534 /run/netns",
    ),
];

/// The commands (words after `netns`); `$PID` is root's process in a namespace of its own,
/// `$MINE` the user's own process (in the sandbox's namespace).
fn commands() -> Vec<(&'static str, Vec<Arg>)> {
    let w = |words: &[&str]| words.iter().map(Arg::from).collect::<Vec<_>>();
    let with = |words: &[&str], var: &str| {
        let mut v = w(words);
        v.push(Arg::var(var));
        v
    };
    vec![
        ("list", w(&["list"])),
        ("list -j", w(&["list"])),
        ("add", w(&["add", "x"])),
        ("attach root's process", with(&["attach", "x"], "PID")),
        ("attach one's own process", with(&["attach", "x"], "MINE")),
        ("delete a name", w(&["delete", "a"])),
        ("delete a stale entry", w(&["delete", "s"])),
        ("delete a missing name", w(&["delete", "x"])),
        ("-all delete", w(&["delete"])),
        ("identify", w(&["identify"])),
        ("identify root's process", with(&["identify"], "PID")),
        ("identify one's own process", with(&["identify"], "MINE")),
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

fn scenario(setup: &str, what: &str, args: &[Arg]) -> Scenario {
    let mut s = sc()
        .setup("nn_sleeper PID")
        .setup(MINE)
        .setup(setup)
        .after(AFTER);
    if what == "monitor" {
        s = s.wrap(["timeout", "0.3"]);
    }
    s = s.wrap(NOBODY);
    if what.starts_with("-all") {
        s = s.opt("-all");
    }
    if what.ends_with("-j") {
        s = s.opt("-j");
    }
    s.args(args)
}

/// The cells where netnest departs from ip 6.1 on purpose: `-all delete` stops at the first
/// failure and exits 0 in ip; netnest goes on with the others and exits 1.
fn departure(state: &str, what: &str) -> Option<(Expect, Expect)> {
    match (state, what) {
        ("root's, with a namespace", "-all delete") => {
            let err = "Cannot remove namespace file \"/run/netns/a\": Permission denied\n";
            let after = "/run d 755 60 root\n/run/netns d 755 60 root\n\
                         /run/netns/a f 444 0 root\na f 444\n\
                         /run/netns: shared mount\nnsfs mounts: 1\n";
            Some((
                Expect::code(0).stderr(err).after(after),
                Expect::code(1).stderr(err).after(after),
            ))
        }
        // ip's child that cannot enter `s` goes on with the parent's loop and runs the command
        // in `a` a second time; netnest's ends there.
        ("the user's, with a namespace and a stale entry", "-all exec") => {
            let after = "/run d 755 60 root\n/run/netns d 755 80 nobody\n\
                         /run/netns/a f 444 0 root\n/run/netns/s f 0 0 root\na f 444\ns f 0\n\
                         /run/netns: shared mount\nnsfs mounts: 1\n";
            let no_s = "Cannot open network namespace \"s\": Permission denied\n";
            let no_a = "setting the network namespace \"a\" failed: Operation not permitted\n";
            Some((
                Expect::code(0)
                    .stdout("\nnetns: s\n\nnetns: a\n\nnetns: a\n")
                    .stderr(format!("{no_s}{no_a}{no_a}"))
                    .after(after),
                Expect::code(0)
                    .stdout("\nnetns: s\n\nnetns: a\n")
                    .stderr(format!("{no_s}{no_a}"))
                    .after(after),
            ))
        }
        // Newest first: `s` goes (the user may unlink in its own directory), `a` stays
        // (mounted: the user cannot unmount it, so unlink finds a mount point).
        ("the user's, with a namespace and a stale entry", "-all delete") => {
            let err = "Cannot remove namespace file \"/run/netns/a\": Device or resource busy\n";
            let after = "/run d 755 60 root\n/run/netns d 755 60 nobody\n\
                         /run/netns/a f 444 0 root\na f 444\n\
                         /run/netns: shared mount\nnsfs mounts: 1\n";
            Some((
                Expect::code(0).stderr(err).after(after),
                Expect::code(1).stderr(err).after(after),
            ))
        }
        _ => None,
    }
}

#[test]
fn every_command_as_an_unprivileged_user() {
    let mut cells: Vec<Cell> = Vec::new();
    for &(state, setup) in STATES {
        for (what, args) in commands() {
            cells.push((
                format!("{what}, the run directory {state}"),
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
        "figures: privileges.every_command_as_an_unprivileged_user cells={}",
        cells.len()
    );
}

/// The texts of docs/ip-netns-behaviour.md, pinned: what ip says (and so netnest) when the user lacks a privilege.
#[test]
fn the_messages_of_spec_8() {
    let cases: [(&str, &[&str], Expect); 5] = [
        (
            "",
            &["add", "x"],
            Expect::code(1).stderr("mkdir /run/netns failed: Permission denied\n"),
        ),
        (
            "ip netns add a",
            &["add", "x"],
            Expect::code(1)
                .stderr("mount --make-shared /run/netns failed: Operation not permitted\n"),
        ),
        (
            "ip netns add a",
            &["delete", "a"],
            Expect::code(1)
                .stderr("Cannot remove namespace file \"/run/netns/a\": Permission denied\n"),
        ),
        (
            "ip netns add a",
            &["exec", "a", "true"],
            Expect::code(255)
                .stderr("setting the network namespace \"a\" failed: Operation not permitted\n"),
        ),
        (
            "ip netns add a; chown 65534 /run/netns",
            &["delete", "a"],
            Expect::code(1)
                .stderr("Cannot remove namespace file \"/run/netns/a\": Device or resource busy\n"),
        ),
    ];
    for (setup, args, expect) in cases {
        sc().setup(setup).wrap(NOBODY).args(args).expect(expect);
    }
}

/// As an unprivileged user, `delete` of a name that does not exist in root's run directory:
/// `No such file or directory`, as `ip` (the kernel's unlink looks the name up before it checks
/// the permission). netnest said `Permission denied` until 30685d9 (found by this test).
#[test]
fn delete_of_a_missing_name_says_no_such_file() {
    sc().setup("ip netns add a")
        .wrap(NOBODY)
        .args(["delete", "x"])
        .expect(
            Expect::code(1).stderr(
                "Cannot remove namespace file \"/run/netns/x\": No such file or directory\n",
            ),
        );
}

/// `set` without the privilege: `RTNETLINK answers: Operation not permitted`, rc 2.
#[test]
fn set_says_rtnetlink_answers() {
    sc().setup("ip netns add a")
        .wrap(NOBODY)
        .args(["set", "a", "5"])
        .expect(Expect::code(2).stderr("RTNETLINK answers: Operation not permitted\n"));
}
