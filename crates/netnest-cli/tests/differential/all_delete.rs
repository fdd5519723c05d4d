// SPDX-License-Identifier: MIT OR Apache-2.0
//! `-all delete` (docs/ip-netns-behaviour.md, "delete"); its failure cases are in `departures`.

use super::*;

#[test]
fn deletes_everything() {
    sc().setup("ip netns add a; ip netns add b; touch /run/netns/stale")
        .opt("-all")
        .arg("delete")
        .after("nn_state")
        .expect(Expect::ok().after("/run/netns: shared mount\nnsfs mounts: 0\n"));
}

#[test]
fn prefix_options() {
    for opt in ["-a", "-al", "--all"] {
        sc().setup("ip netns add a")
            .opt(opt)
            .arg("del")
            .after("nn_state")
            .expect(Expect::ok().after("/run/netns: shared mount\nnsfs mounts: 0\n"));
    }
}

#[test]
fn names_are_ignored() {
    sc().setup("ip netns add a; ip netns add b")
        .opt("-all")
        .args(["delete", "a"])
        .after("nn_state")
        .expect(Expect::ok().after("/run/netns: shared mount\nnsfs mounts: 0\n"));
}

#[test]
fn nothing_to_delete() {
    sc().opt("-all").arg("delete").expect(Expect::ok());
    sc().setup("mkdir /run/netns")
        .opt("-all")
        .arg("delete")
        .expect(Expect::ok());
}

#[test]
fn run_netns_is_a_file() {
    sc().setup("touch /run/netns")
        .opt("-all")
        .arg("delete")
        .expect(Expect::code(1).stderr("Failed to open directory /run/netns: Not a directory\n"));
}
