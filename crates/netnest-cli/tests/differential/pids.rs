// SPDX-License-Identifier: MIT OR Apache-2.0
//! `pids NAME` (docs/ip-netns-behaviour.md, "pids").

use super::*;

#[test]
fn one_process() {
    // Pids are the same in both sandboxes (fresh pid namespaces); the after script prints
    // the one expected.
    let out = sc()
        .setup("nn_sleeper P; ip netns attach x $P")
        .args(["pids", "x"])
        .after("echo $P")
        .check();
    assert_eq!(out.stdout, out.after);
    assert_eq!(out.code, 0);
}

#[test]
fn several_processes_in_ascending_order() {
    let out = sc()
        .setup(
            "ip netns add x; \
             nsenter --net=/run/netns/x sleep 3600 & A=$!; nn_wait_netns $A; \
             nn_sleeper OTHER; \
             nsenter --net=/run/netns/x sleep 3600 & B=$!; nn_wait_netns $B",
        )
        .args(["p", "x"])
        .after("echo $A; echo $B")
        .check();
    assert_eq!(out.stdout, out.after);
}

#[test]
fn none() {
    for kw in ["pids", "p", "pi"] {
        sc().setup("ip netns add x; nn_sleeper P")
            .args([kw, "x"])
            .expect(Expect::ok());
    }
}

#[test]
fn missing_name() {
    sc().arg("pids")
        .expect(Expect::code(1).stderr("No netns name specified\n"));
}

#[test]
fn unknown_name() {
    sc().setup("ip netns add x").args(["pids", "nope"]).expect(
        Expect::code(1).stderr("Cannot open network namespace: No such file or directory\n"),
    );
}

#[test]
fn extra_arguments() {
    sc().setup("ip netns add x")
        .args(["pids", "x", "y"])
        .expect(Expect::code(1).stderr("extra arguments specified\n"));
}

#[test]
fn stale_file_matches_nothing() {
    sc().setup("mkdir /run/netns; touch /run/netns/s")
        .args(["pids", "s"])
        .expect(Expect::ok());
}

#[test]
fn all_skips_the_name_check() {
    sc().setup("ip netns add x")
        .opt("-all")
        .args(["pids", ""])
        .expect(Expect::ok());
    sc().opt("-all").args(["pids", ""]).expect(
        Expect::code(1).stderr("Cannot open network namespace: No such file or directory\n"),
    );
}

#[test]
fn json_is_ignored() {
    let out = sc()
        .setup("nn_sleeper P; ip netns attach x $P")
        .opt("-j")
        .args(["pids", "x"])
        .after("echo $P")
        .check();
    assert_eq!(out.stdout, out.after);
}
