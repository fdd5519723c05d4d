// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab …` (netnest's own subcommand), run as the binary inside a sandbox: a private mount
//! and network namespace with a tmpfs on `/run`, so the labs' namespaces, host interfaces and
//! records are the sandbox's own. They need root: without it each fails, saying so.

#[allow(dead_code)] // the helpers this file does not use
mod common;

use common::sh;

/// up, status (plain and JSON), exec, a node removed by hand, down twice: texts and exit codes.
#[test]
fn up_status_exec_down() {
    let (out, err, code) = sh(r#"
        F=$EX/two-hosts-router.toml
        $NN lab up $F name t1 2>&1; echo "up rc=$?"
        $NN lab status t1 | sed 's/ file .*//' | grep -v '^        '
        $NN lab st | sed 's/ file .*//'
        $NN -j lab status | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["name"], d[0]["state"], len(d[0]["nodes"]))'
        $NN lab -j -p status t1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print([n["namespace"] for n in d[0]["nodes"]])'
        $NN lab up $F name t1 >/run/again 2>&1; rc=$?; sed 's/ in .*//' /run/again; echo "again rc=$rc"
        $NN lab exec t1 h1 sh -c 'ip -o addr show eth0 | grep -q 10.0.1.2'; echo "exec rc=$?"
        $NN lab exec t1 h1 sh -c 'exit 7'; echo "exit rc=$?"
        { $NN lab exec t1 h1 sh -c 'kill -9 $$'; echo "killed rc=$?"; } 2>/dev/null
        $NN lab exec t1 nope true 2>&1; echo "nope rc=$?"
        $NN lab exec t1 h1 /nonexistent 2>&1; echo "noexec rc=$?"
        $NN exec t1-h1 /nonexistent 2>&1; echo "netns exec rc=$?"
        ip netns delete t1-h2
        $NN lab status t1 | sed 's/ file .*//' | grep -v '^        '
        $NN lab down t1 2>&1; echo "down rc=$?"
        $NN lab down t1 2>&1; echo "down again rc=$?"
        ls -A /run/netns /run/netnest/labs
        "#);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "up rc=0\n\
         t1 up nodes 3\n    node h1 netns t1-h1\n    node h2 netns t1-h2\n    node r netns t1-r\n\
         t1 up nodes 3\n\
         t1 up 3\n\
         ['t1-h1', 't1-h2', 't1-r']\n\
         lab \"t1\" is already recorded\nnetnest lab down t1 removes it; or build this file under another name: netnest lab up FILE name NEWNAME\nagain rc=1\n\
         exec rc=0\n\
         exit rc=7\n\
         killed rc=137\n\
         lab t1 has no node \"nope\" (its nodes are: h1, h2, r)\nnope rc=1\n\
         exec of \"/nonexistent\" failed: No such file or directory\nnoexec rc=1\n\
         exec of \"/nonexistent\" failed: No such file or directory\nnetns exec rc=1\n\
         t1 degraded nodes 3\n    node h1 netns t1-h1\n    node h2 netns t1-h2 (missing)\n    node r netns t1-r\n\
         down rc=0\n\
         lab \"t1\" is not up: nothing to do\ndown again rc=0\n\
         /run/netnest/labs:\n\n/run/netns:\n"
    );
}

/// Wrong words, wrong files, `down FILE`, `help`.
#[test]
fn errors_files_and_help() {
    let (out, err, code) = sh(r#"
        printf 'name = "badlab"\n[nodes.a]\n[[links]]\na = "a"\nb = "zz"\n' >/run/bad.toml
        $NN lab up /run/bad.toml 2>&1 | head -1 | sed 's/ (.*//'; ls -A /run/netns 2>/dev/null | wc -l
        $NN lab frobnicate 2>&1; echo "rc=$?"
        $NN lab down 2>&1; echo "rc=$?"
        $NN lab down missing.toml 2>&1; echo "rc=$?"
        sed 's/^name = .*/name = "cf"/' $EX/chain.toml >/run/cf.toml
        $NN lab up /run/cf.toml && $NN lab down /run/cf.toml 2>&1; echo "down file rc=$?"
        ls -A /run/netns
        $NN lab help; echo "rc=$?"
        "#);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    // `lab help` prints what `lab --help` prints (the reference's text, checked in its tests).
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_netnest"))
        .args(["lab", "--help"])
        .output()
        .unwrap();
    let usage = String::from_utf8(help.stdout).unwrap();
    assert!(usage.starts_with("Usage: netnest lab "), "{usage}");
    assert_eq!(
        out,
        format!(
            "/run/bad.toml:5:6: unknown node \"zz\"\n0\n\
             Command \"frobnicate\" is unknown, try \"netnest lab help\".\nrc=255\n\
             lab down: which lab (NAME or FILE)?\nrc=255\n\
             no lab or topology file \"missing.toml\"\nrc=1\n\
             down file rc=0\n\
             {usage}rc=0\n"
        )
    );
}

/// A lab of 20 nodes or more on a terminal gets a progress bar on stderr, cleared at the end;
/// not on a pipe.
#[test]
fn progress_bar_on_a_terminal() {
    let (out, err, code) = sh(r#"
        { echo 'name = "pb"'; i=0; while [ $i -lt 25 ]; do echo "[nodes.n$i]"; i=$((i + 1)); done; } >/run/pb.toml
        script -qec "$NN lab up /run/pb.toml" /dev/null | od -An -c | tr -s ' \n' ' '; echo
        $NN lab down pb
        $NN lab up /run/pb.toml 2>&1 | wc -c
        $NN lab down pb
        "#);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let mut lines = out.lines();
    let tty = lines.next().unwrap_or_default();
    assert!(tty.contains("[ #"), "{tty}");
    assert!(tty.contains("n a m e s p a c e s"), "{tty}");
    assert!(tty.trim_end().ends_with("\\r 033 [ K"), "{tty}");
    assert_eq!(lines.next(), Some("0"), "nothing on a pipe");
}

/// `down` stops what runs in the nodes and names it; `--force`; records that cannot be read are
/// reported by `status` (rc 1) and refused by `down`, which removes nothing; files that are not
/// topologies.
#[test]
fn processes_force_unreadable_records_and_hostile_files() {
    let (out, err, code) = sh(r#"
        sed 's/^name = .*/name = "ps"/' $EX/chain.toml >/run/ps.toml
        $NN lab up /run/ps.toml
        $NN lab exec ps h1 sleep 120 & sleep 0.5
        $NN lab down ps 2>&1 | sed 's/process [0-9]*/process N/'; echo "down rc=$?"
        wait $!; echo "exec rc=$?"
        $NN lab up /run/ps.toml && $NN lab down --force ps 2>&1; echo "force rc=$?"
        echo 'lab = [[[' >/run/netnest/labs/bad.toml
        $NN lab status 2>&1; echo "status rc=$?"
        $NN lab down bad 2>&1; echo "down bad rc=$?"
        rm /run/netnest/labs/bad.toml
        $NN lab up /dev/zero 2>&1; echo "zero rc=$?"
        ls -A /run/netns /run/netnest/labs
        "#);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "stopped: process N (sleep) in ps-h1\ndown rc=0\n\
         exec rc=143\n\
         force rc=0\n\
         cannot read the record /run/netnest/labs/bad.toml of lab \"bad\": it is damaged (unclosed array, expected `]`)\nstatus rc=1\n\
         cannot read /run/netnest/labs/bad.toml of lab \"bad\": it is damaged (unclosed array, expected `]`); nothing was removed (remove what the lab made by hand, then that file)\ndown bad rc=1\n\
         /dev/zero: not a regular file: a topology is read from a TOML file\nzero rc=1\n\
         /run/netnest/labs:\n\n/run/netns:\n"
    );
}
