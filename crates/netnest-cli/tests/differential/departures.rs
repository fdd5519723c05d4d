// SPDX-License-Identifier: MIT OR Apache-2.0
//! Where netnest departs from iproute2 6.1 on purpose (DESIGN.md); each test records what `ip`
//! does and asserts what netnest does instead.

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

/// ip 6.1's `-all exec` child goes on with the parent's loop when it cannot enter a namespace,
/// so the commands for the entries after it run twice. netnest's child ends there.
#[test]
fn all_exec_never_runs_a_command_twice() {
    // tmpfs lists newest first: b, stale, a.
    let err = "setting the network namespace \"stale\" failed: Invalid argument\n";
    sc().setup("ip netns add a; touch /run/netns/stale; ip netns add b")
        .opt("-all")
        .args(["exec", "echo", "run"])
        .differs(
            Expect::ok()
                .stdout("\nnetns: b\nrun\n\nnetns: stale\n\nnetns: a\nrun\n\nnetns: a\nrun\n")
                .stderr(err),
            Expect::ok()
                .stdout("\nnetns: b\nrun\n\nnetns: stale\n\nnetns: a\nrun\n")
                .stderr(err),
        );
}

/// ip 6.1's batch `exec` child, when its setup fails, returns into the batch loop and runs the
/// rest of the file itself. netnest's child ends; the line fails once.
#[test]
fn batch_exec_child_never_runs_the_rest_of_the_batch() {
    let err = "Cannot open network namespace \"nope\": No such file or directory\n";
    sc().file(
        "/tmp/batch",
        "netns exec nope true\nnetns add x\nnetns list\n",
    )
    .opts(["-force", "-batch", "/tmp/batch"])
    .differs(
        // The child fails line 1, runs lines 2 and 3, and exits 1; then the parent fails line
        // 1 and runs lines 2 (which now fails) and 3 again.
        Expect::code(1).stdout("x\nx\n").stderr(format!(
            "{err}Command failed /tmp/batch:1\nCommand failed /tmp/batch:1\n\
                 Cannot create namespace file \"/run/netns/x\": File exists\n\
                 Command failed /tmp/batch:2\n"
        )),
        Expect::code(1)
            .stdout("x\n")
            .stderr(format!("{err}Command failed /tmp/batch:1\n")),
    );
}

/// ip 6.1 unmounts /sys lazily and remounts sysfs, which takes the cgroup mounts away: an empty
/// /sys/fs/cgroup inside `ip netns exec`. netnest carries them over to the new /sys.
#[test]
fn exec_keeps_the_cgroup_mounts() {
    sc().setup("ip netns add x")
        .args([
            "exec",
            "x",
            "sh",
            "-c",
            "[ -n \"$(ls /sys/fs/cgroup)\" ] && echo kept || echo empty",
        ])
        .differs(
            Expect::ok().stdout("empty\n"),
            Expect::ok().stdout("kept\n"),
        );
}

/// ip 6.1 unmounts the namespace before it finds it cannot unlink the file on a read-only run
/// directory: the name is left as a stale file and the namespace is lost. netnest checks first
/// and changes nothing.
#[test]
fn delete_on_a_read_only_run_directory_changes_nothing() {
    let err = "Cannot remove namespace file \"/run/netns/x\": Read-only file system\n";
    sc().setup("ip netns add x; mount -o remount,bind,ro /run/netns")
        .args(["delete", "x"])
        .after("grep -c ' /run/netns/x .* - nsfs ' /proc/self/mountinfo || true")
        .differs(
            Expect::code(1).stderr(err).after("0\n"),
            Expect::code(1).stderr(err).after("1\n"),
        );
}

/// A FIFO in the run directory blocks ip's `open` in `list` for ever; netnest opens without
/// blocking, and the kernel refuses the FIFO as it refuses any stale entry.
#[test]
fn list_does_not_hang_on_a_fifo() {
    let invalid = "Error: Peer netns reference is invalid.\n";
    let scenario = sc()
        .setup("ip netns add a; mkfifo /run/netns/f")
        .arg("list");
    let ip = scenario.clone().wrap(["timeout", "2"]).run_reference();
    assert_eq!(ip.code, 124, "ip netns list should hang on the FIFO");
    if netnest_testkit::selftest() {
        return;
    }
    let netnest = scenario.run_netnest();
    assert_eq!(netnest.code, 0);
    assert_eq!(String::from_utf8_lossy(&netnest.stdout), "f\na\n");
    assert_eq!(String::from_utf8_lossy(&netnest.stderr), invalid.repeat(2));
}

/// What netnest prints for `words` outside any sandbox: the help texts depend on nothing else.
fn own_output(words: &[&str]) -> Vec<u8> {
    let bin = std::env::var_os("NETNEST_DIFF_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_netnest").into());
    let out = std::process::Command::new(bin)
        .args(words)
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "{words:?}");
    out.stdout
}

/// ip reads `--help` as `-help`: ip's usage on stderr, rc 255. netnest prints its whole help
/// on stdout, rc 0. (`-help` and `help` keep ip's behaviour.)
#[test]
fn long_help_prints_the_help_on_stdout() {
    let ip = sc().opt("--help").run_reference();
    assert_eq!(ip.code, 255);
    assert!(ip.stdout.is_empty());
    assert!(ip
        .stderr
        .starts_with(b"Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"));
    if netnest_testkit::selftest() {
        return;
    }
    let help = own_output(&["--help"]);
    assert!(help.starts_with(b"netnest "));
    sc().opt("--help")
        .run_netnest()
        .assert(&Expect::ok().stdout(help));
}

/// ip has no `--version` (`Option "-version" is unknown`); netnest prints what `-V` prints.
#[test]
fn long_version_prints_the_version() {
    let version = own_output(&["-V"]);
    sc().opt("--version").differs(
        Expect::code(255).stderr("Option \"-version\" is unknown, try \"ip -help\".\n"),
        Expect::ok().stdout(&version),
    );
}

/// `-V`: ip names iproute2 and libbpf; netnest names itself, its version and its build, in the
/// same shape (`cut -d, -f2` is the version of either).
#[test]
fn version_names_netnest_and_its_build() {
    let version = own_output(&["-V"]);
    assert!(version.starts_with(b"netnest utility, netnest-"));
    sc().opt("-V").differs(
        Expect::ok().stdout("ip utility, iproute2-6.1.0, libbpf 1.1.2\n"),
        Expect::ok().stdout(&version),
    );
}

/// `SUBCOMMAND --help` is help in netnest; ip takes `--help` for a name: `add --help` makes a
/// namespace called `--help`. (A `-batch` line still does, in netnest too.)
#[test]
fn subcommand_help_makes_nothing() {
    let help = own_output(&["add", "--help"]);
    assert!(help.starts_with(b"Usage: netnest add NAME\n"));
    sc().args(["add", "--help"])
        .after("ls -A /run/netns 2>/dev/null; echo .")
        .differs(
            Expect::ok().after("--help\n.\n"),
            Expect::ok().stdout(&help).after(".\n"),
        );
}

/// `help SUBCOMMAND`: ip ignores the word and prints its usage on stderr, rc 255; netnest prints
/// that subcommand's help on stdout, rc 0. `help` alone, or with a word that names no
/// subcommand, is ip's (see help_and_errors).
#[test]
fn help_with_a_subcommand_prints_its_help() {
    let help = own_output(&["help", "exec"]);
    assert!(help.starts_with(b"Usage: netnest exec NAME"));
    sc().args(["help", "exec"])
        .differs(Expect::code(255).stderr(USAGE), Expect::ok().stdout(&help));
}

/// `completions SHELL` is netnest's own; ip knows no such command.
#[test]
fn completions_print_a_script() {
    let script = own_output(&["completions", "bash"]);
    assert!(script.ends_with(b"complete -F _netnest netnest\n"));
    sc().args(["completions", "bash"]).differs(
        Expect::code(255).stderr("Command \"completions\" is unknown, try \"ip netns help\".\n"),
        Expect::ok().stdout(&script),
    );
}

/// `-help` keeps ip's behaviour (the usage on stderr, rc 255); the usage is the `netns` block,
/// since netnest has one object, where ip prints every object's.
#[test]
fn dash_help_keeps_the_usage_on_stderr() {
    let ip = sc().opt("-help").run_reference();
    assert_eq!(ip.code, 255);
    assert!(ip.stdout.is_empty());
    assert!(ip
        .stderr
        .starts_with(b"Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"));
    if netnest_testkit::selftest() {
        return;
    }
    let usage = USAGE
        .replace("Usage:\tip netns ", "Usage:\tnetnest ")
        .replace("\n\tip netns ", "\n\tnetnest ")
        .replace("\n\tip [-all] netns ", "\n\tnetnest [-all] ");
    sc().opt("-help")
        .run_netnest()
        .assert(&Expect::code(255).stderr(usage));
}
