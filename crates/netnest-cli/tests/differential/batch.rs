// SPDX-License-Identifier: MIT OR Apache-2.0
//! `-batch FILE`, `-batch -` and `-force` (docs/ip-netns-behaviour.md, "Batch mode").

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
    sc().opts(["-batch", "/tmp/nonexistent"]).expect(
        Expect::code(1).stderr(
            "Cannot open file \"/tmp/nonexistent\" for reading: No such file or directory\n",
        ),
    );
}
