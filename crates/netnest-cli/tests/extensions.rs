// SPDX-License-Identifier: MIT OR Apache-2.0
//! netnest's own subcommands: they say what to do next when they fail (a stale entry names
//! `netnest prune`, a missing capability names the capability, an unknown lab names
//! `netnest lab status`), and `-j -p` indents all of their documents. Each case runs in a
//! sandbox (private mount and network namespaces, tmpfs on /run); the non-root ones drop to
//! `nobody` with `setpriv`.

#[allow(dead_code)] // the helpers this file does not use
mod common;

use common::sc;
use netnest_testkit::Scenario;

/// stderr and the exit code of `netnest ARGS` after `setup`, or `None` in self-test mode (the
/// reference has no such subcommands).
fn run(scenario: Scenario) -> Option<(String, i32)> {
    if netnest_testkit::selftest() {
        return None;
    }
    let out = scenario.run_netnest();
    Some((String::from_utf8_lossy(&out.stderr).into_owned(), out.code))
}

const NOBODY: [&str; 5] = [
    "setpriv",
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "--inh-caps=-all",
];

#[test]
fn inspect_of_a_stale_entry_names_prune() {
    let Some((err, code)) = run(sc()
        .setup("mkdir -p /run/netns; : > /run/netns/stale; chmod 0 /run/netns/stale")
        .args(["inspect", "stale"]))
    else {
        return;
    };
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Cannot open network namespace \"stale\": Invalid argument\n\
         \"stale\" is a stale entry (its namespace is gone): netnest prune removes it\n"
    );
}

#[test]
fn inspect_without_privileges_names_the_capability() {
    let Some((err, code)) = run(sc()
        .setup("ip netns add blue")
        .wrap(NOBODY)
        .args(["inspect", "blue"]))
    else {
        return;
    };
    assert_eq!(code, 2);
    assert!(err.ends_with("netnest inspect needs CAP_SYS_ADMIN to enter a namespace (and CAP_NET_ADMIN there): run it as root\n"), "{err}");
}

#[test]
fn prune_without_privileges_names_what_it_needs() {
    let Some((err, code)) = run(sc()
        .setup("mkdir -p /run/netns; : > /run/netns/stale; chmod 0 /run/netns/stale")
        .wrap(NOBODY)
        .arg("prune"))
    else {
        return;
    };
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Cannot remove namespace file \"/run/netns/stale\": Permission denied\n\
         netnest prune needs write access to /run/netns (CAP_DAC_OVERRIDE, or root)\n"
    );
}

#[test]
fn an_unknown_lab_names_lab_status() {
    for args in [
        &["lab", "status", "zz"][..],
        &["lab", "exec", "zz", "h1", "true"],
    ] {
        let Some((err, code)) = run(sc().args(args)) else {
            return;
        };
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(
            err, "no lab \"zz\" is recorded\nnetnest lab status lists the labs that are up\n",
            "{args:?}"
        );
    }
}

#[test]
fn lab_up_without_privileges_names_the_capabilities() {
    let lab = "name = \"solo\"\n[nodes.a]\n";
    let Some((err, code)) =
        run(sc()
            .file("/tmp/solo.toml", lab)
            .wrap(NOBODY)
            .args(["lab", "up", "/tmp/solo.toml"]))
    else {
        return;
    };
    assert_eq!(code, 1);
    assert!(
        err.ends_with("netnest lab needs CAP_SYS_ADMIN (namespaces) and CAP_NET_ADMIN (links, addresses, routes): run it as root\n"),
        "{err}"
    );
}

/// `s` without the white space outside JSON strings.
fn compact(s: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in s.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

#[test]
fn inspect_json_pretty_indents_the_whole_document() {
    if netnest_testkit::selftest() {
        return;
    }
    let setup = "ip netns add blue; ip -n blue link set lo up; \
                 ip -n blue link add veth0 address 02:00:00:00:00:01 type veth \
                 peer name veth1 address 02:00:00:00:00:02";
    let plain = sc()
        .setup(setup)
        .args(["-j", "inspect", "blue"])
        .run_netnest();
    let pretty = sc()
        .setup(setup)
        .args(["-j", "-p", "inspect", "blue"])
        .run_netnest();
    assert_eq!((plain.code, pretty.code), (0, 0));
    let (plain, pretty) = (
        String::from_utf8(plain.stdout).unwrap(),
        String::from_utf8(pretty.stdout).unwrap(),
    );
    // The same document, only laid out.
    assert_eq!(compact(&pretty), compact(&plain));
    assert!(plain.lines().count() <= 2, "{plain}");
    // Every link is an indented object, one member a line.
    for member in [
        "\"ifname\": \"lo\",",
        "\"ifname\": \"veth0\",",
        "\"ifname\": \"veth1\",",
        "\"mtu\": 65536,",
    ] {
        assert!(
            pretty
                .lines()
                .any(|line| line.trim() == member && line.starts_with("            ")),
            "{member} is not on an indented line of its own:\n{pretty}"
        );
    }
}
