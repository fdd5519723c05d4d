// SPDX-License-Identifier: MIT OR Apache-2.0
//! Name validation (docs/ip-netns-behaviour.md, "Names and subcommands") and names made of unusual bytes.

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
            .expect(Expect::ok().after("keep f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"));
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
