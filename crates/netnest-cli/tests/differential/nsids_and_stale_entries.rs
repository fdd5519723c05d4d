// SPDX-License-Identifier: MIT OR Apache-2.0
//! Stale entries and nsids in `list` (docs/ip-netns-behaviour.md, "list").

use super::*;

const INVALID: &str = "Error: Peer netns reference is invalid.\n";

#[test]
fn stale_entries_print_two_errors_each() {
    sc().setup("ip netns add a; mkdir /run/netns/d; touch /run/netns/s")
        .arg("list")
        .expect(Expect::ok().stdout("s\nd\na\n").stderr(INVALID.repeat(4)));
}

#[test]
fn stale_entries_as_json() {
    sc().setup("ip netns add a; touch /run/netns/s")
        .opt("-j")
        .arg("list")
        .expect(
            Expect::ok()
                .stdout("[{\"name\":\"s\"},{\"name\":\"a\"}]\n")
                .stderr(INVALID.repeat(2)),
        );
}

#[test]
fn ids() {
    sc().setup("ip netns add a; ip netns add b; ip netns set a 5")
        .arg("list")
        .expect(Expect::ok().stdout("b\na (id: 5)\n"));
}

#[test]
fn ids_as_json() {
    let two = sc().setup("ip netns add a; ip netns add b; ip netns set a 5");
    two.clone()
        .opt("-j")
        .expect(Expect::ok().stdout("[{\"name\":\"b\"},{\"name\":\"a\",\"id\":5}]\n"));
    two.opts(["-j", "-p"]).expect(Expect::ok().stdout(
        "[ {\n        \"name\": \"b\"\n    },{\n        \"name\": \"a\",\n        \"id\": 5\n    } ]\n",
    ));
}

#[test]
fn ids_from_a_peer() {
    // `set auto` takes the lowest free nsid.
    sc().setup("ip netns add a; ip netns set a auto")
        .opt("-p")
        .expect(Expect::ok().stdout("a (id: 0)\n"));
}
