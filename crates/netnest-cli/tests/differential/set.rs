// SPDX-License-Identifier: MIT OR Apache-2.0
//! `set NAME NETNSID` (docs/ip-netns-behaviour.md, "set"): ids as `get_integer` reads them (C's `strtol` in base 0),
//! `auto`, and the kernel's refusals (rc 2).

use super::*;

/// What the current namespace's nsid table holds after the command.
const TABLE: &str = "ip netns list-id";

fn invalid(id: &str) -> Expect {
    Expect::code(255).stderr(format!(
        "Error: argument \"{id}\" is wrong: Invalid \"netnsid\" value\n"
    ))
}

#[test]
fn sets_an_id() {
    sc().setup("ip netns add a")
        .args(["set", "a", "5"])
        .after(TABLE)
        .expect(Expect::ok().after("nsid 5 (iproute2 netns name: a)\n"));
}

#[test]
fn abbreviation() {
    sc().setup("ip netns add a")
        .args(["se", "a", "0"])
        .after(TABLE)
        .expect(Expect::ok().after("nsid 0 (iproute2 netns name: a)\n"));
}

#[test]
fn ids_are_read_as_strtol_in_base_zero() {
    for (word, id) in [
        ("0x10", 16),
        ("0X1f", 31),
        ("010", 8),
        ("0", 0),
        ("+7", 7),
        (" 7", 7),
        ("\t9", 9),
        ("2147483647", 2147483647),
    ] {
        sc().setup("ip netns add a")
            .args(["set", "a", word])
            .after(TABLE)
            .expect(Expect::ok().after(format!("nsid {id} (iproute2 netns name: a)\n")));
    }
}

#[test]
fn auto_takes_the_lowest_free_id() {
    sc().setup("ip netns add a; ip netns add b; ip netns add c; ip netns set a 0; ip netns set b 2")
        .args(["set", "c", "auto"])
        .after(TABLE)
        .expect(Expect::ok().after(
            "nsid 0 (iproute2 netns name: a)\nnsid 1 (iproute2 netns name: c)\nnsid 2 (iproute2 netns name: b)\n",
        ));
}

#[test]
fn invalid_ids() {
    for id in [
        "AUTO",
        "Auto",
        "auto ",
        "abc",
        "",
        " ",
        "7 ",
        "7x",
        "1e3",
        "08",
        "0x",
        "2147483648",
        "-2147483649",
        "99999999999999999999",
    ] {
        sc().setup("ip netns add a")
            .args(["set", "a", id])
            .after(TABLE)
            .expect(invalid(id));
    }
}

#[test]
fn negative_ids() {
    for id in ["-1", "-0x10", "-2147483648"] {
        sc().setup("ip netns add a")
            .args(["set", "a", id])
            .expect(Expect::code(255).stderr(format!(
                "Error: argument \"{id}\" is wrong: \"netnsid\" value should be >= 0\n"
            )));
    }
}

#[test]
fn minus_zero_is_zero() {
    sc().setup("ip netns add a")
        .args(["set", "a", "-0"])
        .after(TABLE)
        .expect(Expect::ok().after("nsid 0 (iproute2 netns name: a)\n"));
}

#[test]
fn missing_words() {
    sc().arg("set")
        .expect(Expect::code(1).stderr("No netns name specified\n"));
    sc().setup("ip netns add a")
        .args(["set", "a"])
        .expect(Expect::code(1).stderr("No nsid specified\n"));
}

#[test]
fn extra_words_are_ignored() {
    sc().setup("ip netns add a")
        .args(["set", "a", "3", "extra", "words"])
        .after(TABLE)
        .expect(Expect::ok().after("nsid 3 (iproute2 netns name: a)\n"));
}

#[test]
fn already_assigned() {
    let message = "Error: Peer netns already has a nsid assigned.\n";
    for id in ["6", "5", "auto"] {
        sc().setup("ip netns add a; ip netns set a 5")
            .args(["set", "a", id])
            .after(TABLE)
            .expect(
                Expect::code(2)
                    .stderr(message)
                    .after("nsid 5 (iproute2 netns name: a)\n"),
            );
    }
}

#[test]
fn already_used() {
    sc().setup("ip netns add a; ip netns add b; ip netns set a 5")
        .args(["set", "b", "5"])
        .expect(Expect::code(2).stderr("Error: The specified nsid is already used.\n"));
}

#[test]
fn stale_entries_are_refused_by_the_kernel() {
    let refused = Expect::code(2).stderr("Error: Peer netns reference is invalid.\n");
    sc().setup("mkdir -p /run/netns; touch /run/netns/s")
        .args(["set", "s", "1"])
        .expect(refused.clone());
    sc().setup("mkdir -p /run/netns/d")
        .args(["set", "d", "auto"])
        .expect(refused.clone());
    sc().setup("ip netns add a; ln -s /proc/self/ns/mnt /run/netns/m")
        .args(["set", "m", "1"])
        .expect(refused);
}

#[test]
fn symlink_to_a_namespace() {
    sc().setup("ip netns add a; ln -s /run/netns/a /run/netns/l")
        .args(["set", "l", "4"])
        .after(TABLE)
        // Two names for one namespace: list-id shows the first in directory order (newest first
        // on tmpfs).
        .expect(Expect::ok().after("nsid 4 (iproute2 netns name: l)\n"));
}

#[test]
fn missing_names() {
    for id in ["7", "auto"] {
        sc().setup("ip netns add a")
            .args(["set", "missing", id])
            .expect(
                Expect::code(1).stderr(
                    "Cannot open network namespace \"missing\": No such file or directory\n",
                ),
            );
    }
    sc().args(["set", "missing", "1"]).expect(
        Expect::code(1)
            .stderr("Cannot open network namespace \"missing\": No such file or directory\n"),
    );
    sc().setup("ln -s /nowhere /run/netns")
        .args(["set", "x", "1"])
        .expect(
            Expect::code(1)
                .stderr("Cannot open network namespace \"x\": No such file or directory\n"),
        );
}

#[test]
fn the_id_is_checked_before_the_name() {
    sc().args(["set", "missing", "abc"]).expect(invalid("abc"));
}

#[test]
fn invalid_names() {
    sc().args(["set", "a/b", "1"])
        .expect(Expect::code(255).stderr("Invalid netns name \"a/b\"\n"));
    sc().args(["set", "", "1"])
        .expect(Expect::code(255).stderr("Invalid netns name \"\"\n"));
}

#[test]
fn with_all_any_path() {
    // No name check: the run directory itself, then a path under a subdirectory.
    sc().setup("ip netns add a")
        .opt("-all")
        .args(["set", "", "1"])
        .expect(Expect::code(2).stderr("Error: Peer netns reference is invalid.\n"));
    sc().setup("ip netns add a")
        .opt("-all")
        .args(["set", "x/y", "1"])
        .expect(
            Expect::code(1)
                .stderr("Cannot open network namespace \"x/y\": No such file or directory\n"),
        );
    // /run/netns/sub/b exists, but ip then opens `sub/b` as a path of its own (relative to the
    // working directory, `/`), which does not: rc 1, silently.
    sc().setup("ip netns add a; mkdir /run/netns/sub; ln -s /run/netns/a /run/netns/sub/b")
        .opt("-all")
        .args(["set", "sub/b", "1"])
        .expect(Expect::code(1));
}

#[test]
fn without_privileges() {
    sc().setup("ip netns add a")
        .wrap([
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .args(["set", "a", "1"])
        .expect(Expect::code(2).stderr("RTNETLINK answers: Operation not permitted\n"));
}

#[test]
fn json_changes_nothing() {
    sc().setup("ip netns add a")
        .opts(["-j", "-p"])
        .args(["set", "a", "1"])
        .after(TABLE)
        .expect(Expect::ok().after("nsid 1 (iproute2 netns name: a)\n"));
}

/// iproute2's own test, set_nsid.t: add, set 99, then `list`, `netns` and `list-id` show it.
#[test]
fn iproute2_set_nsid_t() {
    let set = sc().setup("ip netns add testnsid; ip netns set testnsid 99");
    set.clone()
        .arg("list")
        .expect(Expect::ok().stdout("testnsid (id: 99)\n"));
    set.clone()
        .expect(Expect::ok().stdout("testnsid (id: 99)\n"));
    set.clone()
        .arg("list-id")
        .expect(Expect::ok().stdout("nsid 99 (iproute2 netns name: testnsid)\n"));
    set.args(["del", "testnsid"])
        .after("nn_state")
        .expect(Expect::ok().after("/run/netns: shared mount\nnsfs mounts: 0\n"));
}

/// iproute2's own test, set_nsid_batch.t: the same through `ip -b FILE`.
#[test]
fn iproute2_set_nsid_batch_t() {
    sc().file(
        "/tmp/batch",
        "netns add testnsid\nnetns set testnsid 99\nnetns list-id\nnetns del testnsid\n",
    )
    .opts(["-b", "/tmp/batch"])
    .after("nn_state")
    .expect(
        Expect::ok()
            .stdout("nsid 99 (iproute2 netns name: testnsid)\n")
            .after("/run/netns: shared mount\nnsfs mounts: 0\n"),
    );
}

#[test]
fn batch_failures() {
    let batch =
        "netns add a\nnetns add b\nnetns set a 5\nnetns set b 5\nnetns set b auto\nnetns list-id\n";
    // A kernel refusal (rc 2) fails the line; without -force the batch stops there.
    sc().file("/tmp/batch", batch)
        .opts(["-batch", "/tmp/batch"])
        .expect(
            Expect::code(1).stderr(
                "Error: The specified nsid is already used.\nCommand failed /tmp/batch:4\n",
            ),
        );
    sc().file("/tmp/batch", batch)
        .opts(["-force", "-batch", "/tmp/batch"])
        .expect(
            Expect::code(1)
                .stdout("nsid 0 (iproute2 netns name: b)\nnsid 5 (iproute2 netns name: a)\n")
                .stderr(
                    "Error: The specified nsid is already used.\nCommand failed /tmp/batch:4\n",
                ),
        );
    // A wrong id exits at once, even with -force.
    sc().file("/tmp/batch", "netns add a\nnetns set a x\nnetns list\n")
        .opts(["-force", "-batch", "/tmp/batch"])
        .expect(invalid("x"));
    // A missing name fails the line (rc 1).
    sc().file(
        "/tmp/batch",
        "netns set nope 1\nnetns set\nnetns add a\nnetns set a\nnetns list\n",
    )
    .opts(["-force", "-batch", "/tmp/batch"])
    .expect(Expect::code(1).stdout("a\n").stderr(
        "Cannot open network namespace \"nope\": No such file or directory\n\
                 Command failed /tmp/batch:1\n\
                 No netns name specified\nCommand failed /tmp/batch:2\n\
                 No nsid specified\nCommand failed /tmp/batch:4\n",
    ));
}
