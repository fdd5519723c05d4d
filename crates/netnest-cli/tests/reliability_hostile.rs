// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, hostile input on the command line.
//!
//! * **Names in every name position** (`add`, `delete`, `attach`, `exec`, `pids`, `identify`,
//!   `set`, `list-id`): a property test over arbitrary argv bytes (a seeded generator aimed at
//!   iproute2's rule: empty, `.`, `..`, `/`, lengths around 255, control bytes, invalid UTF-8,
//!   leading dashes, format strings, paths). The result is either iproute2's
//!   `Invalid netns name "…"` with rc 255 and nothing touched, or the command's normal path with
//!   `ip`'s text; and nothing is ever created, changed or removed outside `/run/netns` (the
//!   sandbox's `/run` and `/tmp` are listed recursively, and the mount table read, before and
//!   after every run; everything else is remounted read-only). A sample of the runs is traced
//!   with strace: no path the command touches names the word anywhere but `/run/netns/NAME` (or
//!   `/proc/NAME/ns/net` for `identify`), and an invalid name touches nothing under `/run`.
//!   Another sample runs differentially against `ip netns` (stdout, stderr, rc, what is left in
//!   `/run` and `/tmp`).
//! * **`-all`**, which skips the name check (as in `ip`), with the names it lets through, against
//!   `ip`; and the finding that both programs then create files outside the run directory.
//! * **`-n`** values (empty, `a/b`, `..`, `.`, unknown, long, a newline, repeated): against `ip`.
//! * **Batch files**: random bytes (NUL bytes, huge lines, thousands of words, unterminated
//!   quotes, continuation at the end of the file) never panic or hang and print only the texts
//!   `ip -batch` prints; structured random files and the edge cases above agree with
//!   `ip -batch` byte for byte.
//!
//! The property loops run inside one sandbox each (see `reliability_support`); by hand, at scale:
//! `scripts/stress/cli_run.sh 10 hostile`.

#[allow(dead_code)]
mod common;
mod reliability_support;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netnest_testkit::{Arg, Expect, Output};
use reliability_support::{
    argv, entry_path, figures, finish, inner_allowed, mount_points, run, run_inner, scaled, seed,
    sh, show, tree, tree_diff, valid_name, Out, Rng, Sleeper, NETNEST, RUN_DIR,
};

const T: Duration = Duration::from_secs(20);

/// The subcommands whose first argument goes through the name check.
const SUBCOMMANDS: [&str; 8] = [
    "add", "delete", "attach", "exec", "pids", "identify", "set", "list-id",
];

/// Where the property loop keeps its own files (strace output): not part of what it compares.
const WORK: &str = "/tmp/hostile-work";

/// A word for the name position: aimed at iproute2's rule and at what a shell, `printf` or a
/// path would make of it. Never a NUL (argv cannot hold one).
fn hostile_name(rng: &mut Rng) -> Vec<u8> {
    const TRICKY: &[&[u8]] = &[
        b"",
        b".",
        b"..",
        b"...",
        b"./",
        b"../x",
        b"../../tmp/x",
        b"../../../etc/passwd",
        b"/",
        b"//",
        b"a/",
        b"/a",
        b"/tmp/x",
        b"/run/netns/x",
        b"a/../../b",
        b"-",
        b"--all",
        b"-all",
        b"-n",
        b" ",
        b"\n",
        b"\t",
        b"\xff",
        b"*",
        b"~",
        b"$HOME",
        b"%s%n%x%p",
        b"\\",
        b"'",
        b"\"",
        b"1",
        b"007",
        b"self",
        b"netns",
        b"list",
        b"..\n",
        b"\x1b[31m",
    ];
    if rng.chance(1, 8) {
        return TRICKY[rng.below(TRICKY.len())].to_vec();
    }
    let len = match rng.below(10) {
        0 => 1 + rng.below(3),
        1 => 253 + rng.below(5),
        2 => rng.below(600),
        3 if rng.chance(1, 4) => 4096 + rng.below(2000),
        _ => 1 + rng.below(40),
    };
    const SPECIAL: &[u8] = b"/.\xff\n \\-*\"'\t\x7f%$`;|&<>";
    (0..len)
        .map(|_| {
            if rng.chance(1, 30) {
                SPECIAL[rng.below(SPECIAL.len())]
            } else if rng.chance(1, 2) {
                b'a' + rng.below(26) as u8
            } else {
                1 + rng.below(255) as u8
            }
        })
        .collect()
}

/// The words after `netnest` for `sub` with `name` in the name position.
fn words_for(sub: &str, name: &[u8], pid: u32) -> Vec<Vec<u8>> {
    let mut w = vec![sub.as_bytes().to_vec(), name.to_vec()];
    match sub {
        "attach" => w.push(pid.to_string().into_bytes()),
        "exec" => w.push(b"true".to_vec()),
        "set" => w.push(b"7".to_vec()),
        _ => {}
    }
    w
}

fn err(parts: &[&[u8]]) -> Vec<u8> {
    let mut v = parts.concat();
    v.push(b'\n');
    v
}

/// What a run may print and leave, for a name that the name check lets through (the run
/// directory holds nothing else).
fn normal_path(sub: &str, name: &[u8]) -> Vec<(i32, Vec<u8>, Vec<u8>)> {
    let enoent = b"No such file or directory";
    match sub {
        "add" | "attach" => vec![(0, vec![], vec![])],
        "delete" => vec![(
            1,
            vec![],
            err(&[
                b"Cannot remove namespace file \"",
                entry_path(name).as_os_str().as_bytes(),
                b"\": ",
                enoent,
            ]),
        )],
        "exec" => vec![(
            255,
            vec![],
            err(&[b"Cannot open network namespace \"", name, b"\": ", enoent]),
        )],
        "pids" => vec![(
            1,
            vec![],
            err(&[b"Cannot open network namespace: ", enoent]),
        )],
        "identify" if !name.iter().all(u8::is_ascii_digit) => {
            vec![(
                1,
                vec![],
                err(&[b"Specified string '", name, b"' is not a pid"]),
            )]
        }
        "identify" => {
            let proc = [b"/proc/", name, b"/ns/net"].concat();
            if Path::new(std::ffi::OsStr::from_bytes(&proc)).exists() {
                // No namespace has a name here.
                vec![(0, b"\n".to_vec(), vec![])]
            } else {
                vec![(
                    1,
                    vec![],
                    err(&[b"Cannot open network namespace: ", enoent]),
                )]
            }
        }
        "set" => vec![(
            1,
            vec![],
            err(&[b"Cannot open network namespace \"", name, b"\": ", enoent]),
        )],
        // Any word but `target-nsid` and `nsid` is a usage error.
        "list-id" => vec![(
            255,
            vec![],
            common::USAGE
                .replace("ip netns", "netnest")
                .replace("ip [-all] netns", "netnest [-all]")
                .into_bytes(),
        )],
        _ => unreachable!(),
    }
}

/// Decodes the strings of an `strace -xx` line (every byte written `\xHH`).
fn strace_strings(line: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(start) = line[i..].iter().position(|&b| b == b'"') {
        let mut j = i + start + 1;
        let mut s = Vec::new();
        while j < line.len() && line[j] != b'"' {
            if line[j] == b'\\' && line.get(j + 1) == Some(&b'x') {
                let hex = std::str::from_utf8(&line[j + 2..j + 4]).unwrap_or("00");
                s.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                j += 4;
            } else {
                s.push(line[j]);
                j += 1;
            }
        }
        out.push(s);
        i = j + 1;
        if i >= line.len() {
            break;
        }
    }
    out
}

/// Checks what a traced run touched: returns the problems. Every string argument of a file
/// system call must be one the program uses whatever the name (the dynamic loader's files,
/// `/proc`, the mount points of `exec`), or the run directory, or the name's own places: its
/// entry, `/etc/netns/NAME` and the sysfs source of `exec` (docs/ip-netns-behaviour.md, "exec"). An invalid name
/// reaches nothing under `/run`.
fn traced_paths_problems(trace: &[u8], name: &[u8]) -> Vec<String> {
    const FIXED: &[&[u8]] = &[b"", b"/", b"/proc", b"/sys", b"/sys/fs/cgroup", b"sysfs"];
    const PREFIXES: &[&[u8]] = &[
        b"/proc/",
        b"/lib/",
        b"/lib64/",
        b"/usr/lib/",
        b"/etc/ld.so.",
    ];
    let mut problems = Vec::new();
    let entry = entry_path(name).into_os_string().into_vec();
    let etc = [b"/etc/netns/", name].concat();
    for line in trace.split(|&b| b == b'\n') {
        // The pid (padded), then the call.
        let call = line.trim_ascii_start();
        let digits = call.iter().take_while(|b| b.is_ascii_digit()).count();
        let call = call[digits..].trim_ascii_start();
        if call.starts_with(b"execve") || call.starts_with(b"+++") || call.starts_with(b"---") {
            continue;
        }
        for s in strace_strings(call) {
            let ok = FIXED.contains(&&s[..])
                || PREFIXES.iter().any(|p| s.starts_with(p))
                || (valid_name(name)
                    && (s == RUN_DIR.as_bytes() || s == entry || s == etc || s == name));
            if !ok {
                problems.push(format!(
                    "touched \"{}\" in: {}",
                    s.escape_ascii(),
                    String::from_utf8_lossy(call)
                ));
            }
        }
    }
    problems
}

/// The trace check itself: it passes what the program does, and catches an escape.
#[test]
fn the_trace_check_catches_escapes() {
    let hex = |s: &[u8]| s.iter().map(|b| format!("\\x{b:02x}")).collect::<String>();
    let line =
        |call: &str, path: &[u8]| format!("  42 {call}(AT_FDCWD, \"{}\", O_RDONLY) = 3", hex(path));
    let good = [
        line("openat", b"/etc/ld.so.cache"),
        line("mkdirat", b"/run/netns"),
        line("open", b"/run/netns/a b"),
        line("open", b"/proc/thread-self/ns/net"),
    ]
    .join("\n");
    assert!(traced_paths_problems(good.as_bytes(), b"a b").is_empty());
    for bad in [
        &b"/run/netns/other"[..],
        b"/tmp/a b",
        b"/run/x",
        b"/etc/passwd",
        b"/run/netns/../x",
    ] {
        let trace = line("open", bad);
        assert_eq!(
            traced_paths_problems(trace.as_bytes(), b"a b").len(),
            1,
            "{bad:?}"
        );
    }
    // An invalid name reaches nothing under /run.
    let trace = line("open", b"/run/netns");
    assert_eq!(traced_paths_problems(trace.as_bytes(), b"a/b").len(), 1);
}

/// Makes everything outside `/run`, `/tmp` and `/proc` read-only in this (the sandbox's own)
/// mount namespace, and `/proc/sys` too: whatever a bug did with a hostile name, it could only
/// write to the sandbox's tmpfs filesystems.
fn read_only_elsewhere() {
    sh(r#"
        awk '{ print $5 }' /proc/self/mountinfo | sort -u | while read -r m; do
            case $m in /proc|/proc/*|/run|/run/*|/tmp|/tmp/*) continue ;; esac
            mount -o remount,bind,ro "$m"
        done
        mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys
    "#);
}

#[derive(Debug, Default)]
struct Tally {
    runs: usize,
    invalid: usize,
    valid: usize,
    created: usize,
    traced: usize,
    by_sub: BTreeMap<String, usize>,
}

#[test]
fn names_in_every_name_position() {
    run_inner(
        "inner_names_in_every_name_position",
        Duration::from_secs(180),
    );
}

#[test]
#[ignore = "helper: runs inside the sandbox of names_in_every_name_position"]
fn inner_names_in_every_name_position() {
    if !inner_allowed("inner_names_in_every_name_position") {
        return;
    }
    let started = Instant::now();
    read_only_elsewhere();
    std::fs::create_dir(WORK).unwrap();
    let sleeper = Sleeper::new();
    let pid = sleeper.pid();
    // The run directory exists and is a shared mount, so an add changes nothing but its entry.
    assert_eq!(run(&argv([NETNEST, "add", "warm-up"]), T).code, 0);
    assert_eq!(run(&argv([NETNEST, "delete", "warm-up"]), T).code, 0);

    let mut rng = Rng::new(seed(0x686f_7374_696c_6531));
    let mut t = Tally::default();
    let names = scaled(90);
    for n in 0..names {
        let name = hostile_name(&mut rng);
        for sub in SUBCOMMANDS {
            let words = words_for(sub, &name, pid);
            let traced = rng.chance(1, 10);
            let mut cmd: Vec<OsString> = Vec::new();
            let trace_file = format!("{WORK}/trace");
            if traced {
                cmd.extend(argv([
                    "strace",
                    "-f",
                    "-qq",
                    "-xx",
                    "-s",
                    "65535",
                    "-o",
                    &trace_file,
                    "-e",
                    "trace=%file,mount,umount2",
                ]));
                t.traced += 1;
            }
            cmd.push(NETNEST.into());
            cmd.extend(argv(&words));
            let files_before = tree(&["/run", "/tmp"], &[WORK]);
            let mounts_before = mount_points();
            let out = run(&cmd, T);
            let files_after = tree(&["/run", "/tmp"], &[WORK]);
            let mounts_after = mount_points();
            let what = format!("name #{n} `netnest {}`", show(&argv(&words)));
            t.runs += 1;
            *t.by_sub.entry(sub.to_owned()).or_default() += 1;
            assert!(
                out.code != 101 && !out.stderr.windows(8).any(|w| w == b"panicked"),
                "{what} panicked: {out:?}"
            );

            if !valid_name(&name) {
                t.invalid += 1;
                let expected = Out {
                    stdout: vec![],
                    stderr: err(&[b"Invalid netns name \"", &name, b"\""]),
                    code: 255,
                };
                assert_eq!(out, expected, "{what}");
                assert!(
                    files_before == files_after && mounts_before == mounts_after,
                    "{what} changed something:\n{}",
                    tree_diff(&files_before, &files_after)
                );
            } else {
                t.valid += 1;
                let allowed = normal_path(sub, &name);
                assert!(
                    allowed.contains(&(out.code, out.stdout.clone(), out.stderr.clone())),
                    "{what}: {out:?}, expected one of {allowed:?}"
                );
                let entry = entry_path(&name);
                if out.code == 0 && (sub == "add" || sub == "attach") {
                    t.created += 1;
                    let mut expected = files_before.clone();
                    expected.insert(entry.clone(), "f 444 0".into());
                    assert!(
                        files_after == expected,
                        "{what} made more than its entry:\n{}",
                        tree_diff(&files_before, &files_after)
                    );
                    let mut expected_mounts = mounts_before.clone();
                    expected_mounts.push((entry.clone(), "nsfs".into()));
                    expected_mounts.sort();
                    assert_eq!(mounts_after, expected_mounts, "{what}");
                    let undo = run(&argv([NETNEST.as_bytes(), b"delete", &name]), T);
                    assert_eq!(undo.code, 0, "undoing {what}: {undo:?}");
                    assert_eq!(tree(&["/run", "/tmp"], &[WORK]), files_before, "{what}");
                    assert_eq!(mount_points(), mounts_before, "{what}");
                } else {
                    assert!(
                        files_before == files_after && mounts_before == mounts_after,
                        "{what} changed something:\n{}",
                        tree_diff(&files_before, &files_after)
                    );
                }
            }
            if traced {
                let trace = std::fs::read(&trace_file).unwrap();
                let problems = traced_paths_problems(&trace, &name);
                assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
                std::fs::remove_file(&trace_file).unwrap();
            }
        }
    }
    drop(sleeper);
    figures(
        "hostile.names_in_every_name_position",
        &[
            ("names", names.to_string()),
            ("runs", t.runs.to_string()),
            ("invalid", t.invalid.to_string()),
            ("valid", t.valid.to_string()),
            ("created_and_deleted", t.created.to_string()),
            ("traced", t.traced.to_string()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Against ip.

/// What the differential runs leave in `/run` and `/tmp` (the test kit's own files aside).
const TREES: &str =
    "find /run /tmp -path /tmp/.netnest-testkit -prune -o -printf '%p %y %m %s\\n' \
                     | LC_ALL=C sort; nn_state";

/// The same without the propagation mount of the run directory.
const FILES_AND_NSFS: &str = "find /run /tmp -path /tmp/.netnest-testkit -prune -o \
                              -printf '%p %y %m %s\n' | LC_ALL=C sort; \
                              echo \"nsfs mounts: $(grep -c ' - nsfs ' /proc/self/mountinfo)\"";

/// A word as the sandbox shell passes it (no NUL).
fn lit(b: &[u8]) -> Arg {
    Arg::bytes(b.to_vec())
}

fn differential_sample(subs: &[&str], count: usize, seed_value: u64) -> usize {
    let mut rng = Rng::new(seed(seed_value));
    let mut compared = 0;
    for _ in 0..count {
        // Short names keep failure messages readable; the loop above covers the long ones.
        let mut name = hostile_name(&mut rng);
        name.truncate(300);
        let sub = *rng.pick(subs);
        let mut sc = common::sc().setup("nn_sleeper PID").after(TREES);
        sc = sc.arg(sub).arg(lit(&name));
        sc = match sub {
            "attach" => sc.arg(Arg::var("PID")),
            "exec" => sc.arg("true"),
            "set" => sc.arg("7"),
            _ => sc,
        };
        sc.check();
        compared += 1;
    }
    compared
}

/// A sample of the generator's names in each position, against `ip netns`.
#[test]
fn random_names_agree_with_ip() {
    let subs = ["add", "delete", "attach", "exec", "pids", "identify"];
    let n = differential_sample(&subs, scaled(16), 0x6469_6666_6e61_6d65);
    figures(
        "hostile.random_names_agree_with_ip",
        &[("compared", n.to_string())],
    );
}

#[test]
fn random_names_for_set_and_list_id_agree_with_ip() {
    differential_sample(&["set", "list-id"], scaled(8), 0x7365_746c_6973_7469);
}

/// `-all` skips the name check, in `ip` as in netnest: the words it lets through, in every
/// position where a name goes, against `ip`. Every path here resolves inside the sandbox's
/// `/run` or `/tmp`.
#[test]
fn all_with_the_names_the_check_would_refuse() {
    let long = "n".repeat(256);
    let names = [
        "",
        "..",
        "a/b",
        "sub/b",
        "../x",
        "../../tmp/x",
        "/tmp/abs",
        long.as_str(),
    ];
    for name in names {
        for (sub, extra) in [
            ("add", None),
            ("attach", Some(Arg::var("PID"))),
            ("pids", None),
            ("identify", None),
        ] {
            // The files and the nsfs mounts; not which directory is the propagation mount
            // point (a documented difference: netnest does not make /run/netns a mount point
            // for a command that fails, and makes `sub` the mount point for `sub/b`).
            let mut sc = common::sc()
                .setup("mkdir -p /run/netns/sub; nn_sleeper PID")
                .after(FILES_AND_NSFS)
                .opt("-all")
                .args([sub, name]);
            if let Some(extra) = extra {
                sc = sc.arg(extra);
            }
            sc.check();
        }
    }
    // -all delete ignores the word (every entry goes).
    for name in ["", "../x", "a/b"] {
        common::sc()
            .setup("ip netns add a; ip netns add b")
            .after(TREES)
            .opt("-all")
            .args(["delete", name])
            .check();
    }
    for args in [
        &["identify", ""][..],
        &["exec", "", "true"],
        &["exec"],
        &["exec", "true"],
    ] {
        common::sc()
            .setup("ip netns add a")
            .after(TREES)
            .opt("-all")
            .args(args)
            .check();
    }
}

/// With `-all`, `add`, `attach` and `pids` take a path where a name goes, so `-all add ../x`
/// creates `/run/x` (and binds a namespace there), outside the run directory; `ip` 6.1 does the
/// same, and netnest copies it (`Registry::unchecked`). netnest's rule is that nothing be created
/// outside the run directory: this test says what that would take (a refusal with ip's text for
/// an invalid name) and is ignored until the owner decides on the departure.
#[test]
#[ignore = "finding (docs/reliability.md): with -all, add/attach/pids act outside /run/netns, as ip 6.1 does; departure not decided"]
fn all_never_acts_outside_the_run_directory() {
    for (args, shown) in [
        (vec!["add", "../x"], "../x"),
        (vec!["add", "../../tmp/x"], "../../tmp/x"),
        (vec!["attach", "../x", "1"], "../x"),
        (vec!["pids", "../x"], "../x"),
    ] {
        let out: Output = common::sc()
            .setup(": >/run/ref")
            .after("find /run /tmp -path /tmp/.netnest-testkit -prune -o -newer /run/ref -print")
            .opt("-all")
            .args(args)
            .run_netnest();
        out.assert(
            &Expect::code(255)
                .stderr(format!("Invalid netns name \"{shown}\"\n"))
                .after(""),
        );
    }
}

/// `-n` with the values that break naive code.
#[test]
fn netns_option_values_agree_with_ip() {
    let long = "n".repeat(300);
    for value in [
        "",
        "a/b",
        "..",
        ".",
        "../netns/a",
        "nonexistent",
        long.as_str(),
        "a\nb",
        "-all",
    ] {
        common::sc()
            .setup("ip netns add a")
            .opts(["-n", value])
            .arg("list")
            .check();
    }
    common::sc()
        .opts(["-n", "a", "-n", "b"])
        .arg("list")
        .check();
    common::sc()
        .setup("ip netns add a")
        .opts(["-n", "a"])
        .args(["add", "b"])
        .after(TREES)
        .check();
}

/// Random sequences of global options (abbreviated, doubled dashes, with values, wrong ones)
/// before `list` and `delete`, against `ip`. Left out: the options whose output names the program
/// (`-Version`, `-help`, a missing value's usage), and `-netns` and `-batch`, tested elsewhere.
#[test]
fn random_global_options_agree_with_ip() {
    const WORDS: &[&[&str]] = &[
        &["-s"],
        &["-stat"],
        &["-d"],
        &["-r"],
        &["-o"],
        &["-t"],
        &["-ts"],
        &["-br"],
        &["-c"],
        &["-col=auto"],
        &["-color=never"],
        &["-4"],
        &["-6"],
        &["-0"],
        &["-M"],
        &["-B"],
        &["-N"],
        &["-h"],
        &["-i"],
        &["-a"],
        &["-al"],
        &["--all"],
        &["-j"],
        &["-js"],
        &["--json"],
        &["-p"],
        &["-pr"],
        &["-force"],
        &["-echo"],
        &["-f", "inet"],
        &["-fam", "link"],
        &["-rc", "1024"],
        &["-rc", "0x10"],
        &["-l", "2"],
        &["-x"],
        &["-jp"],
        &["--zz"],
        &["-c=bad"],
        &["-f", "bad"],
        &["-rc", "junk"],
        &["-rc", "-1"],
        &["-echoo"],
    ];
    let mut rng = Rng::new(seed(0x676c_6f62_616c_6f70));
    let cases = scaled(16);
    for _ in 0..cases {
        let mut sc = common::sc().setup("ip netns add a; ip netns add b");
        for _ in 0..rng.below(5) {
            sc = sc.opts(*rng.pick(WORDS));
        }
        const TAILS: &[&[&str]] = &[&["list"], &["ls"], &["delete", "a"], &[]];
        let args = TAILS[rng.below(TAILS.len())];
        sc.args(args).after("nn_state").check();
    }
    figures(
        "hostile.random_global_options_agree_with_ip",
        &[("cases", cases.to_string())],
    );
}

// ---------------------------------------------------------------------------------------------
// Batch files.

/// ip's text for an unknown object names `ip help`; netnest's names itself.
fn batch_normalised(mut out: Output) -> Output {
    let from: &[u8] = b"\" is unknown, try \"ip help\".";
    let to: &[u8] = b"\" is unknown, try \"netnest help\".";
    let mut fixed = Vec::new();
    let mut rest = &out.stderr[..];
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        fixed.extend_from_slice(&rest[..at]);
        fixed.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    fixed.extend_from_slice(rest);
    out.stderr = netnest_testkit::netnest_form(&fixed);
    out
}

/// Where a batch file comes from.
#[derive(Clone, Copy)]
enum BatchFile<'a> {
    /// These bytes (small: they travel through the environment).
    Bytes(&'a [u8]),
    /// A shell script that writes `/tmp/b` (for big files).
    Script(&'a str),
}

/// Runs the batch file with both programs (`-force` if asked) and panics unless they agree.
fn batch_agrees(file: BatchFile<'_>, force: bool) {
    let mut sc = common::sc()
        .setup("nn_sleeper PID")
        .after(TREES)
        .timeout(Duration::from_secs(30));
    let shown = match file {
        BatchFile::Bytes(bytes) => {
            sc = sc.file("/tmp/b", bytes);
            format!("\"{}\"", bytes.escape_ascii())
        }
        BatchFile::Script(script) => {
            sc = sc.setup(script);
            format!("the file of `{script}`")
        }
    };
    if force {
        sc = sc.opt("-force");
    }
    sc = sc.opts(["-batch", "/tmp/b"]);
    let ip = batch_normalised(sc.run_reference());
    // (Normalised too, for the self-test, where the reference stands in for netnest.)
    let nn = batch_normalised(sc.run_netnest());
    assert!(
        ip == nn,
        "netnest -batch departs from ip -batch on {shown}\nip (normalised):\n{ip:?}\nnetnest:\n{nn:?}"
    );
}

/// A batch line in `ip -batch`'s form, from a small vocabulary and hostile words: quotes (closed
/// or not), backslashes, `#`, tabs, `\r`, NUL, names valid and invalid.
fn structured_line(rng: &mut Rng) -> Vec<u8> {
    const VERBS: &[&[u8]] = &[
        b"add",
        b"a",
        b"delete",
        b"del",
        b"list",
        b"l",
        b"show",
        b"pids",
        b"identify",
        b"attach",
        b"help",
        b"x",
        b"",
        b"lst",
    ];
    const WORDS: &[&[u8]] = &[
        b"n1",
        b"n2",
        b"\"n 3\"",
        b"'n4'",
        b"\"unterminated",
        b"a\\",
        b"\\",
        b"#c",
        b"a#b",
        b"\t",
        b"\r",
        b"a/b",
        b"..",
        b"\"\"",
        b"''",
        b"x\"y",
        b"1",
        b"\0",
        b"\xff\xfe",
    ];
    let mut line = Vec::new();
    match rng.below(12) {
        0 => line.extend_from_slice(b"# a comment"),
        1 => {}
        2 => line.extend_from_slice(b"   "),
        3 => line.extend_from_slice(b"9junk object"),
        _ => {
            line.extend_from_slice(if rng.chance(1, 8) { b"net" } else { b"netns" });
            line.push(b' ');
            let verb: &&[u8] = rng.pick(VERBS);
            line.extend_from_slice(verb);
            for _ in 0..rng.below(4) {
                line.push(*rng.pick(b"  \t"));
                let word: &&[u8] = rng.pick(WORDS);
                line.extend_from_slice(word);
            }
        }
    }
    if rng.chance(1, 10) {
        line.extend_from_slice(b" \\");
    }
    line
}

#[test]
fn structured_random_batch_files_agree_with_ip() {
    let mut rng = Rng::new(seed(0x6261_7463_6866_696c));
    let files = scaled(12);
    for _ in 0..files {
        let mut file = Vec::new();
        for _ in 0..1 + rng.below(12) {
            file.extend(structured_line(&mut rng));
            file.extend_from_slice(if rng.chance(1, 10) { b"\r\n" } else { b"\n" });
        }
        if rng.chance(1, 5) {
            file.pop();
        }
        batch_agrees(BatchFile::Bytes(&file), rng.chance(2, 3));
    }
    figures(
        "hostile.structured_random_batch_files_agree_with_ip",
        &[("files", files.to_string())],
    );
}

#[test]
fn edge_case_batch_files_agree_with_ip() {
    let words = |n: usize| {
        format!(
            "{{ printf 'netns list'; yes w | head -n {} | tr '\\n' ' '; \
             printf '\\nnetns add after\\nnetns list\\n'; }} >/tmp/b",
            n - 2
        )
    };
    let (w511, w512, w5000) = (words(511), words(512), words(5000));
    let cases: Vec<(&str, BatchFile)> = vec![
        (
            "a 1 MiB name",
            BatchFile::Script(
                "{ printf 'netns add '; head -c 1048576 /dev/zero | tr '\\0' n; \
                 printf '\\nnetns list\\n'; } >/tmp/b",
            ),
        ),
        (
            "1 MiB of blanks before the words",
            BatchFile::Script(
                "{ head -c 1048576 /dev/zero | tr '\\0' ' '; printf 'netns list\\n'; } >/tmp/b",
            ),
        ),
        (
            "1 MiB of NUL bytes, then a line",
            BatchFile::Script("{ head -c 1048576 /dev/zero; printf '\\nnetns add z\\n'; } >/tmp/b"),
        ),
        ("511 words", BatchFile::Script(&w511)),
        ("512 words", BatchFile::Script(&w512)),
        ("5000 words", BatchFile::Script(&w5000)),
        (
            "3000 lines",
            BatchFile::Script("yes 'netns list' | head -n 3000 >/tmp/b"),
        ),
        (
            "NUL in the middle of a line",
            BatchFile::Bytes(b"netns add a\0b c\nnetns list\n"),
        ),
        (
            "NUL then a newline",
            BatchFile::Bytes(b"\0\nnetns add z\nnetns list\n"),
        ),
        (
            "unterminated double quote",
            BatchFile::Bytes(b"netns add \"a b\nnetns add c\nnetns list\n"),
        ),
        (
            "unterminated single quote",
            BatchFile::Bytes(b"netns add 'a\n"),
        ),
        (
            "quote closed on the next line",
            BatchFile::Bytes(b"netns add \"a\nb\" c\nnetns list\n"),
        ),
        (
            "continuation at the end",
            BatchFile::Bytes(b"netns add a \\"),
        ),
        (
            "continuation then end",
            BatchFile::Bytes(b"netns add a \\\n"),
        ),
        (
            "continuations",
            BatchFile::Bytes(b"netns \\\nadd \\\nq\nnetns list\n"),
        ),
        ("CRLF", BatchFile::Bytes(b"netns add a\r\nnetns list\r\n")),
        (
            "no newline at the end",
            BatchFile::Bytes(b"netns add a\nnetns list"),
        ),
        ("empty", BatchFile::Bytes(b"")),
        (
            "invalid UTF-8 names",
            BatchFile::Bytes(b"netns add \xff\xfe\nnetns add \xc3\nnetns list\n"),
        ),
        (
            "a comment in quotes",
            BatchFile::Bytes(b"netns add \"a#b\"\nnetns list\n"),
        ),
        (
            "a tab-separated line",
            BatchFile::Bytes(b"netns\tadd\tt\nnetns\tlist\n"),
        ),
        (
            "unknown objects",
            BatchFile::Bytes(b"9x\n-j list\n\"netns\" add q\nnetns list\n"),
        ),
    ];
    // Without -force only where the first failure decides what follows.
    let both = [
        "512 words",
        "unterminated double quote",
        "continuation at the end",
        "unknown objects",
        "NUL in the middle of a line",
    ];
    for (what, file) in cases {
        let forces: &[bool] = if both.contains(&what) {
            &[false, true]
        } else {
            &[true]
        };
        for &force in forces {
            let started = Instant::now();
            batch_agrees(file, force);
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{what}: too slow ({:?})",
                started.elapsed()
            );
        }
    }
}

/// Random bytes as a batch file (NUL bytes, newlines, quotes, huge lines): netnest never panics
/// and never hangs, exits 0, 1 or 255, prints only the texts `ip -batch` prints, and changes
/// nothing outside `/run/netns`. Words that would make a line `exec` or `monitor` are disarmed
/// (their first byte upper-cased): a random file must not run random programs or wait for ever;
/// so are `lab` and `inspect`, netnest's own extensions, whose texts are not `ip`'s. A batch
/// line may be any netnest subcommand, so `completions` (any word that starts it: `c` is no
/// keyword of `ip`'s) runs too, and its one usage text is among the known ones.
#[test]
fn random_byte_batch_files_never_panic_or_hang() {
    run_inner("inner_random_byte_batch_files", Duration::from_secs(120));
}

/// Whether `line` is one of the texts netnest's batch mode may print on stderr.
fn known_batch_text(line: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"Command failed /tmp/hostile-work/b:",
        b"Object \"",
        b"Invalid netns name \"",
        b"Command \"",
        b"Cannot create namespace file \"/run/netns/",
        b"Cannot remove namespace file \"/run/netns/",
        b"Cannot open network namespace",
        b"Specified string '",
        b"Invalid PID: ",
        b"Bind /proc/",
        b"Error: ",
        b"RTNETLINK answers: ",
        b"Usage:\tnetnest list",
        b"\tnetnest ",
        b"NETNSID := auto | POSITIVE-INT",
    ];
    const EXACT: &[&[u8]] = &[
        b"Unterminated quoted string",
        b"Too many arguments to command",
        b"Missing continuation line",
        b"No netns name specified",
        b"No netns name and PID specified",
        b"No command specified",
        b"extra arguments specified",
        b"No nsid specified",
        b"Command line is not complete. Try option \"help\"",
        b"Dump terminated",
        b"Usage: netnest completions { bash | zsh | fish }",
    ];
    EXACT.contains(&line) || PREFIXES.iter().any(|p| line.starts_with(p))
}

#[test]
#[ignore = "helper: runs inside the sandbox of random_byte_batch_files_never_panic_or_hang"]
fn inner_random_byte_batch_files() {
    if !inner_allowed("inner_random_byte_batch_files") {
        return;
    }
    let started = Instant::now();
    read_only_elsewhere();
    std::fs::create_dir(WORK).unwrap();
    let file = PathBuf::from(WORK).join("b");
    let mut rng = Rng::new(seed(0x7261_6e64_6261_7463));
    let files = scaled(150);
    let mut bytes_total = 0;
    let mut lines_failed = 0;
    for i in 0..files {
        let len = match rng.below(8) {
            0 => rng.below(16),
            1 => 100_000 + rng.below(400_000),
            _ => rng.below(3000),
        };
        const BIASED: &[u8] = b"\0\n\n\n   \t\r\"'\\#net";
        let mut data: Vec<u8> = (0..len)
            .map(|_| {
                if rng.chance(1, 3) {
                    *rng.pick(BIASED)
                } else if rng.chance(1, 2) {
                    b'a' + rng.below(26) as u8
                } else {
                    rng.below(256) as u8
                }
            })
            .collect();
        // Disarm exec and monitor: any word that is a prefix of either.
        let mut start = 0;
        for end in 0..=data.len() {
            // Where a word may end for `split`, a comment or C's strings.
            if end == data.len() || b" \t\r\n\0\"'#".contains(&data[end]) {
                let word = &data[start..end];
                let disarm = b"exec".starts_with(word)
                    || b"monitor".starts_with(word)
                    || (word.len() >= 2
                        && (b"lab".starts_with(word) || b"inspect".starts_with(word)));
                if !word.is_empty() && disarm {
                    data[start] = data[start].to_ascii_uppercase();
                }
                start = end + 1;
            }
        }
        bytes_total += data.len();
        std::fs::write(&file, &data).unwrap();
        let force = rng.chance(1, 2);
        let mut cmd = argv([NETNEST]);
        if force {
            cmd.push("-force".into());
        }
        cmd.extend(argv(["-batch".as_bytes(), file.as_os_str().as_bytes()]));
        let mut files_before = tree(&["/run", "/tmp"], &[WORK, RUN_DIR]);
        files_before.remove(Path::new(RUN_DIR));
        let mounts_before: Vec<_> = mount_points()
            .into_iter()
            .filter(|(p, _)| !p.starts_with(RUN_DIR))
            .collect();
        let what = format!("random batch file #{i} \"{}\"", data.escape_ascii());
        let child = std::process::Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("netnest");
        let out = finish(child, T).unwrap_or_else(|o| panic!("{what} hung: {o:?}"));
        assert!(
            [0, 1, 255].contains(&out.code),
            "{what}: rc {}: {out:?}",
            out.code
        );
        for line in out.stderr.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            assert!(
                known_batch_text(line),
                "{what}: unexpected text \"{}\"",
                line.escape_ascii()
            );
            lines_failed += usize::from(line.starts_with(b"Command failed"));
        }
        // The run directory itself may be made by an `add` line.
        let mut files_after = tree(&["/run", "/tmp"], &[WORK, RUN_DIR]);
        files_after.remove(Path::new(RUN_DIR));
        assert!(
            files_after == files_before,
            "{what} changed:\n{}",
            tree_diff(&files_before, &files_after)
        );
        let mounts_after: Vec<_> = mount_points()
            .into_iter()
            .filter(|(p, _)| !p.starts_with(RUN_DIR))
            .collect();
        assert_eq!(mounts_after, mounts_before, "{what}");
        // Whatever the file made in the run directory goes, for the next file.
        let _ = run(&argv([NETNEST, "-all", "delete"]), T);
    }
    figures(
        "hostile.random_byte_batch_files_never_panic_or_hang",
        &[
            ("files", files.to_string()),
            ("bytes", bytes_total.to_string()),
            ("failed_lines", lines_failed.to_string()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}
