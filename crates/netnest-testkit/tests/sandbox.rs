// SPDX-License-Identifier: MIT OR Apache-2.0
//! The sandbox runner, tested on the real kernel (needs root and util-linux's unshare).

use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

use netnest_testkit::{Arg, Expect, Sandbox};

fn sh(script: &str) -> Vec<Arg> {
    vec!["sh".into(), "-c".into(), script.into(), "sh".into()]
}

#[test]
fn run_is_an_empty_private_tmpfs() {
    let out = Sandbox::new().run(&sh(
        "ls -A /run; awk '$5 == \"/run\" || $5 == \"/tmp\" { for (i = 7; $i != \"-\"; i++); print $5, $(i+1), $(i+2) }' /proc/self/mountinfo",
    ));
    out.assert(&Expect::ok().stdout("/run tmpfs netnest-test-run\n/tmp tmpfs netnest-test-tmp\n"));
}

#[test]
fn network_namespace_is_not_the_hosts() {
    let host = std::fs::read_link("/proc/self/ns/net").unwrap();
    let out = Sandbox::new().run(&sh("readlink /proc/self/ns/net; ip -o link | wc -l"));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_ne!(lines.next().unwrap(), host.to_str().unwrap());
    assert_eq!(lines.next(), Some("1"), "only lo in a fresh netns");
}

#[test]
fn root_is_rprivate_and_pid_namespace_is_fresh() {
    let out = Sandbox::new().run(&sh(
        "cat /proc/1/comm; ls /proc | grep -c '^[0-9]'; grep -c 'shared:' /proc/self/mountinfo",
    ));
    // pid 1 is the sandbox shell; then this sh, ls and grep: nothing from the host.
    out.assert(&Expect::code(1).stdout("sh\n4\n0\n"));
}

#[test]
fn stdout_stderr_and_code_are_separate() {
    let out = Sandbox::new().run(&sh("echo out; echo err >&2; printf 'x'; exit 3"));
    out.assert(&Expect::code(3).stdout("out\nx").stderr("err\n"));
}

#[test]
fn signal_death_is_128_plus_signal() {
    Sandbox::new()
        .run(&sh("kill -TERM $$"))
        .assert(&Expect::code(143));
}

#[test]
fn byte_arguments_survive() {
    let mut words: Vec<Vec<u8>> = vec![
        b"with space".to_vec(),
        b"'single' \"double\" `tick` $HOME \\ back".to_vec(),
        b"tab\there\nnewline".to_vec(),
        vec![0xff, 0xfe, b'a', 0x80],
        b"-leading-dash".to_vec(),
        b"".to_vec(),
        vec![b'x'; 256],
    ];
    words.push((1..=255u8).collect());
    let mut argv = sh(r#"for a in "$@"; do printf '%s\000' "$a"; done"#);
    argv.extend(words.iter().map(|w| Arg::bytes(w.clone())));
    let out = Sandbox::new().run(&argv);
    let expected: Vec<u8> = words
        .iter()
        .flat_map(|w| w.iter().copied().chain([0]))
        .collect();
    out.assert(&Expect::ok().stdout(expected));
}

#[test]
fn stdin_reaches_the_command_and_not_the_setup() {
    let out = Sandbox::new()
        .setup("cat >/tmp/seen-by-setup")
        .stdin(b"line 1\n\xffline 2")
        .run(&sh("cat; wc -c </tmp/seen-by-setup"));
    out.assert(&Expect::ok().stdout(b"line 1\n\xffline 20\n"));
}

#[test]
fn setup_variables_become_words() {
    let out = Sandbox::new()
        .setup("A='two words'; nn_sleeper PID")
        .run(&[
            "sh".into(),
            "-c".into(),
            r#"printf '[%s]' "$1"; [ "$(readlink /proc/$2/ns/net)" != "$(readlink /proc/self/ns/net)" ] && echo moved"#.into(),
            "sh".into(),
            Arg::var("A"),
            Arg::var("PID"),
        ]);
    out.assert(&Expect::ok().stdout("[two words]moved\n"));
}

#[test]
fn setup_output_is_not_captured_but_its_failure_is_reported() {
    Sandbox::new()
        .setup("echo noise; echo more >&2")
        .run(&sh("echo run"))
        .assert(&Expect::ok().stdout("run\n"));
    let failed = std::panic::catch_unwind(|| {
        Sandbox::new()
            .setup("echo explanation; false; echo not reached")
            .run(&sh("echo run"))
    })
    .unwrap_err();
    let msg = failed.downcast_ref::<String>().unwrap();
    assert!(msg.contains("setup failed"), "{msg}");
    // The log holds what ran; the setup script itself is shown after it.
    assert!(
        msg.contains("status 1)\nexplanation\n\nsetup script:"),
        "{msg}"
    );
}

#[test]
fn files_hold_any_bytes() {
    let data: Vec<u8> = (0..=255u8).chain(b"\\0101\n%s".iter().copied()).collect();
    let out = Sandbox::new()
        .file("/tmp/dir/data", &data)
        .file("/run/empty", b"")
        .run(&sh("cat /tmp/dir/data; wc -c </run/empty"));
    let mut expected = data.clone();
    expected.extend_from_slice(b"0\n");
    out.assert(&Expect::ok().stdout(expected));
}

#[test]
#[should_panic(expected = "sandbox files live under")]
fn files_stay_inside() {
    let _ = Sandbox::new().file("/etc/passwd", b"");
}

#[test]
fn after_script_output_is_split_off() {
    let out = Sandbox::new()
        .after("echo state; echo err >&2; nn_state")
        .run(&sh(
            "echo cmd; echo cmd-err >&2; mkdir /run/netns; touch /run/netns/f; exit 4",
        ));
    out.assert(
        &Expect::code(4)
            .stdout("cmd\n")
            .stderr("cmd-err\n")
            .after("state\nerr\nf f 644\nnsfs mounts: 0\n"),
    );
}

#[test]
fn etc_netns_is_writable_and_private() {
    let out = Sandbox::new()
        .etc_netns()
        .file("/etc/netns/a/hosts", "127.0.0.1 x\n")
        .run(&sh(
            "ls -A /etc/netns; cat /etc/netns/a/hosts; test -s /etc/passwd && echo etc",
        ));
    out.assert(&Expect::ok().stdout("a\n127.0.0.1 x\netc\n"));
    assert!(!std::path::Path::new("/etc/netns/a").exists());
}

#[test]
fn timeout_kills_everything() {
    let marker = format!("{}.{}", 7_000_000 + std::process::id() % 1_000_000, 25);
    let started = Instant::now();
    let failed = std::panic::catch_unwind(|| {
        Sandbox::new()
            .timeout(Duration::from_millis(500))
            .setup(&format!("sleep {marker} &"))
            .run(&sh("sleep 1000"))
    })
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    let msg = failed.downcast_ref::<String>().unwrap();
    assert!(msg.contains("timed out"), "{msg}");
    assert_no_process_with_arg(&marker);
}

#[test]
fn leftover_processes_die_with_the_sandbox() {
    let marker = format!("{}.{}", 7_000_000 + std::process::id() % 1_000_000, 75);
    Sandbox::new()
        .setup(&format!("sleep {marker} &"))
        .run(&sh(&format!("sleep {marker} & echo started")))
        .assert(&Expect::ok().stdout("started\n"));
    assert_no_process_with_arg(&marker);
}

fn assert_no_process_with_arg(arg: &str) {
    // SIGKILL is delivered asynchronously: give the kernel a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let found = std::fs::read_dir("/proc").unwrap().flatten().any(|e| {
            std::fs::read(e.path().join("cmdline"))
                .is_ok_and(|c| c.split(|&b| b == 0).any(|w| w == arg.as_bytes()))
        });
        if !found {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "a process with {arg} is still alive"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn namespaces_made_inside_stay_inside() {
    let name = netnest_testkit::unique_name("netnest-test-inside");
    Sandbox::new()
        .run(&[
            "ip".into(),
            "netns".into(),
            "add".into(),
            name.as_str().into(),
        ])
        .assert(&Expect::ok());
    assert!(!std::path::Path::new("/run/netns").join(&name).exists());
    let host_mounts = std::fs::read("/proc/self/mountinfo").unwrap();
    assert!(!host_mounts
        .windows(name.len())
        .any(|w| w == std::ffi::OsStr::new(&name).as_bytes()));
}

/// As non-root, the privileged runner (`main!`) reports each test ignored with the reason, and
/// a `Sandbox` run fails saying why: neither passes having run nothing.
#[test]
fn non_root_tests_are_skipped_or_failed_never_ok() {
    // The `privileged` test binary of this crate, built beside this one by `cargo test`.
    let deps = std::env::current_exe().unwrap();
    let deps = deps.parent().unwrap();
    let privileged = std::fs::read_dir(deps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("privileged-") && !name.contains('.')
        })
        .max_by_key(|p| p.metadata().unwrap().modified().unwrap())
        .expect("the privileged test binary (cargo test -p netnest-testkit builds it)");
    let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let out = std::process::Command::new("setpriv")
        .args(nobody)
        .arg(&privileged)
        .env_remove(netnest_testkit::NO_SKIP_ENV)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let skipped = stdout
        .lines()
        .filter(|l| l.starts_with("test ") && l.contains(" ... ignored (skipped: needs root"))
        .count();
    assert!(
        skipped == 6 && stdout.contains("test result: ok. 0 passed; 0 failed; 6 ignored"),
        "{stdout}"
    );
    // With NETNEST_TEST_NO_SKIP, the same is a failure.
    let out = std::process::Command::new("setpriv")
        .args(nobody)
        .arg(&privileged)
        .env(netnest_testkit::NO_SKIP_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && stdout.contains("0 passed; 6 failed"),
        "{stdout}"
    );
    // As root, a test that calls `skip` is reported ignored with its reason, or fails with
    // NETNEST_TEST_NO_SKIP.
    for no_skip in [false, true] {
        let mut cmd = std::process::Command::new(&privileged);
        cmd.args(["--exact", "skip_is_reported_with_its_reason"])
            .env("NETNEST_TESTKIT_SKIP_DEMO", "1")
            .env_remove(netnest_testkit::NO_SKIP_ENV);
        if no_skip {
            cmd.env(netnest_testkit::NO_SKIP_ENV, "1");
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let want = if no_skip {
            "0 passed; 1 failed; 0 ignored"
        } else {
            "0 passed; 0 failed; 1 ignored"
        };
        assert!(
            out.status.success() != no_skip
                && stdout.contains("skip_is_reported_with_its_reason ... ")
                && (no_skip || stdout.contains("ignored (skipped: demonstration of a skip)"))
                && stdout.contains(want),
            "{stdout}"
        );
    }
    // A kernel without the feature is a skip even with NETNEST_TEST_NO_SKIP: no privilege or
    // package can add a kernel option, and CI's machines are of this kind.
    let out = std::process::Command::new(&privileged)
        .args(["--exact", "skip_is_reported_with_its_reason"])
        .env("NETNEST_TESTKIT_SKIP_DEMO", "kernel")
        .env(netnest_testkit::NO_SKIP_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && stdout.contains("ignored (skipped: demonstration of a missing kernel option)")
            && stdout.contains("0 passed; 0 failed; 1 ignored"),
        "{stdout}"
    );
}
