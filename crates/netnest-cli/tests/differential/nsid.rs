// SPDX-License-Identifier: MIT OR Apache-2.0
//! nsids in `list` (docs/ip-netns-behaviour.md, "list"): ` (id: N)` / `"id":N`, for every kind of entry, and the kernel's
//! refusals, which `ip` prints twice per stale entry (once filling its name cache, once listing).

use super::*;

const INVALID: &str = "Error: Peer netns reference is invalid.\n";

#[test]
fn no_subcommand_shows_ids() {
    // iproute2's testsuite, set_nsid.t: `ip netns` must show `testnsid (id: 99)`.
    sc().setup("ip netns add testnsid; ip netns set testnsid 99")
        .expect(Expect::ok().stdout("testnsid (id: 99)\n"));
}

#[test]
fn every_list_keyword_shows_ids() {
    for kw in ["list", "l", "show", "s", "sh", "lst", "ls"] {
        sc().setup("ip netns add a; ip netns add b; ip netns set b 0")
            .arg(kw)
            .expect(Expect::ok().stdout("b (id: 0)\na\n"));
    }
}

#[test]
fn ids_in_json_and_pretty_json() {
    let three = sc().setup("ip netns add a; ip netns add b; ip netns add c; ip netns set a 7; ip netns set c 2147483647");
    three.clone().opt("-j").expect(Expect::ok().stdout(
        "[{\"name\":\"c\",\"id\":2147483647},{\"name\":\"b\"},{\"name\":\"a\",\"id\":7}]\n",
    ));
    three.opts(["-j", "-p"]).arg("list").expect(Expect::ok().stdout(
        "[ {\n        \"name\": \"c\",\n        \"id\": 2147483647\n    },{\n        \"name\": \"b\"\n    },{\n        \"name\": \"a\",\n        \"id\": 7\n    } ]\n",
    ));
}

#[test]
fn every_file_type() {
    // Newest first on tmpfs: the listing is the reverse of the setup order.
    let setup = "ip netns add live; ip netns set live 3; \
                 touch /run/netns/file; mkdir /run/netns/dir; \
                 ln -s /run/netns/live /run/netns/link; \
                 ln -s /run/netns/nowhere /run/netns/dangling; \
                 ln -s /run/netns/file /run/netns/link-to-stale; \
                 ln -s /proc/self/ns/mnt /run/netns/mntns";
    let stdout = "mntns\nlink-to-stale\ndangling\nlink (id: 3)\ndir\nfile\nlive (id: 3)\n";
    sc().setup(setup)
        .arg("list")
        .expect(Expect::ok().stdout(stdout).stderr(INVALID.repeat(8)));
    sc().setup(setup).opt("-j").expect(
        Expect::ok()
            .stdout(
                "[{\"name\":\"mntns\"},{\"name\":\"link-to-stale\"},{\"name\":\"dangling\"},\
                 {\"name\":\"link\",\"id\":3},{\"name\":\"dir\"},{\"name\":\"file\"},\
                 {\"name\":\"live\",\"id\":3}]\n",
            )
            .stderr(INVALID.repeat(8)),
    );
}

#[test]
fn a_socket_entry_cannot_be_opened_and_says_nothing() {
    sc().setup(
        "ip netns add a; python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind(\"/run/netns/sock\")'",
    )
    .arg("list")
    .expect(Expect::ok().stdout("sock\na\n"));
}

#[test]
fn ids_of_many_entries_across_batches() {
    // More entries than one batch (256) and than one open-file chunk, live and stale mixed.
    let setup = "i=0; while [ $i -lt 40 ]; do ip netns add n$i; [ $((i % 3)) = 0 ] || ip netns set n$i auto; \
                 j=0; while [ $j -lt 7 ]; do touch /run/netns/s$i.$j; j=$((j + 1)); done; i=$((i + 1)); done";
    let reference = sc().setup(setup).arg("list").check();
    assert_eq!(reference.stderr, INVALID.repeat(2 * 280).as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&reference.stdout)
            .matches(" (id: ")
            .count(),
        26
    );
}

#[test]
fn ids_relative_to_another_namespace_are_not_listed_here() {
    // b has an id in a's table only.
    sc().setup("ip netns add a; ip netns add b; ip -n a netns set b 4")
        .expect(Expect::ok().stdout("b\na\n"));
}

#[test]
fn stale_entries_with_ids_and_json_pretty() {
    sc().setup("ip netns add a; ip netns set a 1; touch /run/netns/s")
        .opts(["-j", "-p"])
        .expect(
            Expect::ok()
                .stdout("[ {\n        \"name\": \"s\"\n    },{\n        \"name\": \"a\",\n        \"id\": 1\n    } ]\n")
                .stderr(INVALID.repeat(2)),
        );
}

#[test]
fn run_dir_is_a_file() {
    sc().setup("touch /run/netns")
        .arg("list")
        .expect(Expect::ok());
    sc().setup("touch /run/netns")
        .opt("-j")
        .expect(Expect::ok());
}

#[test]
fn batch_lists_see_ids_set_earlier() {
    sc().file(
        "/tmp/batch",
        "netns add a\nnetns list\nnetns set a 12\nnetns list\nnetns add b\nnetns set b auto\nnetns list\n",
    )
    .opts(["-batch", "/tmp/batch"])
    .expect(Expect::ok().stdout("a\na (id: 12)\nb (id: 0)\na (id: 12)\n"));
}

/// stdout and stderr into one pipe, and onto one terminal: stdout is fully buffered on a pipe and
/// line-buffered on a terminal, stderr unbuffered, so the errors land where `ip`'s land.
#[test]
fn errors_and_lines_interleave_as_ips() {
    let setup = "ip netns add a; ip netns set a 3; touch /run/netns/s; mkdir /run/netns/d; \
                 ip netns add b; nn_sleeper P; ip netns attach x $P; ip netns set x 7; \
                 ip netns del x";
    let merged = ["sh", "-c", "\"$@\" 2>&1", "sh"];
    let on_tty = ["sh", "-c", "script -qfec \"exec $*\" /dev/null", "sh"];
    for args in [&["list"][..], &["list-id"], &["list-id", "nsid", "7"]] {
        for wrapper in [merged, on_tty] {
            let reference = sc()
                .setup(setup)
                .wrap(wrapper)
                .args(args.iter().copied())
                .check();
            assert!(
                reference.stdout.windows(6).any(|w| w == b"Error:"),
                "{reference:?}"
            );
            sc().setup(setup)
                .wrap(wrapper)
                .opts(["-j", "-p"])
                .args(args.iter().copied())
                .check();
        }
    }
}
