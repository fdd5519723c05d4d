// SPDX-License-Identifier: MIT OR Apache-2.0
//! `exec NAME cmd…` and `-all exec cmd…` (docs/ip-netns-behaviour.md, "exec"), and `exec` in batch mode (section "Batch mode").

use super::*;

#[test]
fn exit_codes_are_the_commands_own() {
    for (script, code) in [
        ("true", 0),
        ("false", 1),
        ("exit 7", 7),
        ("exit 255", 255),
        ("exit 256", 0),
    ] {
        sc().setup("ip netns add x")
            .args(["exec", "x", "sh", "-c", script])
            .expect(Expect::code(code));
    }
}

#[test]
fn a_signal_kills_the_exec_itself() {
    // No fork: the command is the process, so the shell sees 128 + SIGTERM.
    sc().setup("ip netns add x")
        .args(["exec", "x", "sh", "-c", "kill $$"])
        .expect(Expect::code(143));
}

#[test]
fn no_fork_the_command_replaces_the_process() {
    sc().setup("ip netns add x")
        .args(["e", "x", "sh", "-c", "cat /proc/$PPID/comm"])
        .expect(Expect::ok().stdout("sh\n"));
}

#[test]
fn missing_command() {
    sc().setup("ip netns add x")
        .args(["exec", "x", "netnest-no-such-command"])
        .expect(
            Expect::code(1)
                .stderr("exec of \"netnest-no-such-command\" failed: No such file or directory\n"),
        );
}

#[test]
fn unknown_stale_and_directory_entries() {
    sc().setup("ip netns add x")
        .args(["exec", "nope", "true"])
        .expect(
            Expect::code(255)
                .stderr("Cannot open network namespace \"nope\": No such file or directory\n"),
        );
    for setup in [
        "mkdir -p /run/netns; touch /run/netns/bad",
        "mkdir -p /run/netns/bad",
    ] {
        sc().setup(setup).args(["exec", "bad", "true"]).expect(
            Expect::code(255)
                .stderr("setting the network namespace \"bad\" failed: Invalid argument\n"),
        );
    }
}

#[test]
fn argument_errors() {
    sc().arg("exec")
        .expect(Expect::code(1).stderr("No netns name specified\n"));
    sc().setup("ip netns add x")
        .args(["exec", "x"])
        .expect(Expect::code(1).stderr("No command specified\n"));
    sc().opt("-all")
        .arg("exec")
        .expect(Expect::code(1).stderr("No command specified\n"));
    sc().args(["exec", "a/b", "true"])
        .expect(Expect::code(255).stderr("Invalid netns name \"a/b\"\n"));
}

#[test]
fn inside_the_namespace_with_its_own_sys() {
    let same =
        "[ $(stat -L -c %i /proc/self/ns/net) = $(stat -L -c %i /run/netns/x) ] && echo same";
    sc().setup("ip netns add x; ip netns add y")
        .args(["exec", "x", "sh", "-c", same])
        .expect(Expect::ok().stdout("same\n"));
    // sysfs is remounted with the namespace's name as its source.
    sc().setup("ip netns add x")
        .args([
            "exec",
            "x",
            "awk",
            "$5 == \"/sys\" { for (i = 7; $i != \"-\"; i++); print $(i + 1), $(i + 2) }",
            "/proc/self/mountinfo",
        ])
        .expect(Expect::ok().stdout("sysfs x\n"));
    // Only the namespace's links: a veth made inside y is not seen from x.
    sc().setup("ip netns add x; ip netns add y; ip -n y link add v0 type veth peer name v1")
        .args(["exec", "x", "sh", "-c", "ls /sys/class/net"])
        .expect(Expect::ok().stdout("lo\n"));
}

#[test]
fn etc_netns_files_are_bound_in_directory_order() {
    // tmpfs lists newest first: subdir, netnest_nofile, hosts.
    sc().etc_netns()
        .setup(
            "ip netns add x; mkdir -p /etc/netns/x; \
             echo '127.0.0.1 netnest-host' > /etc/netns/x/hosts; \
             touch /etc/netns/x/netnest_nofile; mkdir /etc/netns/x/netnest_subdir",
        )
        .args(["exec", "x", "cat", "/etc/hosts"])
        .expect(
            Expect::ok().stdout("127.0.0.1 netnest-host\n").stderr(
                "Bind /etc/netns/x/netnest_subdir -> /etc/netnest_subdir failed: No such file or directory\n\
                 Bind /etc/netns/x/netnest_nofile -> /etc/netnest_nofile failed: No such file or directory\n",
            ),
        );
}

#[test]
fn all_exec_headers_in_directory_order() {
    // tmpfs lists newest first: b, a.
    sc().setup("ip netns add a; ip netns add b")
        .opt("-all")
        .args(["exec", "sh", "-c", "echo in; exit 3"])
        .expect(Expect::ok().stdout("\nnetns: b\nin\n\nnetns: a\nin\n"));
    sc().opt("-all").args(["exec", "true"]).expect(Expect::ok());
}

#[test]
fn all_exec_stops_when_a_command_is_killed() {
    sc().setup("ip netns add a; ip netns add b")
        .opt("-all")
        .args(["exec", "sh", "-c", "kill $$"])
        .expect(Expect::code(1).stdout("\nnetns: b\n"));
}

#[test]
fn batch_exec_forks_and_fails_the_line() {
    sc().setup("ip netns add x")
        .file(
            "/tmp/batch",
            "netns exec x true\nnetns exec x sh -c 'exit 3'\nnetns exec x echo last\n",
        )
        .opts(["-force", "-batch", "/tmp/batch"])
        .expect(
            Expect::code(1)
                .stdout("last\n")
                .stderr("Command failed /tmp/batch:2\n"),
        );
}
