//! Differential tests: `netnest …` against `ip netns …` of iproute2 6.1, byte for byte.
//!
//! Each test runs one scenario twice, each time in a fresh sandbox (private mount, network and
//! pid namespaces, tmpfs on `/run` and `/tmp`; see `netnest_testkit::Sandbox`): once as
//! `/usr/sbin/ip OPTS netns ARGS`, once as `netnest OPTS ARGS`. Stdout, stderr, the exit code and,
//! where the test has one, the output of an after script (`nn_state`: what is left in
//! `/run/netns`) must agree. Most tests also pin what `ip` prints (`expect`), so a test that
//! passes is known to describe the reference; `NETNEST_DIFF_SELFTEST=1 cargo test --test
//! differential` runs the reference in netnest's place and so checks every expectation here
//! without netnest.
//!
//! The one normalisation is the program's name: where `ip netns` names itself (`Usage:\tip netns
//! list`, `try "ip netns help"`, `try "ip -help"`), netnest names itself (`Usage:\tnetnest list`,
//! `try "netnest help"`, `try "netnest -help"`). See `netnest_testkit::differential`.
//!
//! Deliberate differences (DESIGN.md, "Where netnest departs") are in `mod departures`, each
//! recording what `ip` does and asserting what netnest does instead.
//!
//! Batch files are written with `netns …` lines, which both programs accept (`ip -batch FILE
//! netns` ignores the words after the file, so the reference runs as `ip -batch FILE netns`).

mod common;

use common::{json_name, odd_names, sc, USAGE};
use netnest_testkit::{Arg, Expect};

/// `list` and everything that lists.
mod list {
    use super::*;

    const KEYWORDS: [&str; 11] = [
        "list", "show", "lst", "l", "li", "lis", "s", "sh", "sho", "ls", "list",
    ];

    #[test]
    fn every_keyword_and_prefix_lists_newest_first() {
        for kw in KEYWORDS {
            sc().setup("ip netns add a; ip netns add b")
                .arg(kw)
                .expect(Expect::ok().stdout("b\na\n"));
        }
    }

    #[test]
    fn no_subcommand_lists() {
        sc().setup("ip netns add a; ip netns add b")
            .expect(Expect::ok().stdout("b\na\n"));
    }

    #[test]
    fn extra_words_are_ignored() {
        sc().setup("ip netns add a")
            .args(["list", "foo", "bar"])
            .expect(Expect::ok().stdout("a\n"));
    }

    #[test]
    fn missing_run_dir_prints_nothing() {
        sc().arg("list").expect(Expect::ok());
        sc().expect(Expect::ok());
    }

    #[test]
    fn missing_run_dir_prints_nothing_even_as_json() {
        sc().opt("-j").arg("list").expect(Expect::ok());
        sc().opts(["-j", "-p"]).expect(Expect::ok());
    }

    #[test]
    fn empty_dir() {
        sc().setup("mkdir /run/netns")
            .arg("list")
            .expect(Expect::ok());
    }

    #[test]
    fn empty_dir_as_json() {
        let empty = sc().setup("mkdir /run/netns").arg("list");
        empty.clone().opt("-j").expect(Expect::ok().stdout("[]\n"));
        empty
            .clone()
            .opt("-json")
            .expect(Expect::ok().stdout("[]\n"));
        empty
            .clone()
            .opts(["-j", "-p"])
            .expect(Expect::ok().stdout("[ ]\n"));
        empty
            .opts(["-pretty", "-json"])
            .expect(Expect::ok().stdout("[ ]\n"));
    }

    #[test]
    fn json() {
        let two = sc().setup("ip netns add a; ip netns add b");
        two.clone()
            .opt("-j")
            .arg("list")
            .expect(Expect::ok().stdout("[{\"name\":\"b\"},{\"name\":\"a\"}]\n"));
        two.clone()
            .opt("-json")
            .expect(Expect::ok().stdout("[{\"name\":\"b\"},{\"name\":\"a\"}]\n"));
        two.clone()
            .opt("--json")
            .arg("show")
            .expect(Expect::ok().stdout("[{\"name\":\"b\"},{\"name\":\"a\"}]\n"));
        two.opts(["-j", "-j"])
            .arg("ls")
            .expect(Expect::ok().stdout("[{\"name\":\"b\"},{\"name\":\"a\"}]\n"));
    }

    #[test]
    fn pretty_json() {
        let pretty = "[ {\n        \"name\": \"b\"\n    },{\n        \"name\": \"a\"\n    } ]\n";
        let two = sc().setup("ip netns add a; ip netns add b");
        two.clone()
            .opts(["-j", "-p"])
            .arg("list")
            .expect(Expect::ok().stdout(pretty));
        two.clone()
            .opts(["-p", "-j"])
            .expect(Expect::ok().stdout(pretty));
        two.opts(["-pretty", "-json"])
            .arg("list")
            .expect(Expect::ok().stdout(pretty));
    }

    #[test]
    fn pretty_alone_is_plain() {
        let one = sc().setup("ip netns add a");
        one.clone()
            .opt("-p")
            .arg("list")
            .expect(Expect::ok().stdout("a\n"));
        one.opt("-pretty").expect(Expect::ok().stdout("a\n"));
    }

    #[test]
    fn options_that_change_nothing() {
        for opt in ["-o", "-s", "-d", "-br", "-4", "-N", "-all", "-a"] {
            sc().setup("ip netns add a")
                .opt(opt)
                .arg("list")
                .expect(Expect::ok().stdout("a\n"));
        }
    }

    #[test]
    fn double_dash_ends_options() {
        sc().setup("ip netns add a")
            .opts(["-j", "--"])
            .arg("list")
            .expect(Expect::ok().stdout("[{\"name\":\"a\"}]\n"));
    }
}

/// `add NAME` (spec §2.3).
mod add {
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
                Expect::code(1).stderr(
                    "Cannot create namespace file \"/run/netns/x\": Read-only file system\n",
                ),
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
                    .stderr(
                        "Failed to create a new network namespace \"x\": Operation not permitted\n",
                    )
                    .after("keep f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
            );
    }
}

/// `attach NAME PID` (spec §2.3).
mod attach {
    use super::*;

    const ATTACHED: &str = "x f 444\n/run/netns: shared mount\nnsfs mounts: 1\nx\n";

    #[test]
    fn a_sleeping_process() {
        sc().setup("nn_sleeper P")
            .args(["attach".into(), "x".into(), Arg::var("P")])
            .after("nn_state; ip netns identify $P")
            .expect(Expect::ok().after(ATTACHED));
    }

    #[test]
    fn prefix_at() {
        sc().setup("nn_sleeper P")
            .args(["at".into(), "x".into(), Arg::var("P")])
            .after("nn_state; ip netns identify $P")
            .expect(Expect::ok().after(ATTACHED));
    }

    #[test]
    fn pid_forms_strtol_accepts() {
        // get_s32 with base 0: a sign, leading blanks and hex or octal are all fine.
        let forms = [
            "PP=\"+$P\"",
            "PP=\" $P\"",
            "PP=\"  +$P\"",
            "PP=$(printf '0x%x' $P)",
            "PP=$(printf '0%o' $P)",
        ];
        for form in forms {
            sc().setup(&format!("nn_sleeper P; {form}"))
                .args(["attach".into(), "x".into(), Arg::var("PP")])
                .after("nn_state; ip netns identify $P")
                .expect(Expect::ok().after(ATTACHED));
        }
    }

    #[test]
    fn invalid_pids() {
        for pid in [
            "abc",
            "0",
            "1e3",
            "self",
            "12 ",
            "",
            "0x",
            "2147483648",
            "-0",
        ] {
            sc().args(["attach", "x", pid]).after("nn_state").expect(
                Expect::code(1)
                    .stderr(format!("Invalid PID: {pid}\n"))
                    .after("/run/netns: absent\nnsfs mounts: 0\n"),
            );
        }
    }

    #[test]
    fn negative_pid_fails_at_bind_and_rolls_back() {
        sc().args(["attach", "x", "-1"]).after("nn_state").expect(
            Expect::code(1)
                .stderr("Bind /proc/-1/ns/net -> /run/netns/x failed: No such file or directory\n")
                .after("/run/netns: shared mount\nnsfs mounts: 0\n"),
        );
    }

    #[test]
    fn no_such_process() {
        sc().args(["attach", "x", "99999999"])
            .expect(Expect::code(1).stderr(
                "Bind /proc/99999999/ns/net -> /run/netns/x failed: No such file or directory\n",
            ));
    }

    #[test]
    fn own_namespace_through_pid_1() {
        // Pid 1 is the sandbox's shell, in the sandbox's network namespace.
        sc().args(["attach", "x", "1"])
            .after("nn_state; ip netns identify")
            .expect(Expect::ok().after(ATTACHED));
    }

    #[test]
    fn missing_arguments() {
        for args in [&["attach"][..], &["attach", "x"]] {
            sc().args(args)
                .expect(Expect::code(1).stderr("No netns name and PID specified\n"));
        }
    }

    #[test]
    fn duplicate() {
        sc().setup("ip netns add x")
            .args(["attach", "x", "1"])
            .expect(
                Expect::code(1)
                    .stderr("Cannot create namespace file \"/run/netns/x\": File exists\n"),
            );
    }

    #[test]
    fn extra_words_are_ignored() {
        sc().args(["attach", "x", "1", "extra"])
            .after("nn_state; ip netns identify")
            .expect(Expect::ok().after(ATTACHED));
    }
}

/// `delete NAME` (spec §2.4).
mod delete {
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
            .expect(
                Expect::ok().after("a f 444\nb f 444\n/run/netns: shared mount\nnsfs mounts: 2\n"),
            );
    }

    #[test]
    fn missing() {
        sc().setup("ip netns add a").args(["delete", "x"]).expect(
            Expect::code(1).stderr(
                "Cannot remove namespace file \"/run/netns/x\": No such file or directory\n",
            ),
        );
    }

    #[test]
    fn missing_run_dir() {
        sc().args(["delete", "x"]).expect(
            Expect::code(1).stderr(
                "Cannot remove namespace file \"/run/netns/x\": No such file or directory\n",
            ),
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
}

/// `-all delete` (spec §2.4); its failure cases are in `departures`.
mod all_delete {
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
            .expect(
                Expect::code(1).stderr("Failed to open directory /run/netns: Not a directory\n"),
            );
    }
}

/// `identify [PID]` (spec §2.8).
mod identify {
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
            sc().args(["identify", word]).expect(
                Expect::code(1).stderr(format!("Specified string '{word}' is not a pid\n")),
            );
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
        sc().setup("touch /run/netns").arg("identify").expect(
            Expect::code(1).stderr("Failed to open directory /run/netns:Not a directory\n"),
        );
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
}

/// `pids NAME` (spec §2.9).
mod pids {
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
}

/// `help`, unknown commands and options (spec §1.1, §1.4).
mod help_and_errors {
    use super::*;

    #[test]
    fn help() {
        for args in [
            &["help"][..],
            &["h"],
            &["he"],
            &["help", "me"],
            &["help", "me", "too"],
        ] {
            sc().args(args).expect(Expect::code(255).stderr(USAGE));
        }
    }

    #[test]
    fn help_checks_the_name_first() {
        sc().args(["help", "a/b"])
            .expect(Expect::code(255).stderr("Invalid netns name \"a/b\"\n"));
    }

    #[test]
    fn help_ignores_options() {
        sc().opt("-j")
            .arg("help")
            .expect(Expect::code(255).stderr(USAGE));
    }

    #[test]
    fn unknown_command() {
        sc().arg("foo").expect(
            Expect::code(255).stderr("Command \"foo\" is unknown, try \"ip netns help\".\n"),
        );
    }

    #[test]
    fn empty_command() {
        sc().arg("")
            .expect(Expect::code(255).stderr("Command \"\" is unknown, try \"ip netns help\".\n"));
    }

    #[test]
    fn name_check_comes_before_the_command() {
        sc().args(["foo", "a/b"])
            .expect(Expect::code(255).stderr("Invalid netns name \"a/b\"\n"));
    }

    #[test]
    fn keywords_are_case_sensitive() {
        sc().arg("LIST").expect(
            Expect::code(255).stderr("Command \"LIST\" is unknown, try \"ip netns help\".\n"),
        );
    }

    #[test]
    fn unknown_option() {
        for opt in ["-x", "-jp", "-help-me", "-jsonx"] {
            sc().opt(opt).arg("list").expect(
                Expect::code(255)
                    .stderr(format!("Option \"{opt}\" is unknown, try \"ip -help\".\n")),
            );
        }
    }

    #[test]
    fn unknown_long_option_is_named_with_one_dash() {
        // `--x` is read as `-x`, and the message shows what was read.
        sc().opt("--x")
            .arg("list")
            .expect(Expect::code(255).stderr("Option \"-x\" is unknown, try \"ip -help\".\n"));
    }
}

/// Name validation (spec §1.4) and names made of unusual bytes.
mod names {
    use super::*;

    #[test]
    fn invalid_names() {
        let long = "n".repeat(256);
        for name in ["a/b", ".", "..", "", "/", "a/", long.as_str()] {
            for cmd in ["add", "delete", "list", "identify", "pids", "attach"] {
                sc().args([cmd, name]).after("nn_state").expect(
                    Expect::code(255)
                        .stderr(format!("Invalid netns name \"{name}\"\n"))
                        .after("/run/netns: absent\nnsfs mounts: 0\n"),
                );
            }
        }
    }

    #[test]
    fn invalid_name_bytes_are_printed_raw() {
        let name = b"a/\xff\n\t\x01";
        let mut stderr = b"Invalid netns name \"".to_vec();
        stderr.extend_from_slice(name);
        stderr.extend_from_slice(b"\"\n");
        sc().arg("add")
            .arg(&name[..])
            .expect(Expect::code(255).stderr(stderr));
    }

    #[test]
    fn all_skips_the_name_check() {
        sc().setup("ip netns add a")
            .opt("-all")
            .args(["list", "a/b"])
            .expect(Expect::ok().stdout("a\n"));
    }

    #[test]
    fn name_of_255_bytes() {
        let name = "n".repeat(255);
        sc().args(["add", name.as_str()])
            .after("nn_state; ip netns list; ip netns delete \"$(ls /run/netns)\"; nn_state")
            .expect(Expect::ok().after(format!(
                "{name} f 444\n/run/netns: shared mount\nnsfs mounts: 1\n{name}\n\
                 /run/netns: shared mount\nnsfs mounts: 0\n"
            )));
    }

    #[test]
    fn odd_names_add() {
        for name in odd_names() {
            // NUL-terminated, since names may hold newlines.
            let after = [&name[..], b" f 444\0nsfs mounts: 1\n"].concat();
            sc().arg("add")
                .arg(name.clone())
                .after(
                    "find /run/netns -mindepth 1 -printf '%f %y %m\\0'; \
                     echo \"nsfs mounts: $(grep -c ' - nsfs ' /proc/self/mountinfo)\"",
                )
                .expect(Expect::ok().after(after));
        }
    }

    #[test]
    fn odd_names_list() {
        for name in odd_names() {
            let mut stdout = name.clone();
            stdout.push(b'\n');
            sc().env("NAME", common::os(&name))
                .setup("ip netns add \"$NAME\"")
                .arg("list")
                .expect(Expect::ok().stdout(stdout));
        }
    }

    #[test]
    fn odd_names_json_list() {
        for name in odd_names() {
            let stdout = [b"[{\"name\":\"", &json_name(&name)[..], b"\"}]\n"].concat();
            sc().env("NAME", common::os(&name))
                .setup("ip netns add \"$NAME\"")
                .opt("-j")
                .arg("list")
                .expect(Expect::ok().stdout(stdout));
        }
    }

    #[test]
    fn odd_names_delete() {
        for name in odd_names() {
            sc().env("NAME", common::os(&name))
                .setup("ip netns add \"$NAME\"; ip netns add keep")
                .arg("delete")
                .arg(name)
                .after("nn_state")
                .expect(
                    Expect::ok().after("keep f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
                );
        }
    }

    #[test]
    fn odd_names_identify() {
        for name in odd_names() {
            let mut stdout = name.clone();
            stdout.push(b'\n');
            sc().env("NAME", common::os(&name))
                .setup("ip netns attach \"$NAME\" 1")
                .arg("identify")
                .expect(Expect::ok().stdout(stdout));
        }
    }

    #[test]
    fn missing_odd_names_in_errors() {
        for name in odd_names() {
            let stderr = [
                b"Cannot remove namespace file \"/run/netns/",
                &name[..],
                b"\": No such file or directory\n",
            ]
            .concat();
            sc().arg("delete")
                .arg(name)
                .expect(Expect::code(1).stderr(stderr));
        }
    }
}

/// `-batch FILE`, `-batch -` and `-force` (spec §2.10).
mod batch {
    use super::*;

    const FILE: &str = "/tmp/batch";

    #[test]
    fn runs_every_line() {
        sc().file(FILE, "netns add a\nnetns add b\nnetns list\nnetns del a\n")
            .opts(["-batch", FILE])
            .after("nn_state")
            .expect(
                Expect::ok()
                    .stdout("b\na\n")
                    .after("b f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
            );
    }

    #[test]
    fn short_option() {
        sc().file(FILE, "netns add a\nnetns list\n")
            .opts(["-b", FILE])
            .expect(Expect::ok().stdout("a\n"));
    }

    #[test]
    fn comments_blank_lines_and_quotes() {
        sc().file(FILE, "# a comment\n\nnetns add \"a b\"\n  netns   list  \n")
            .opts(["-batch", FILE])
            .expect(Expect::ok().stdout("a b\n"));
    }

    #[test]
    fn json_lines() {
        sc().file(FILE, "netns add a\nnetns list\nnetns list\n")
            .opts(["-j", "-batch", FILE])
            .expect(Expect::ok().stdout("[{\"name\":\"a\"}]\n[{\"name\":\"a\"}]\n"));
    }

    #[test]
    fn stops_at_the_first_failure() {
        sc().file(FILE, "netns add a\nnetns add a\nnetns add b\nnetns list\n")
            .opts(["-batch", FILE])
            .after("nn_state")
            .expect(
                Expect::code(1)
                    .stderr(
                        "Cannot create namespace file \"/run/netns/a\": File exists\n\
                         Command failed /tmp/batch:2\n",
                    )
                    .after("a f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
            );
    }

    #[test]
    fn force_goes_on() {
        for opts in [["-force", "-batch", FILE], ["-batch", FILE, "-force"]] {
            sc().file(
                FILE,
                "netns add a\nnetns add a\nnetns add b\nnetns delete c\nnetns list\n",
            )
            .opts(opts)
            .expect(Expect::code(1).stdout("b\na\n").stderr(
                "Cannot create namespace file \"/run/netns/a\": File exists\n\
                     Command failed /tmp/batch:2\n\
                     Cannot remove namespace file \"/run/netns/c\": No such file or directory\n\
                     Command failed /tmp/batch:4\n",
            ));
        }
    }

    #[test]
    fn from_stdin() {
        sc().stdin("netns add a\nnetns add a\nnetns add b\nnetns list\n")
            .opts(["-force", "-batch", "-"])
            .expect(Expect::code(1).stdout("b\na\n").stderr(
                "Cannot create namespace file \"/run/netns/a\": File exists\n\
                 Command failed -:2\n",
            ));
    }

    #[test]
    fn exit_255_ends_the_batch_at_once() {
        // Invalid names, usage and unknown commands exit(-1) in ip, even under -force: the
        // batch ends there with rc 255 and no "Command failed".
        let cases = [
            ("netns add a/b", "Invalid netns name \"a/b\"\n"),
            ("netns help", USAGE),
            (
                "netns foo",
                "Command \"foo\" is unknown, try \"ip netns help\".\n",
            ),
        ];
        for (line, stderr) in cases {
            sc().file(FILE, format!("netns add a\n{line}\nnetns add b\n"))
                .opts(["-force", "-batch", FILE])
                .after("nn_state")
                .expect(
                    Expect::code(255)
                        .stderr(stderr)
                        .after("a f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"),
                );
        }
    }

    #[test]
    fn argument_errors_fail_the_line() {
        sc().file(
            FILE,
            "netns add\nnetns attach x abc\nnetns pids\nnetns list\n",
        )
        .opts(["-force", "-batch", FILE])
        .expect(Expect::code(1).stderr(
            "No netns name specified\nCommand failed /tmp/batch:1\n\
                 Invalid PID: abc\nCommand failed /tmp/batch:2\n\
                 No netns name specified\nCommand failed /tmp/batch:3\n",
        ));
    }

    #[test]
    fn missing_file() {
        sc().opts(["-batch", "/tmp/nonexistent"])
            .expect(Expect::code(1).stderr(
                "Cannot open file \"/tmp/nonexistent\" for reading: No such file or directory\n",
            ));
    }
}

/// Stale entries and nsids in `list`: netnest's `list` does not print nsids yet.
mod nsids_and_stale_entries {
    use super::*;

    const INVALID: &str = "Error: Peer netns reference is invalid.\n";

    #[test]
    #[ignore = "needs nsids (issue 3)"]
    fn stale_entries_print_two_errors_each() {
        sc().setup("ip netns add a; mkdir /run/netns/d; touch /run/netns/s")
            .arg("list")
            .expect(Expect::ok().stdout("s\nd\na\n").stderr(INVALID.repeat(4)));
    }

    #[test]
    #[ignore = "needs nsids (issue 3)"]
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
    #[ignore = "needs nsids (issue 3)"]
    fn ids() {
        sc().setup("ip netns add a; ip netns add b; ip netns set a 5")
            .arg("list")
            .expect(Expect::ok().stdout("b\na (id: 5)\n"));
    }

    #[test]
    #[ignore = "needs nsids (issue 3)"]
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
    #[ignore = "needs nsids (issue 3)"]
    fn ids_from_a_peer() {
        // `set auto` takes the lowest free nsid.
        sc().setup("ip netns add a; ip netns set a auto")
            .opt("-p")
            .expect(Expect::ok().stdout("a (id: 0)\n"));
    }
}

/// Where netnest departs from iproute2 6.1 on purpose (DESIGN.md); each test records what `ip`
/// does and asserts what netnest does instead.
mod departures {
    use super::*;

    /// ip 6.1 rolls a failed `-all add` back through `-all delete`: every namespace goes.
    /// netnest rolls back only the one it was adding.
    #[test]
    fn failed_all_add_keeps_the_other_namespaces() {
        let message = "Failed to create a new network namespace \"x\": Operation not permitted\n";
        sc().setup("ip netns add keep1; ip netns add keep2")
            .wrap(common::inject("unshare", "EPERM"))
            .opt("-all")
            .args(["add", "x"])
            .after("nn_state")
            .differs(
                Expect::code(1)
                    .stderr(message)
                    .after("/run/netns: shared mount\nnsfs mounts: 0\n"),
                Expect::code(1)
                    .stderr(message)
                    .after("keep1 f 444\nkeep2 f 444\n/run/netns: shared mount\nnsfs mounts: 2\n"),
            );
    }

    /// ip 6.1 stops `-all delete` at the first entry it cannot remove and exits 0; netnest
    /// goes on with the others and exits 1.
    #[test]
    fn all_delete_goes_on_and_reports_failure() {
        let message = "Cannot remove namespace file \"/run/netns/d\": Is a directory\n";
        // tmpfs lists newest first: b, d, a.
        sc().setup("ip netns add a; mkdir /run/netns/d; ip netns add b")
            .opt("-all")
            .arg("delete")
            .after("nn_state")
            .differs(
                Expect::ok()
                    .stderr(message)
                    .after("a f 444\nd d 755\n/run/netns: shared mount\nnsfs mounts: 1\n"),
                Expect::code(1)
                    .stderr(message)
                    .after("d d 755\n/run/netns: shared mount\nnsfs mounts: 0\n"),
            );
    }

    /// ip 6.1 calls umount2 without UMOUNT_NOFOLLOW, so deleting a symlink detaches whatever is
    /// mounted where it points. netnest removes the link and leaves that mount alone.
    #[test]
    fn delete_does_not_follow_symlinks() {
        sc().setup(
            "mkdir /tmp/mnt; mount -t tmpfs netnest-test-victim /tmp/mnt; touch /tmp/mnt/file; \
             mkdir /run/netns; ln -s /tmp/mnt /run/netns/link",
        )
        .args(["delete", "link"])
        .after("nn_state; ls /tmp/mnt")
        .differs(
            Expect::ok().after("nsfs mounts: 0\n"),
            Expect::ok().after("nsfs mounts: 0\nfile\n"),
        );
    }

    /// ip 6.1's identify keeps the last of several names in directory order; netnest prints
    /// the first, as list-id does.
    #[test]
    fn identify_prints_the_first_of_several_names() {
        // tmpfs lists newest first: two, one.
        sc().setup("nn_sleeper P; ip netns attach one $P; ip netns attach two $P")
            .args(["identify".into(), Arg::var("P")])
            .differs(Expect::ok().stdout("one\n"), Expect::ok().stdout("two\n"));
    }

    /// netnest's batch mode also takes lines without the `netns` object; ip reads `add x` as
    /// `ip address add x`.
    #[test]
    fn batch_lines_without_netns() {
        sc().file("/tmp/batch", "add x\nlist\n")
            .opts(["-batch", "/tmp/batch"])
            .differs(
                // `ip address add x` exits 255 at once: no "Command failed".
                Expect::code(255).stderr("Command \"x\" is unknown, try \"ip address help\".\n"),
                Expect::ok().stdout("x\n"),
            );
    }
}
