// SPDX-License-Identifier: MIT OR Apache-2.0
//! `list-id [target-nsid N] [nsid M]` (docs/ip-netns-behaviour.md, "list-id"): the dump, the single query, `print_nsid`'s
//! bytes (trailing space, `unassigned`, JSON without unassigned ids), names from `ip`'s cache and
//! rescans, the argument errors, and the two deliberate differences (no `(null)`, right names
//! with a target).

use super::*;

const INVALID: &str = "Error: Peer netns reference is invalid.\n";

/// a (id 5 here) and b (id 9 here); in a's own table, b is 3 and c is 9; c has no id here.
const PEERS: &str = "ip netns add a; ip netns add b; ip netns add c; ip netns set a 5; \
                     ip netns set b 9; ip -n a netns set c 9; ip -n a netns set b 3";

/// x: a namespace with id 7 here and no name (a process keeps it alive).
const UNNAMED: &str = "nn_sleeper P; ip netns attach x $P; ip netns set x 7; ip netns del x";

fn usage() -> Expect {
    Expect::code(255).stderr(USAGE)
}

#[test]
fn dump() {
    sc().setup(PEERS).arg("list-id").expect(
        Expect::ok().stdout("nsid 5 (iproute2 netns name: a)\nnsid 9 (iproute2 netns name: b)\n"),
    );
}

#[test]
fn dump_as_json() {
    sc().setup(PEERS)
        .opt("-j")
        .arg("list-id")
        .expect(Expect::ok().stdout("[{\"nsid\":5,\"name\":\"a\"},{\"nsid\":9,\"name\":\"b\"}]\n"));
    sc().setup(PEERS).opts(["-j", "-p"]).arg("list-id").expect(Expect::ok().stdout(
        "[ {\n        \"nsid\": 5,\n        \"name\": \"a\"\n    },{\n        \"nsid\": 9,\n        \"name\": \"b\"\n    } ]\n",
    ));
}

#[test]
fn empty_table() {
    sc().arg("list-id").expect(Expect::ok());
    sc().setup("ip netns add a")
        .opt("-j")
        .arg("list-id")
        .expect(Expect::ok().stdout("[]\n"));
    sc().opts(["-j", "-p"])
        .arg("list-id")
        .expect(Expect::ok().stdout("[ ]\n"));
}

#[test]
fn abbreviations() {
    for kw in ["list-", "list-i", "list-id"] {
        sc().setup("ip netns add a; ip netns set a 1")
            .arg(kw)
            .expect(Expect::ok().stdout("nsid 1 (iproute2 netns name: a)\n"));
    }
}

#[test]
fn unnamed_ids_end_in_a_space() {
    sc().setup(UNNAMED)
        .arg("list-id")
        .expect(Expect::ok().stdout("nsid 7 \n"));
    sc().setup(UNNAMED)
        .opt("-j")
        .arg("list-id")
        .expect(Expect::ok().stdout("[{\"nsid\":7}]\n"));
}

#[test]
fn unnamed_ids_rescan_the_directory() {
    // The name cache is filled first (one error per stale entry); then each record whose id is
    // not in it makes ip scan the directory again, stopping at the first match.
    let setup =
        format!("{UNNAMED}; ip netns add a; ip netns set a 2; touch /run/netns/s1 /run/netns/s2");
    sc().setup(&setup).arg("list-id").expect(
        Expect::ok()
            .stdout("nsid 2 (iproute2 netns name: a)\nnsid 7 \n")
            .stderr(INVALID.repeat(4)),
    );
    sc().setup(&setup).opts(["-j", "-p"]).arg("list-id").expect(
        Expect::ok()
            .stdout("[ {\n        \"nsid\": 2,\n        \"name\": \"a\"\n    },{\n        \"nsid\": 7\n    } ]\n")
            .stderr(INVALID.repeat(4)),
    );
}

#[test]
fn single_query() {
    sc().setup(PEERS)
        .args(["list-id", "nsid", "9"])
        .expect(Expect::ok().stdout("nsid 9 (iproute2 netns name: b)\n"));
    sc().setup(PEERS)
        .args(["list-id", "nsid", "0x5"])
        .expect(Expect::ok().stdout("nsid 5 (iproute2 netns name: a)\n"));
    sc().setup(PEERS)
        .opts(["-j", "-p"])
        .args(["list-id", "nsid", "011"])
        .expect(
            Expect::ok().stdout("[ {\n        \"nsid\": 9,\n        \"name\": \"b\"\n    } ]\n"),
        );
    sc().setup(UNNAMED)
        .args(["list-id", "nsid", "7"])
        .expect(Expect::ok().stdout("nsid 7 \n"));
}

#[test]
fn single_query_of_an_unknown_id() {
    sc().setup(PEERS)
        .args(["list-id", "nsid", "99"])
        .expect(Expect::code(2).stderr(INVALID));
    sc().setup(PEERS)
        .opt("-j")
        .args(["list-id", "nsid", "99"])
        .expect(Expect::code(2).stderr(INVALID));
    sc().args(["list-id", "nsid", "0"])
        .expect(Expect::code(2).stderr(INVALID));
}

#[test]
fn single_query_with_stale_entries() {
    sc().setup(&format!(
        "{UNNAMED}; ip netns add a; ip netns set a 2; touch /run/netns/s"
    ))
    .args(["list-id", "nsid", "7"])
    .expect(Expect::ok().stdout("nsid 7 \n").stderr(INVALID.repeat(2)));
}

#[test]
fn target() {
    // current-nsid 9 is b here.
    sc().setup(&format!("{PEERS}; ip netns set c 11"))
        .args(["list-id", "target-nsid", "5"])
        .expect(Expect::ok().stdout(
            "nsid 3 current-nsid 9 (iproute2 netns name: b)\n\
             nsid 9 current-nsid 11 (iproute2 netns name: c)\n",
        ));
    sc().setup(&format!("{PEERS}; ip netns set c 11"))
        .opts(["-j"])
        .args(["list-id", "target-nsid", "5"])
        .expect(Expect::ok().stdout(
            "[{\"nsid\":3,\"current-nsid\":9,\"name\":\"b\"},\
             {\"nsid\":9,\"current-nsid\":11,\"name\":\"c\"}]\n",
        ));
}

#[test]
fn target_with_an_empty_table() {
    sc().setup(PEERS)
        .args(["list-id", "target-nsid", "9"])
        .expect(Expect::ok());
    sc().setup(PEERS)
        .opt("-j")
        .args(["list-id", "target-nsid", "9"])
        .expect(Expect::ok().stdout("[]\n"));
}

#[test]
fn target_and_nsid() {
    sc().setup(PEERS)
        .args(["list-id", "target-nsid", "5", "nsid", "9"])
        .expect(Expect::ok().stdout("nsid 3 current-nsid 9 (iproute2 netns name: b)\n"));
    // The target has no id for itself: unassigned, named after current-nsid.
    sc().setup(PEERS)
        .args(["list-id", "nsid", "5", "target-nsid", "5"])
        .expect(Expect::ok().stdout("nsid unassigned current-nsid 5 (iproute2 netns name: a)\n"));
    sc().setup(PEERS)
        .opt("-j")
        .args(["list-id", "nsid", "5", "target-nsid", "5"])
        .expect(Expect::ok().stdout("[{\"current-nsid\":5,\"name\":\"a\"}]\n"));
}

#[test]
fn bad_target_in_a_dump() {
    let refused = "Error: Invalid target network namespace id.\nDump terminated\n";
    sc().setup(PEERS)
        .args(["list-id", "target-nsid", "99"])
        .expect(Expect::code(1).stderr(refused));
    sc().setup(PEERS)
        .opt("-j")
        .args(["list-id", "target-nsid", "99"])
        .expect(Expect::code(1).stdout("[]\n").stderr(refused));
    sc().setup(PEERS)
        .opts(["-j", "-p"])
        .args(["list-id", "target-nsid", "99"])
        .expect(Expect::code(1).stdout("[ ]\n").stderr(refused));
}

#[test]
fn bad_target_in_a_query() {
    sc().setup(PEERS)
        .args(["list-id", "nsid", "5", "target-nsid", "99"])
        .expect(Expect::code(2).stderr("Error: Target netns reference is invalid.\n"));
}

#[test]
fn query_failure_fails_a_batch_line() {
    sc().file(
        "/tmp/batch",
        "netns list-id nsid 1\nnetns add a\nnetns set a 1\nnetns list-id nsid 1\n",
    )
    .opts(["-force", "-batch", "/tmp/batch"])
    .expect(
        Expect::code(1)
            .stdout("nsid 1 (iproute2 netns name: a)\n")
            .stderr(format!("{INVALID}Command failed /tmp/batch:1\n")),
    );
}

#[test]
fn argument_errors() {
    let cases: &[(&[&str], Expect)] = &[
        (
            &["target-nsid", "1", "target-nsid", "2"],
            Expect::code(255)
                .stderr("Error: duplicate \"target-nsid\": \"target-nsid\" is the second value.\n"),
        ),
        (
            &["target-nsid", "1", "target-nsid"],
            Expect::code(255)
                .stderr("Error: duplicate \"target-nsid\": \"target-nsid\" is the second value.\n"),
        ),
        (
            &["nsid", "1", "nsid", "2"],
            Expect::code(255).stderr("Error: duplicate \"nsid\": \"nsid\" is the second value.\n"),
        ),
        (
            &["target-nsid", "x"],
            Expect::code(255)
                .stderr("Error: argument \"x\" is wrong: \"target-nsid\" value is invalid\n"),
        ),
        (
            &["nsid", "2147483648"],
            Expect::code(255)
                .stderr("Error: argument \"2147483648\" is wrong: \"nsid\" value is invalid\n"),
        ),
        (
            &["nsid", "7 "],
            Expect::code(255)
                .stderr("Error: argument \"7 \" is wrong: \"nsid\" value is invalid\n"),
        ),
        (
            &["nsid", ""],
            Expect::code(255).stderr("Error: argument \"\" is wrong: \"nsid\" value is invalid\n"),
        ),
        (
            &["nsid"],
            Expect::code(255).stderr("Command line is not complete. Try option \"help\"\n"),
        ),
        (
            &["nsid", "1", "target-nsid"],
            Expect::code(255).stderr("Command line is not complete. Try option \"help\"\n"),
        ),
        (&["foo"], usage()),
        (&["help"], usage()),
        (&["nsid", "1", "foo"], usage()),
        // Keywords are compared exactly.
        (&["ns", "1"], usage()),
        (&["NSID", "1"], usage()),
    ];
    for (args, expect) in cases {
        sc().setup(PEERS)
            .arg("list-id")
            .args(args.iter().copied())
            .expect(expect.clone());
    }
}

#[test]
fn the_name_check_applies() {
    sc().args(["list-id", ""])
        .expect(Expect::code(255).stderr("Invalid netns name \"\"\n"));
    sc().args(["list-id", "a/b"])
        .expect(Expect::code(255).stderr("Invalid netns name \"a/b\"\n"));
}

#[test]
fn stale_entries_print_before_argument_errors() {
    // ip fills its name cache before it reads list-id's arguments.
    sc().setup("ip netns add a; touch /run/netns/s")
        .args(["list-id", "foo"])
        .expect(Expect::code(255).stderr(format!("{INVALID}{USAGE}")));
    sc().setup("ip netns add a; touch /run/netns/s")
        .args(["list-id", "nsid", "x"])
        .expect(Expect::code(255).stderr(format!(
            "{INVALID}Error: argument \"x\" is wrong: \"nsid\" value is invalid\n"
        )));
}

#[test]
fn several_names_for_one_namespace_show_the_first() {
    // tmpfs lists newest first: two, one. netnest's identify agrees (departures.rs).
    sc().setup("nn_sleeper P; ip netns attach one $P; ip netns attach two $P; ip netns set one 1")
        .arg("list-id")
        .expect(Expect::ok().stdout("nsid 1 (iproute2 netns name: two)\n"));
}

#[test]
fn many_ids_are_truncated_by_the_kernel_alike() {
    // Kernel 6.18 ends the dump after its first buffer (about 134 records): both see the same.
    let mut batch = String::new();
    for i in 0..140 {
        batch += &format!("netns add n{i}\nnetns set n{i} {i}\n");
    }
    let reference = sc()
        .file("/tmp/setup", batch)
        .setup("ip -batch /tmp/setup")
        .arg("list-id")
        .check();
    let lines = reference.stdout.iter().filter(|&&b| b == b'\n').count();
    assert!((100..=140).contains(&lines), "{lines} records");
}

// ---- Deliberate differences (docs/compatibility.md) ----

/// `>= 0` errors: ip names the word after the value (`(null)` at the end of the line);
/// netnest names the value.
#[test]
fn negative_values_are_named() {
    sc().args(["list-id", "target-nsid", "-1"]).differs(
        Expect::code(255)
            .stderr("Error: argument \"(null)\" is wrong: \"target-nsid\" value should be >= 0\n"),
        Expect::code(255)
            .stderr("Error: argument \"-1\" is wrong: \"target-nsid\" value should be >= 0\n"),
    );
    sc().args(["list-id", "nsid", "-1", "foo"]).differs(
        Expect::code(255)
            .stderr("Error: argument \"foo\" is wrong: \"nsid\" value should be >= 0\n"),
        Expect::code(255)
            .stderr("Error: argument \"-1\" is wrong: \"nsid\" value should be >= 0\n"),
    );
    sc().args(["list-id", "nsid", "-0x10", "target-nsid", "1"])
        .differs(
            Expect::code(255).stderr(
                "Error: argument \"target-nsid\" is wrong: \"nsid\" value should be >= 0\n",
            ),
            Expect::code(255)
                .stderr("Error: argument \"-0x10\" is wrong: \"nsid\" value should be >= 0\n"),
        );
}

/// With a target, ip looks the target-relative id up in the current table when the peer has no
/// id here, and prints the name of another namespace (docs/ip-netns-behaviour.md, "list-id"): here b, whose
/// id here is 9, for c, whose id in a is 9. netnest finds c in a's own table (and prints the
/// stale entry's error where ip's rescan prints it).
#[test]
fn target_names_are_the_right_ones() {
    let setup = format!("{PEERS}; touch /run/netns/s");
    sc().setup(&setup)
        .args(["list-id", "target-nsid", "5"])
        .differs(
            Expect::ok()
                .stdout(
                    "nsid 3 current-nsid 9 (iproute2 netns name: b)\n\
                 nsid 9 current-nsid unassigned (iproute2 netns name: b)\n",
                )
                .stderr(INVALID.repeat(2)),
            Expect::ok()
                .stdout(
                    "nsid 3 current-nsid 9 (iproute2 netns name: b)\n\
                 nsid 9 current-nsid unassigned (iproute2 netns name: c)\n",
                )
                .stderr(INVALID.repeat(2)),
        );
    sc().setup(PEERS)
        .opt("-j")
        .args(["list-id", "target-nsid", "5"])
        .differs(
            Expect::ok().stdout(
                "[{\"nsid\":3,\"current-nsid\":9,\"name\":\"b\"},{\"nsid\":9,\"name\":\"b\"}]\n",
            ),
            Expect::ok().stdout(
                "[{\"nsid\":3,\"current-nsid\":9,\"name\":\"b\"},{\"nsid\":9,\"name\":\"c\"}]\n",
            ),
        );
}

/// When the target is not a named namespace, a peer with no id here has no name netnest can
/// know: it prints none (ip prints whatever name has the target-relative id here).
#[test]
fn target_names_unknown_are_left_out() {
    // The target (id 6 here) is unnamed; in its table, b is 9, and 9 here is c.
    let setup = "ip netns add b; ip netns add c; ip netns set c 9; \
                 nn_sleeper P; ip netns attach t $P; ip netns set t 6; ip -n t netns set b 9; \
                 ip netns del t";
    sc().setup(setup)
        .args(["list-id", "target-nsid", "6"])
        .differs(
            Expect::ok().stdout("nsid 9 current-nsid unassigned (iproute2 netns name: c)\n"),
            Expect::ok().stdout("nsid 9 current-nsid unassigned \n"),
        );
}

/// In batch mode ip's main socket has no strict checking (only the single-command path turns it
/// on), so the kernel ignores `target-nsid` in the dump: ip lists the *current* table, and a bad
/// target goes unnoticed. netnest honours the target in batch mode too.
#[test]
fn batch_honours_the_target() {
    sc().setup(PEERS)
        .file("/tmp/batch", "netns list-id target-nsid 5\n")
        .opts(["-batch", "/tmp/batch"])
        .differs(
            Expect::ok()
                .stdout("nsid 5 (iproute2 netns name: a)\nnsid 9 (iproute2 netns name: b)\n"),
            Expect::ok().stdout(
                "nsid 3 current-nsid 9 (iproute2 netns name: b)\n\
                 nsid 9 current-nsid unassigned (iproute2 netns name: c)\n",
            ),
        );
    // A bad target ends the batch with `Dump terminated` (rc 1, even with -force), as it ends a
    // single command.
    sc().setup(PEERS)
        .file("/tmp/batch", "netns list-id target-nsid 99\nnetns add z\n")
        .opts(["-force", "-batch", "/tmp/batch"])
        .after("ip netns list")
        .differs(
            Expect::ok()
                .stdout("nsid 5 (iproute2 netns name: a)\nnsid 9 (iproute2 netns name: b)\n")
                .after("z\nc\nb (id: 9)\na (id: 5)\n"),
            Expect::code(1)
                .stderr("Error: Invalid target network namespace id.\nDump terminated\n")
                .after("c\nb (id: 9)\na (id: 5)\n"),
        );
}

/// ip's name cache lives as long as the process: in a batch it is filled by the first `list` or
/// `list-id` only (so stale entries' errors are printed once for it), `list-id` drops the names
/// it prints, and a later `list-id` finds them again by rescans (printing the errors of the
/// stale entries scanned before them), which put them back.
#[test]
fn the_name_cache_lasts_a_whole_batch() {
    sc().setup(
        "ip netns add a; ip netns set a 3; touch /run/netns/s; ip netns add b; ip netns set b 4",
    )
    .file(
        "/tmp/batch",
        "netns list\nnetns list\nnetns list-id\nnetns list-id\nnetns list-id\nnetns add c\n\
             netns set c 9\nnetns list-id\nnetns list-id nsid 9\nnetns list-id nsid 4\n",
    )
    .opts(["-batch", "/tmp/batch"])
    .expect(
        Expect::ok()
            .stdout(
                "b (id: 4)\ns\na (id: 3)\nb (id: 4)\ns\na (id: 3)\n\
                     nsid 3 (iproute2 netns name: a)\nnsid 4 (iproute2 netns name: b)\n\
                     nsid 3 (iproute2 netns name: a)\nnsid 4 (iproute2 netns name: b)\n\
                     nsid 3 (iproute2 netns name: a)\nnsid 4 (iproute2 netns name: b)\n\
                     nsid 3 (iproute2 netns name: a)\nnsid 4 (iproute2 netns name: b)\n\
                     nsid 9 (iproute2 netns name: c)\n\
                     nsid 9 (iproute2 netns name: c)\n\
                     nsid 4 (iproute2 netns name: b)\n",
            )
            .stderr(INVALID.repeat(5)),
    );
    // A batch that starts with no run directory fills the cache at the first list that has one.
    sc().file(
        "/tmp/batch",
        "netns list\nnetns add a\nnetns set a 1\nnetns list-id\nnetns list-id\n",
    )
    .setup("true")
    .opts(["-batch", "/tmp/batch"])
    .expect(
        Expect::ok().stdout("nsid 1 (iproute2 netns name: a)\nnsid 1 (iproute2 netns name: a)\n"),
    );
}
