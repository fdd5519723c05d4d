// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `netnest` binary, run inside a sandbox: a private mount and network namespace with a tmpfs
//! on `/run`, so nothing touches the host's `/run/netns`, mounts or links.
//!
//! These tests check the texts and exit codes that netnest shares with `ip netns` 6.1 (docs/ip-netns-behaviour.md) and,
//! above all, the deliberate differences listed in `docs/compatibility.md`. The byte-for-byte
//! comparison with `ip` over many scenarios is the differential suite's job (`differential.rs`).
//! They need root: without it each fails, saying so (`netnest_testkit::Sandbox`), rather than
//! pass having run nothing.

use std::process::Command;

use netnest_testkit::{Output, Sandbox};

const NETNEST: &str = env!("CARGO_BIN_EXE_netnest");

/// Runs the shell `script` in a fresh sandbox (`netnest_testkit::Sandbox`: private mount, network
/// and pid namespaces, tmpfs on `/run` and `/tmp`), with `$NN` the netnest binary. Always
/// `Some`; the `Option` keeps the tests' `let … else` shape.
fn sandbox(script: &str) -> Option<Output> {
    Some(
        Sandbox::new()
            .env("NN", NETNEST)
            .run(&["/bin/sh".into(), "-c".into(), script.into()]),
    )
}

/// stdout, stderr and the exit code of a sandboxed script, as text.
fn run(script: &str) -> Option<(String, String, i32)> {
    let out = sandbox(script)?;
    Some((
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.code,
    ))
}

fn has_strace() -> bool {
    Command::new("strace").arg("-V").output().is_ok()
}

// ---- Deliberate differences (docs/compatibility.md) ----

/// `ip -all netns delete` 6.1 stops at the first failing entry and exits 0; netnest reports the
/// same message, goes on with the others and exits 1.
#[test]
fn all_delete_goes_on_past_a_failing_entry() {
    // tmpfs lists newest first: `dir`, then `a`.
    let Some((out, err, _)) = run(r#"
        $NN add a && mkdir /run/netns/dir
        $NN -all delete; echo "rc=$?"
        ls -A /run/netns; grep -c ' - nsfs ' /proc/self/mountinfo
    "#) else {
        return;
    };
    assert_eq!(
        err,
        "Cannot remove namespace file \"/run/netns/dir\": Is a directory\n"
    );
    assert_eq!(out, "rc=1\ndir\n0\n");
}

/// With no failure, `-all delete` removes everything and exits 0; names after it are ignored.
#[test]
fn all_delete_removes_everything() {
    let Some((out, err, _)) = run(r#"
        $NN add a && $NN add b && $NN add c
        $NN -all delete ignored; echo "rc=$?"
        ls -A /run/netns; grep -c ' - nsfs ' /proc/self/mountinfo
    "#) else {
        return;
    };
    assert_eq!(err, "");
    assert_eq!(out, "rc=0\n0\n");
}

/// `ip netns delete` 6.1 follows a symlink in `umount2` and lazily unmounts whatever it points to;
/// netnest removes the link and leaves the mount alone.
#[test]
fn delete_of_a_symlink_keeps_the_mount_it_points_to() {
    let Some((out, err, _)) = run(r#"
        mkdir -p /run/mnt /run/netns && mount -t tmpfs tmpfs /run/mnt
        ln -s /run/mnt /run/netns/link
        $NN delete link; echo "rc=$?"
        grep -c ' /run/mnt ' /proc/self/mountinfo
        test -e /run/netns/link || test -L /run/netns/link || echo gone
    "#) else {
        return;
    };
    assert_eq!(err, "");
    assert_eq!(out, "rc=0\n1\ngone\n");
}

/// With several names for one namespace, `identify` prints the first in directory order (as
/// `list-id` does); `ip` 6.1 prints the last.
#[test]
fn identify_prints_the_first_of_several_names() {
    let Some((out, err, _)) = run(r#"
        $NN attach self1 $$ && $NN attach self2 $$
        $NN list; echo --; $NN identify $$; echo "rc=$?"
    "#) else {
        return;
    };
    assert_eq!(err, "");
    assert_eq!(out, "self2\nself1\n--\nself2\nrc=0\n");
}

/// `ip -all netns add X` 6.1 deletes every named namespace when creating X fails; netnest removes
/// only X's file.
#[test]
fn failed_all_add_keeps_the_other_namespaces() {
    assert!(
        has_strace(),
        "cannot run here: needs strace (Debian package strace) to make unshare fail"
    );
    let Some((out, err, _)) = run(r#"
        $NN add k1 && $NN add k2
        strace -f -qq -o /dev/null -e inject=unshare:error=EPERM $NN -all add x; echo "rc=$?"
        $NN list
    "#) else {
        return;
    };
    assert_eq!(
        err,
        "Failed to create a new network namespace \"x\": Operation not permitted\n"
    );
    assert_eq!(out, "rc=1\nk2\nk1\n");
}

// ---- Shared behaviour, spot checks of the texts of docs/ip-netns-behaviour.md ----

#[test]
fn add_list_delete() {
    let Some((out, err, _)) = run(r#"
        $NN list; $NN -j list; echo "rc=$?"
        $NN add a && $NN a 'b c' extra words && $NN; $NN -j; $NN -j -p show; $NN -p ls
        $NN add a; echo "rc=$?"
        $NN del a && $NN delete 'b c'; echo "rc=$?"
        $NN -j list; $NN -j -p list
        $NN delete a; echo "rc=$?"
        grep -c ' - nsfs ' /proc/self/mountinfo
    "#) else {
        return;
    };
    assert_eq!(
        out,
        concat!(
            "rc=0\n",
            "b c\na\n",
            "[{\"name\":\"b c\"},{\"name\":\"a\"}]\n",
            "[ {\n        \"name\": \"b c\"\n    },{\n        \"name\": \"a\"\n    } ]\n",
            "b c\na\n",
            "rc=1\n",
            "rc=0\n",
            "[]\n[ ]\n",
            "rc=1\n",
            "0\n",
        )
    );
    assert_eq!(
        err,
        concat!(
            "Cannot create namespace file \"/run/netns/a\": File exists\n",
            "Cannot remove namespace file \"/run/netns/a\": No such file or directory\n",
        )
    );
}

#[test]
fn names_are_bytes() {
    let Some(out) = sandbox(
        r#"
        $NN add "$(printf 'cr\rff\fbs\b')" && $NN add "$(printf 'x\001\033\177\377')"
        $NN -j list; $NN list
        $NN -all delete
    "#,
    ) else {
        return;
    };
    assert_eq!(
        out.stdout,
        b"[{\"name\":\"x\x01\x1b\x7f\xff\"},{\"name\":\"cr\\rff\\fbs\\b\"}]\nx\x01\x1b\x7f\xff\ncr\rff\x0cbs\x08\n"
    );
    assert_eq!(out.stderr, b"");
}

#[test]
fn argument_errors() {
    let Some((out, err, _)) = run(r#"
        for args in 'add' 'attach x' 'attach x 0' 'attach x 4298\ ' 'delete' 'pids' 'pids a b' \
                    'identify 1 2' 'identify self'; do
            eval "\$NN $args"; echo "rc=$?"
        done
        $NN list a/b; echo "rc=$?"
        $NN -all list a/b; echo "rc=$?"
        $NN foo; echo "rc=$?"
        $NN ''; echo "rc=$?"
        $NN -x list; echo "rc=$?"
        $NN --jp list; echo "rc=$?"
    "#) else {
        return;
    };
    assert_eq!(
        err,
        concat!(
            "No netns name specified\n",
            "No netns name and PID specified\n",
            "Invalid PID: 0\n",
            "Invalid PID: 4298 \n",
            "No netns name specified\n",
            "No netns name specified\n",
            "extra arguments specified\n",
            "extra arguments specified\n",
            "Specified string 'self' is not a pid\n",
            "Invalid netns name \"a/b\"\n",
            "Command \"foo\" is unknown, try \"netnest help\".\n",
            "Command \"\" is unknown, try \"netnest help\".\n",
            "Option \"-x\" is unknown, try \"netnest -help\".\n",
            "Option \"-jp\" is unknown, try \"netnest -help\".\n",
        )
    );
    assert_eq!(
        out,
        "rc=1\nrc=1\nrc=1\nrc=1\nrc=1\nrc=1\nrc=1\nrc=1\nrc=1\nrc=255\nrc=0\nrc=255\nrc=255\nrc=255\nrc=255\n"
    );
}

#[test]
fn usage() {
    let Some((out, err, rc)) = run("$NN help me") else {
        return;
    };
    assert_eq!(out, "");
    assert_eq!(rc, 255);
    assert_eq!(
        err,
        concat!(
            "Usage:\tnetnest list\n",
            "\tnetnest add NAME\n",
            "\tnetnest attach NAME PID\n",
            "\tnetnest set NAME NETNSID\n",
            "\tnetnest [-all] delete [NAME]\n",
            "\tnetnest identify [PID]\n",
            "\tnetnest pids NAME\n",
            "\tnetnest [-all] exec [NAME] cmd ...\n",
            "\tnetnest monitor\n",
            "\tnetnest list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n",
            "NETNSID := auto | POSITIVE-INT\n",
        )
    );
}

#[test]
fn attach_identify_pids() {
    let Some((out, err, _)) = run(r#"
        $NN identify; echo "rc=$?"
        $NN attach here +$$ && $NN identify && $NN identify $$
        $NN pids here | grep -qx $$ && echo found
        $NN attach neg -1; echo "rc=$?"
        mkdir /run/netns/d && $NN -all pids ''; echo "rc=$?"
        $NN pids nope; echo "rc=$?"
        $NN identify 007; echo "rc=$?"
    "#) else {
        return;
    };
    assert_eq!(out, "\nrc=0\nhere\nhere\nfound\nrc=1\nrc=0\nrc=1\nrc=1\n");
    assert_eq!(
        err,
        concat!(
            "Bind /proc/-1/ns/net -> /run/netns/neg failed: No such file or directory\n",
            "Cannot open network namespace: No such file or directory\n",
            "Cannot open network namespace: No such file or directory\n",
        )
    );
}

#[test]
fn run_directory_errors() {
    let Some((out, err, _)) = run(r#"
        touch /run/netns
        $NN list; $NN -j list; echo "rc=$?"
        $NN add x; echo "rc=$?"
        $NN -all delete; echo "rc=$?"
        $NN identify; echo "rc=$?"
        rm /run/netns; $NN -all delete; echo "rc=$?"
    "#) else {
        return;
    };
    assert_eq!(out, "rc=0\nrc=1\nrc=1\nrc=1\nrc=0\n");
    assert_eq!(
        err,
        concat!(
            "Cannot open netns runtime directory \"/run/netns\": Not a directory\n",
            "Failed to open directory /run/netns: Not a directory\n",
            "Failed to open directory /run/netns:Not a directory\n",
        )
    );
}

// ---- Batch mode ----

#[test]
fn batch_stops_at_the_first_failure_unless_forced() {
    let Some((out, err, _)) = run(r#"
        printf 'netns add a\nadd a\n# comment\n\nnet list\n' > /run/batch
        $NN -batch /run/batch; echo "rc=$?"
        $NN -force -b /run/batch; echo "rc=$?"
        $NN -force -b - < /run/batch; echo "rc=$?"
    "#) else {
        return;
    };
    assert_eq!(out, "rc=1\na\nrc=1\na\nrc=1\n");
    let exists = "Cannot create namespace file \"/run/netns/a\": File exists\n";
    let expected = [
        exists,
        "Command failed /run/batch:2\n",
        exists,
        "Command failed /run/batch:1\n",
        exists,
        "Command failed /run/batch:2\n",
        exists,
        "Command failed -:1\n",
        exists,
        "Command failed -:2\n",
    ];
    assert_eq!(err, expected.concat());
}

#[test]
fn batch_words_and_fatal_errors() {
    let Some((out, err, _)) = run(r#"
        # A continued line; quotes only open a word: `x"y` and `z"` are two words.
        printf '%s\n' 'add "a b" '"'c d'e" 'netns add x\' '"y z"' 'list' > /run/b1
        $NN -b /run/b1; echo "rc=$?"
        printf '%s\n' 'add q' 'link show' '-j list' 'add ..' 'list' > /run/b2
        $NN -force -b /run/b2; echo "rc=$?"
        printf '%s\n' 'add r' 'add "unterminated' 'list' > /run/b3
        $NN -force -b /run/b3; echo "rc=$?"
        printf '%s\n' 'add s' 'help' > /run/b4
        $NN -force -b /run/b4; echo "rc=$?"
        $NN -b /run/missing; echo "rc=$?"
    "#) else {
        return;
    };
    assert_eq!(out, "x\"y\na b\nrc=0\nrc=255\nrc=1\nrc=255\nrc=1\n");
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some("Object \"link\" is unknown, try \"netnest help\".")
    );
    assert_eq!(lines.next(), Some("Command failed /run/b2:2"));
    assert_eq!(
        lines.next(),
        Some("Object \"-j\" is unknown, try \"netnest help\".")
    );
    assert_eq!(lines.next(), Some("Command failed /run/b2:3"));
    assert_eq!(lines.next(), Some("Invalid netns name \"..\""));
    assert_eq!(lines.next(), Some("Unterminated quoted string"));
    assert_eq!(lines.next(), Some("Usage:\tnetnest list"));
    let rest: Vec<&str> = lines.collect();
    assert_eq!(
        rest.last(),
        Some(&"Cannot open file \"/run/missing\" for reading: No such file or directory")
    );
}

/// Removes a cgroup directory tree made by a test (deepest first), also when the test fails.
struct CgroupDir(std::path::PathBuf);

impl Drop for CgroupDir {
    fn drop(&mut self) {
        let mut dirs: Vec<_> = walk(&self.0);
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in dirs {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                all.extend(walk(&e.path()));
            }
        }
    }
    all
}

/// An extension: `attach NAME container:ID` names a container's namespace, found by its id (or a
/// unique prefix) in the cgroups of the processes (here a Docker systemd-driver scope on cgroup
/// v2, made for the test, with a real process in a real namespace).
#[test]
fn attach_names_a_containers_namespace() {
    let root = netnest_testkit::mountinfo::mounts()
        .into_iter()
        .find(|m| m.fstype == "cgroup2")
        .map(|m| m.point)
        .expect("cannot run here: no cgroup2 hierarchy is mounted");
    let id = "c0ffee".repeat(10) + "0123";
    let top = root.join(format!("netnest-test-cli-{}", std::process::id()));
    let _cleanup = CgroupDir(top.clone());
    let scope = top.join(format!("system.slice/docker-{id}.scope"));
    let script = format!(
        r#"
        $NN add box
        $NN exec box sleep 600 & P=$!
        mkdir -p {scope}
        echo $P > {scope}/cgroup.procs
        # The exec has entered box only once identify says so (a loaded machine is slow to exec).
        i=0
        until [ "$($NN identify $P)" = box ]; do
            i=$((i + 1)); [ $i -lt 3000 ] || {{ echo "exec never entered box" >&2; break; }}
            sleep 0.01
        done
        $NN attach named container:c0ffeec0ffee; echo "rc=$?"
        [ "$(stat -L -c %i /run/netns/named)" = "$(stat -L -c %i /run/netns/box)" ] && echo same
        $NN attach other container:deadbeef; echo "rc=$?"
        $NN attach other container:xyz; echo "rc=$?"
        kill $P; wait $P 2>/dev/null
        "#,
        scope = scope.display()
    );
    let Some((out, err, _)) = run(&script) else {
        return;
    };
    assert_eq!(out, "rc=0\nsame\nrc=1\nrc=1\n", "stderr: {err}");
    assert_eq!(
        err,
        "Cannot find container \"deadbeef\": no running container has an id starting with \"deadbeef\"\n\
         Cannot find container \"xyz\": \"xyz\" is not a container id (hexadecimal digits)\n"
    );
}

/// `netnest lab …` is wired to the lab crate: up, status, exec, down, in the command's registry.
#[test]
fn lab_up_status_exec_down() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/labs/two-hosts-router.toml"
    );
    let Some((out, err, code)) = run(&format!(
        r#"
        $NN lab up {file}; echo "up=$?"
        $NN list | sort
        $NN lab status trio | head -1
        $NN lab exec trio h1 sh -c 'ls /sys/class/net | sort | tr "\n" " "'; echo
        $NN la down trio; echo "down=$?"
        $NN list; ls /run/netnest/labs
        "#
    )) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("up=0\ntrio-h1\ntrio-h2\ntrio-r\ntrio up nodes 3 file {file}\neth0 lo \ndown=0\n"),
        "stderr: {err}"
    );
}

/// `netnest prune` removes the empty mode-0 files an interrupted add leaves, and only those: not
/// a live namespace, a directory, a symlink or a file with content or permissions.
#[test]
fn prune_removes_only_stale_entries() {
    let Some((out, err, code)) = run(r#"
        $NN add live
        : > /run/netns/stale; chmod 0 /run/netns/stale
        mkdir /run/netns/dir; ln -s /nowhere /run/netns/link; echo x > /run/netns/text
        $NN prune; echo "rc=$?"
        $NN -j prune
        ls /run/netns | sort | tr '\n' ' '
    "#) else {
        return;
    };
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "stale\nrc=0\n[]\ndir link live text ");
}

/// `netnest inspect NAME` (an extension): the nsid, the processes and the links with their state
/// and addresses, as the kernel reports them.
#[test]
fn inspect_shows_nsid_pids_and_links() {
    let Some((out, err, code)) = run(r#"
        $NN add blue && $NN set blue 5
        $NN exec blue sleep 30 & P=$!
        while [ "$($NN pids blue)" = "" ]; do sleep 0.01; done
        ip -n blue link add v0 type veth peer name v1
        ip -n blue addr add 10.0.0.1/24 dev v0
        ip -n blue link set v0 up
        $NN inspect blue | sed "s/^pids $P$/pids P/"
        $NN -j in blue | grep -o '"ifname":"v0","index":[0-9]*,"kind":"veth"'
        $NN inspect nope; echo "rc=$?"
        kill $P
    "#) else {
        return;
    };
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "blue (id: 5)\npids P\nlo               DOWN           \nv1               DOWN           \n\
         v0               LOWERLAYERDOWN 10.0.0.1/24\n\"ifname\":\"v0\",\"index\":3,\"kind\":\"veth\"\nrc=1\n"
    );
    assert_eq!(
        err,
        "Cannot open network namespace \"nope\": No such file or directory\n"
    );
}

/// A FIFO, a socket and a device node in the run directory: every command that opens an entry
/// answers at once (a plain open of a FIFO waits for a writer for ever), with `ip`'s exact output
/// wherever `ip` itself answers. Where `ip` 6.1 hangs (every open of the FIFO, and `list` and
/// `list-id`, which open every entry), netnest's answer is the one for a file that is not a
/// namespace (docs/compatibility.md).
#[test]
fn fifo_socket_and_device_entries_never_hang() {
    let Some((out, err, code)) = run(r#"
        mkdir /run/netns && mkfifo /run/netns/fifo && mknod /run/netns/dev c 1 3
        python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("/run/netns/sock")'
        $NN add live
        for case in "pids fifo" "pids sock" "pids dev" "exec fifo true" "exec sock true" \
            "exec dev true" "set fifo 5" "set sock 5" "set dev 5" "inspect fifo" "list" \
            "list-id" "identify"; do
            timeout 20 $NN $case >/run/nn.out 2>/run/nn.err; nrc=$?
            [ $nrc = 124 ] && echo "netnest hangs: $case"
            case $case in inspect*) echo "$case: rc=$nrc $(tr '\n' '|' </run/nn.err)"; continue;; esac
            timeout 3 ip netns $case >/run/ip.out 2>/run/ip.err; irc=$?
            if [ $irc = 124 ]; then
                echo "ip hangs: $case: rc=$nrc $(cat /run/nn.out /run/nn.err | tr '\n' '|')"
            elif [ $nrc != $irc ] || ! cmp -s /run/nn.out /run/ip.out || ! cmp -s /run/nn.err /run/ip.err; then
                echo "differ: $case: netnest rc=$nrc $(cat /run/nn.out /run/nn.err | tr '\n' '|')" \
                    "ip rc=$irc $(cat /run/ip.out /run/ip.err | tr '\n' '|')"
            fi
        done
    "#) else {
        return;
    };
    assert_eq!((err.as_str(), code), ("", 0), "{out}");
    let stale = "Error: Peer netns reference is invalid.|";
    let expected = [
        "ip hangs: pids fifo: rc=0 ".to_owned(),
        "ip hangs: exec fifo true: rc=255 setting the network namespace \"fifo\" failed: Invalid argument|".to_owned(),
        format!("ip hangs: set fifo 5: rc=2 {stale}"),
        // No hint: `prune` removes only the empty mode-0 files that interrupted adds leave.
        "inspect fifo: rc=1 Cannot open network namespace \"fifo\": Invalid argument|".to_owned(),
        format!("ip hangs: list: rc=0 live|sock|dev|fifo|{}", stale.repeat(4)),
        format!("ip hangs: list-id: rc=0 {}", stale.repeat(2)),
    ];
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, expected, "{out}");
}

/// `monitor` when the kernel's inotify queue overflows (both monitors stopped while 20 000 files
/// come and go) and when the run directory is removed and made again. netnest says on stderr that
/// events were lost, prints the difference it found by reading the directory again (so replaying
/// its lines gives what is there), and goes on watching the new directory; `ip` 6.1 loses the
/// events silently and goes deaf (docs/compatibility.md).
#[test]
fn monitor_survives_overflow_and_a_new_run_directory() {
    let Some((out, err, code)) = run(r#"
        $NN add first
        $NN monitor >/run/nn.out 2>/run/nn.err & nn=$!
        stdbuf -oL ip netns monitor >/run/ip.out 2>/run/ip.err & ip=$!
        sleep 0.5
        kill -STOP $nn $ip
        (cd /run/netns && seq 1 20000 | xargs touch && rm -f [0-9]* && touch kept)
        kill -CONT $nn $ip
        sleep 2
        replay() {
            awk '$1 == "add" { s[$2] = 1 } $1 == "delete" { delete s[$2] } END { for (n in s) print n }' "$1" | sort | tr '\n' ' '
        }
        echo "nn: $(replay /run/nn.out)"
        echo "ip: $(replay /run/ip.out | wc -w) names"
        echo "nn stderr: $(cat /run/nn.err)"
        echo "ip stderr: $(cat /run/ip.err)"
        # The run directory removed and made again.
        $NN -all delete && umount /run/netns && rmdir /run/netns
        sleep 0.3
        $NN add again
        sleep 1
        echo "nn last: $(tail -n 1 /run/nn.out)"
        echo "ip last: $(tail -n 1 /run/ip.out)"
        kill $nn $ip
    "#) else {
        return;
    };
    assert_eq!((err.as_str(), code), ("", 0), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "nn: kept ", "{out}");
    assert_ne!(lines[1], "ip: 1 names", "ip loses events: {out}");
    assert_eq!(
        lines[2],
        "nn stderr: Warning: events were lost (inotify queue overflow); the lines that follow are \
         what changed meanwhile, from reading /run/netns again",
        "{out}"
    );
    assert_eq!(lines[3], "ip stderr: ", "{out}");
    assert_eq!(lines[4], "nn last: add again", "{out}");
    // ip's last line is from the `-all delete`: it never sees `again`.
    assert!(
        lines[5].starts_with("ip last: delete "),
        "ip goes deaf: {out}"
    );
    assert_eq!(lines.len(), 6, "{out}");
}
