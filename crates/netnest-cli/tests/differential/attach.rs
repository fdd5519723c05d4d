// SPDX-License-Identifier: MIT OR Apache-2.0
//! `attach NAME PID` (docs/ip-netns-behaviour.md, "add and attach").

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
    sc().args(["attach", "x", "99999999"]).expect(
        Expect::code(1).stderr(
            "Bind /proc/99999999/ns/net -> /run/netns/x failed: No such file or directory\n",
        ),
    );
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
            Expect::code(1).stderr("Cannot create namespace file \"/run/netns/x\": File exists\n"),
        );
}

#[test]
fn extra_words_are_ignored() {
    sc().args(["attach", "x", "1", "extra"])
        .after("nn_state; ip netns identify")
        .expect(Expect::ok().after(ATTACHED));
}
