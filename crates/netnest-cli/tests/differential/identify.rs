// SPDX-License-Identifier: MIT OR Apache-2.0
//! `identify [PID]` (docs/ip-netns-behaviour.md, "identify").

use super::*;

#[test]
fn self_in_an_unnamed_namespace_is_an_empty_line() {
    sc().setup("ip netns add other")
        .arg("identify")
        .expect(Expect::ok().stdout("\n"));
}

#[test]
fn self_named() {
    for kw in ["identify", "i", "id"] {
        sc().setup("ip netns attach me 1; ip netns add other")
            .arg(kw)
            .expect(Expect::ok().stdout("me\n"));
    }
}

#[test]
fn a_pid_with_a_name() {
    sc().setup("ip netns add a; nn_sleeper P; ip netns attach x $P; ip netns add b")
        .args(["identify".into(), Arg::var("P")])
        .expect(Expect::ok().stdout("x\n"));
}

#[test]
fn a_pid_without_a_name() {
    sc().setup("ip netns add a; nn_sleeper P")
        .args(["identify".into(), Arg::var("P")])
        .expect(Expect::ok().stdout("\n"));
}

#[test]
fn pid_1() {
    sc().setup("ip netns attach me 1")
        .args(["identify", "1"])
        .expect(Expect::ok().stdout("me\n"));
}

#[test]
fn not_a_pid() {
    for word in ["self", "abc", "-1", "+1", " 1", "1 ", "0x1"] {
        sc().args(["identify", word])
            .expect(Expect::code(1).stderr(format!("Specified string '{word}' is not a pid\n")));
    }
}

#[test]
fn no_such_process() {
    for pid in ["99999999", "0", "007"] {
        sc().setup("mkdir /run/netns")
            .args(["identify", pid])
            .expect(
                Expect::code(1)
                    .stderr("Cannot open network namespace: No such file or directory\n"),
            );
    }
}

#[test]
fn extra_arguments() {
    sc().args(["identify", "1", "2"])
        .expect(Expect::code(1).stderr("extra arguments specified\n"));
}

#[test]
fn no_run_dir() {
    sc().arg("identify").expect(Expect::ok().stdout("\n"));
    sc().args(["identify", "1"])
        .expect(Expect::ok().stdout("\n"));
}

#[test]
fn run_netns_is_a_file() {
    sc().setup("touch /run/netns")
        .arg("identify")
        .expect(Expect::code(1).stderr("Failed to open directory /run/netns:Not a directory\n"));
}

#[test]
fn json_is_ignored() {
    sc().setup("ip netns attach me 1")
        .opt("-j")
        .arg("identify")
        .expect(Expect::ok().stdout("me\n"));
}

#[test]
fn stale_entries_do_not_match() {
    sc().setup("mkdir -p /run/netns/d; touch /run/netns/s")
        .arg("identify")
        .expect(Expect::ok().stdout("\n"));
}

#[test]
fn all_skips_the_name_check_and_opens_proc_slash_slash() {
    sc().opt("-all").args(["identify", ""]).expect(
        Expect::code(1).stderr("Cannot open network namespace: No such file or directory\n"),
    );
}
