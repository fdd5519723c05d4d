// SPDX-License-Identifier: MIT OR Apache-2.0
//! The privileged runner itself, run as a `harness = false` test binary.

use std::path::Path;

use netnest_testkit::{run_is_sandboxed, unique_name, Sleeper, TempRunDir};

fn process_has_own_namespaces() {
    for ns in ["mnt", "net"] {
        let ours = std::fs::read_link(format!("/proc/self/ns/{ns}")).unwrap();
        // The parent (cargo, or a shell) lives in the host's namespaces.
        let parent = std::os::unix::process::parent_id();
        let host = std::fs::read_link(format!("/proc/{parent}/ns/{ns}")).unwrap();
        assert_ne!(ours, host, "{ns} namespace is the host's");
    }
    assert!(run_is_sandboxed());
}

fn run_starts_empty() {
    // Tests run in order in one process; earlier ones clean up after themselves.
    let entries: Vec<_> = std::fs::read_dir("/run").unwrap().collect();
    assert!(entries.is_empty(), "{entries:?}");
}

fn temp_run_dir_is_removed_with_its_mounts() {
    let dir = TempRunDir::new("netns");
    let path = dir.path().to_path_buf();
    assert!(path.starts_with("/run") && path.is_dir());
    let file = path.join("bound");
    std::fs::write(&file, b"").unwrap();
    let status = std::process::Command::new("mount")
        .args(["-n", "--bind", "/proc/self/ns/net"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(mountinfo_mentions(&path));
    drop(dir);
    assert!(!path.exists());
    assert!(!mountinfo_mentions(&path));
}

fn mountinfo_mentions(path: &Path) -> bool {
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap()
        .contains(path.to_str().unwrap())
}

fn ip_netns_add_stays_in_the_process() {
    let name = unique_name("netnest-test-priv");
    let status = std::process::Command::new("ip")
        .args(["netns", "add", &name])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(Path::new("/run/netns").join(&name).exists());
    let parent = std::os::unix::process::parent_id();
    let host = std::fs::read_to_string(format!("/proc/{parent}/mountinfo")).unwrap();
    assert!(!host.contains(&name), "the host sees {name}");
    let status = std::process::Command::new("ip")
        .args(["netns", "delete", &name])
        .status()
        .unwrap();
    assert!(status.success());
    // ip made /run/netns a mount point (bound onto itself): undo that too.
    let status = std::process::Command::new("umount")
        .args(["-n", "/run/netns"])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_dir("/run/netns").unwrap();
}

fn sleepers_are_killed_on_drop() {
    let ours = std::fs::read_link("/proc/self/ns/net").unwrap();
    let same = Sleeper::spawn();
    let other = Sleeper::spawn_in_new_netns();
    let path = |s: &Sleeper| format!("/proc/{}/ns/net", s.pid());
    assert_eq!(std::fs::read_link(path(&same)).unwrap(), ours);
    assert_ne!(std::fs::read_link(path(&other)).unwrap(), ours);
    let pids = [same.pid(), other.pid()];
    drop((same, other));
    for pid in pids {
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
    }
}

/// A test that ends with `skip` (or `kernel_lacks`, with `NETNEST_TESTKIT_SKIP_DEMO=kernel`) is
/// reported ignored with its reason (checked by the sandbox test
/// `non_root_tests_are_skipped_or_failed_never_ok`, which runs this binary as root too).
fn skip_is_reported_with_its_reason() {
    match std::env::var("NETNEST_TESTKIT_SKIP_DEMO").as_deref() {
        Ok("kernel") => netnest_testkit::kernel_lacks("demonstration of a missing kernel option"),
        Ok(_) => netnest_testkit::skip("demonstration of a skip"),
        Err(_) => {}
    }
}

netnest_testkit::main!(
    process_has_own_namespaces,
    run_starts_empty,
    temp_run_dir_is_removed_with_its_mounts,
    ip_netns_add_stays_in_the_process,
    sleepers_are_killed_on_drop,
    skip_is_reported_with_its_reason,
);
