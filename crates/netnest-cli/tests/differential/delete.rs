// SPDX-License-Identifier: MIT OR Apache-2.0
//! `delete NAME` (docs/ip-netns-behaviour.md, "delete").

use super::*;

const EMPTY: &str = "/run/netns: shared mount\nnsfs mounts: 0\n";

#[test]
fn removes_mount_and_file() {
    for kw in ["delete", "del", "d", "de"] {
        sc().setup("ip netns add x")
            .args([kw, "x"])
            .after("nn_state")
            .expect(Expect::ok().after(EMPTY));
    }
}

#[test]
fn keeps_the_others() {
    sc().setup("ip netns add a; ip netns add x; ip netns add b")
        .args(["delete", "x"])
        .after("nn_state")
        .expect(Expect::ok().after("a f 444\nb f 444\n/run/netns: shared mount\nnsfs mounts: 2\n"));
}

#[test]
fn missing() {
    sc().setup("ip netns add a").args(["delete", "x"]).expect(
        Expect::code(1)
            .stderr("Cannot remove namespace file \"/run/netns/x\": No such file or directory\n"),
    );
}

#[test]
fn missing_run_dir() {
    sc().args(["delete", "x"]).expect(
        Expect::code(1)
            .stderr("Cannot remove namespace file \"/run/netns/x\": No such file or directory\n"),
    );
}

#[test]
fn a_directory() {
    sc().setup("mkdir -p /run/netns/d")
        .args(["delete", "d"])
        .after("nn_state")
        .expect(
            Expect::code(1)
                .stderr("Cannot remove namespace file \"/run/netns/d\": Is a directory\n")
                .after("d d 755\nnsfs mounts: 0\n"),
        );
}

#[test]
fn a_stale_file() {
    sc().setup("mkdir /run/netns; touch /run/netns/s")
        .args(["delete", "s"])
        .after("nn_state")
        .expect(Expect::ok().after("nsfs mounts: 0\n"));
}

#[test]
fn no_name() {
    sc().setup("ip netns add x")
        .arg("delete")
        .after("nn_state")
        .expect(
            Expect::code(1)
                .stderr("No netns name specified\n")
                .after("x f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
        );
}

#[test]
fn extra_words_are_ignored() {
    sc().setup("ip netns add x; ip netns add y")
        .args(["delete", "x", "y"])
        .after("nn_state")
        .expect(Expect::ok().after("y f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"));
}
