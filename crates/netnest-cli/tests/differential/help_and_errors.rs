// SPDX-License-Identifier: MIT OR Apache-2.0
//! `help`, unknown commands and options (docs/ip-netns-behaviour.md, "Global options" and "Names and subcommands").

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
    sc().arg("foo")
        .expect(Expect::code(255).stderr("Command \"foo\" is unknown, try \"ip netns help\".\n"));
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
    sc().arg("LIST")
        .expect(Expect::code(255).stderr("Command \"LIST\" is unknown, try \"ip netns help\".\n"));
}

#[test]
fn unknown_option() {
    for opt in ["-x", "-jp", "-help-me", "-jsonx"] {
        sc().opt(opt).arg("list").expect(
            Expect::code(255).stderr(format!("Option \"{opt}\" is unknown, try \"ip -help\".\n")),
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

/// `-h` is `-human` (the first option it abbreviates), ignored, as in ip: not help.
#[test]
fn dash_h_is_human_not_help() {
    sc().setup("ip netns add a")
        .opt("-h")
        .arg("list")
        .expect(Expect::ok().stdout("a\n"));
}
