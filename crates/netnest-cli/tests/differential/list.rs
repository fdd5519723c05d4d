// SPDX-License-Identifier: MIT OR Apache-2.0
//! `list` and everything that lists.

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
