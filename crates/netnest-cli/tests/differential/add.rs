// SPDX-License-Identifier: MIT OR Apache-2.0
//! `add NAME` (docs/ip-netns-behaviour.md, "add and attach").

use super::*;

const ONE_MOUNTED: &str = "x f 444\n/run/netns: shared mount\nnsfs mounts: 1\n";

#[test]
fn creates_a_bound_file_in_a_shared_dir() {
    sc().args(["add", "x"])
        .after("nn_state")
        .expect(Expect::ok().after(ONE_MOUNTED));
}

#[test]
fn prefixes() {
    for kw in ["a", "ad"] {
        sc().args([kw, "x"])
            .after("nn_state")
            .expect(Expect::ok().after(ONE_MOUNTED));
    }
}

#[test]
fn second_namespace() {
    sc().setup("ip netns add a")
        .args(["add", "b"])
        .after("nn_state; ip netns list")
        .expect(
            Expect::ok()
                .after("a f 444\nb f 444\n/run/netns: shared mount\nnsfs mounts: 2\nb\na\n"),
        );
}

#[test]
fn extra_words_are_ignored() {
    sc().args(["add", "x", "extra", "words"])
        .after("nn_state")
        .expect(Expect::ok().after(ONE_MOUNTED));
}

#[test]
fn duplicate() {
    sc().setup("ip netns add x")
        .args(["add", "x"])
        .after("nn_state")
        .expect(
            Expect::code(1)
                .stderr("Cannot create namespace file \"/run/netns/x\": File exists\n")
                .after(ONE_MOUNTED),
        );
}

#[test]
fn over_a_stale_file() {
    sc().setup("mkdir /run/netns; touch /run/netns/x")
        .args(["add", "x"])
        .after("nn_state")
        .expect(
            Expect::code(1)
                .stderr("Cannot create namespace file \"/run/netns/x\": File exists\n")
                .after("x f 644\n/run/netns: shared mount\nnsfs mounts: 0\n"),
        );
}

#[test]
fn no_name() {
    sc().arg("add").after("nn_state").expect(
        Expect::code(1)
            .stderr("No netns name specified\n")
            .after("/run/netns: absent\nnsfs mounts: 0\n"),
    );
}

#[test]
fn run_netns_is_a_file() {
    sc().setup("touch /run/netns").args(["add", "x"]).expect(
        Expect::code(1)
            .stderr("Cannot open netns runtime directory \"/run/netns\": Not a directory\n"),
    );
}

#[test]
fn run_is_read_only() {
    sc().setup("mount -o remount,ro /run")
        .args(["add", "x"])
        .expect(Expect::code(1).stderr("mkdir /run/netns failed: Read-only file system\n"));
}

#[test]
fn run_netns_is_read_only() {
    sc().setup("mkdir /run/netns; mount -t tmpfs -o ro netnest-test-ro /run/netns")
        .args(["add", "x"])
        .expect(
            Expect::code(1)
                .stderr("Cannot create namespace file \"/run/netns/x\": Read-only file system\n"),
        );
}

#[test]
fn unshare_fails() {
    // Both programs alike: strace makes every unshare(2) fail; the file is rolled back.
    sc().setup("ip netns add keep")
        .wrap(common::inject("unshare", "EPERM"))
        .args(["add", "x"])
        .after("nn_state")
        .expect(
            Expect::code(1)
                .stderr("Failed to create a new network namespace \"x\": Operation not permitted\n")
                .after("keep f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
        );
}
