// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, crashes at the library level: a worker process running add, attach,
//! delete and prune in a loop is killed with SIGKILL at random points, again and again. After
//! every kill the run directory must be in a state the next operation handles: live namespaces,
//! each mounted once, and at worst stale mode-0 files (never a file mounted twice, never the
//! propagation mount stacked); `add` of a stale name fails with EEXIST as iproute2's does; and
//! `Registry::prune` removes the stale files and only those. The CLI-level version (killing the
//! `netnest add/delete/attach` binaries) comes with the CLI.

mod reliability_support;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use netnest::rustix::fs::{Mode, OFlags};
use netnest::rustix::mount::{mount_bind, unmount, UnmountFlags};
use netnest::{EntryState, Name, NetNs, NsId, Op, Registry};
use netnest_testkit::TempRunDir;
use reliability_support::{
    exit_now, figures, fork_worker, fresh_registry, outcome, remove_default_run_dir, run_dir_state,
    scaled, seed, Fresh, Rng, Verb,
};

const NAMES: usize = 4;

/// The worker: random operations for ever (until killed); an outcome that a single process
/// cannot explain ends it with status 3 and a report.
fn worker_loop(reg: &Registry, rng: &mut Rng, out: &mut std::fs::File) -> ! {
    let names: Vec<Name> = (0..NAMES)
        .map(|i| Name::new(format!("k{i}")).unwrap())
        .collect();
    let spare = NetNs::new().expect("a spare namespace");
    let pid = std::process::id();
    loop {
        let n = &names[rng.below(NAMES)];
        let (verb, r) = match rng.below(10) {
            0..=3 => (Verb::Add, reg.add(n).map(drop)),
            4 => (Verb::Attach, reg.attach(n, pid)),
            5 => (Verb::Attach, reg.attach_ns(n, &spare)),
            6..=8 => (Verb::Delete, reg.delete(n)),
            _ => (Verb::Delete, reg.prune().map(drop)),
        };
        match outcome(verb, &r) {
            Ok("ok" | "exists" | "missing") => {}
            other => {
                let _ = writeln!(out, "{verb:?} {n:?}: {other:?} {:?}", r.err());
                let _ = out.flush();
                exit_now(3);
            }
        }
    }
}

/// The names and namespaces of the live entries.
fn live_entries(reg: &Registry) -> BTreeMap<OsString, NsId> {
    reg.list()
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.state {
            EntryState::Namespace(id) => Some((e.name, id)),
            EntryState::Stale => None,
            _ => None,
        })
        .collect()
}

fn killed_workers_leave_states_the_next_operation_handles() {
    let started = Instant::now();
    let kills = scaled(300);
    let mut rng = Rng::new(seed(0x6e65_746e_6573_7404));
    let mut fresh: Option<Fresh> = None;
    let (mut fresh_dirs, mut stale_seen, mut live_seen, mut private_dirs) = (0, 0, 0, 0);
    for k in 0..kills {
        // One kill in four lands early on a run directory that does not exist yet.
        let first_creation = k % 4 == 0;
        if first_creation || fresh.is_none() {
            fresh = Some(fresh_registry("crash"));
            fresh_dirs += 1;
        }
        let reg = &fresh.as_ref().unwrap().reg;
        let mut wrng = rng.fork();
        let worker = fork_worker(move |out| worker_loop(reg, &mut wrng, out));
        let delay = if first_creation {
            rng.below(400) as u64
        } else {
            rng.below(6000) as u64
        };
        std::thread::sleep(Duration::from_micros(delay));
        worker.kill();
        let ended = worker.wait();
        assert_eq!(
            ended.signal,
            Some(libc::SIGKILL),
            "kill {k}: the worker ended by itself: {ended:?}"
        );

        // The state right after the kill.
        let state = run_dir_state(reg);
        if let Err(why) = state.check_with(true, true) {
            panic!("kill {k} (after {delay} µs): {why}\n{state:#?}");
        }
        if state.dir_mounts.first().is_some_and(|m| !m.is_shared()) {
            private_dirs += 1;
        }
        let stale: Vec<OsString> = state.stale().map(|e| e.name.clone()).collect();
        stale_seen += stale.len();
        live_seen += state.live().count();

        // The next operations handle it: add of a stale name says EEXIST (as `ip netns add`),
        // prune removes exactly the stale files, and leaves every live name as it was.
        for s in &stale {
            let e = reg.add(&Name::new(s.clone()).unwrap()).unwrap_err();
            assert_eq!(
                (e.op(), e.raw_os_error()),
                (Op::CreateFile, Some(libc::EEXIST))
            );
        }
        let live_before = live_entries(reg);
        let mut pruned = reg.prune().unwrap();
        pruned.sort();
        let mut expected = stale.clone();
        expected.sort();
        assert_eq!(
            pruned, expected,
            "kill {k}: prune removes the stale files only"
        );
        assert_eq!(
            live_entries(reg),
            live_before,
            "kill {k}: live names untouched"
        );
        let probe = Name::new("probe").unwrap();
        let ns = reg.add(&probe).unwrap();
        assert_eq!(reg.open(&probe).unwrap(), ns);
        reg.delete(&probe).unwrap();
        let state = run_dir_state(reg);
        if let Err(why) = state.check(false) {
            panic!("kill {k}: after prune and a probe: {why}\n{state:#?}");
        }
        assert_eq!(state.dir_mounts.len(), 1);
    }
    drop(fresh);
    figures(
        "crash",
        &[
            ("kills", kills.to_string()),
            ("fresh_run_dirs", fresh_dirs.to_string()),
            ("stale_files_left_and_pruned", stale_seen.to_string()),
            ("live_names_seen", live_seen.to_string()),
            ("run_dir_bound_not_yet_shared", private_dirs.to_string()),
            ("failures", "0".into()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

/// Creates what a killed add leaves: an empty mode-0 file, never bound.
fn plant_stale(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    netnest::rustix::fs::open(
        dir.join(name),
        OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
}

fn prune_removes_only_stale_mount_point_files() {
    let tmp = TempRunDir::new("prune");
    let reg = Registry::new(tmp.path().join("netns"));
    assert!(reg.prune().unwrap().is_empty(), "a missing directory");
    let live = reg.add(&Name::new("live").unwrap()).unwrap();
    let other = NetNs::new().unwrap();
    reg.attach_ns(&Name::new("attached").unwrap(), &other)
        .unwrap();
    let d = reg.dir();
    plant_stale(d, "stale-1");
    plant_stale(d, "stale-2");
    // What netnest did not make stays, stale or not.
    std::os::unix::fs::symlink("live", d.join("link-to-live")).unwrap();
    std::os::unix::fs::symlink("/nowhere", d.join("dangling")).unwrap();
    std::fs::create_dir(d.join("a-dir")).unwrap();
    std::fs::write(d.join("touched"), b"").unwrap(); // mode 0644
    plant_stale(d, "mode0-with-data");
    std::fs::OpenOptions::new()
        .write(true)
        .open(d.join("mode0-with-data"))
        .and_then(|mut f| f.write_all(b"x"))
        .unwrap();
    // A bare mode-0 file with another bare mode-0 file bound on it: a mount point, kept.
    plant_stale(d, "covered");
    let cover = tmp.path().join("cover");
    plant_stale(tmp.path(), "cover");
    mount_bind(&cover, d.join("covered")).unwrap();
    let before: Vec<OsString> = reg.names().unwrap();
    // `is_leftover` names exactly what `prune` then removes.
    let mut leftovers: Vec<OsString> = before
        .iter()
        .filter(|n| reg.is_leftover(&Name::new(n.as_os_str()).unwrap()))
        .cloned()
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [OsString::from("stale-1"), OsString::from("stale-2")]
    );

    let mut pruned = reg.prune().unwrap();
    pruned.sort();
    assert_eq!(
        pruned,
        [OsString::from("stale-1"), OsString::from("stale-2")]
    );
    let mut left = reg.names().unwrap();
    let mut expect: Vec<OsString> = before
        .into_iter()
        .filter(|n| !n.to_string_lossy().starts_with("stale-"))
        .collect();
    left.sort();
    expect.sort();
    assert_eq!(left, expect);
    assert_eq!(reg.open(&Name::new("live").unwrap()).unwrap(), live);
    assert_eq!(reg.open(&Name::new("attached").unwrap()).unwrap(), other);
    assert!(reg.prune().unwrap().is_empty(), "nothing more to prune");
    unmount(d.join("covered"), UnmountFlags::DETACH).unwrap();

    // A file, not a directory: prune says so.
    let file = tmp.path().join("file");
    std::fs::write(&file, b"").unwrap();
    let e = Registry::new(&file).prune().unwrap_err();
    assert_eq!(
        (e.op(), e.raw_os_error()),
        (Op::ReadDir, Some(libc::ENOTDIR))
    );
}

/// In /run/netns, `ip netns list` complains about a stale file until prune removes it.
fn ip_stops_complaining_after_prune() {
    remove_default_run_dir();
    let reg = Registry::default();
    reg.add(&Name::new("pr-live").unwrap()).unwrap();
    plant_stale(reg.dir(), "pr-stale");
    let list = || {
        let out = Command::new("/usr/sbin/ip")
            .args(["netns", "list"])
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (stdout, stderr) = list();
    assert!(stdout.contains("pr-stale") && stdout.contains("pr-live"));
    assert_eq!(
        stderr,
        "Error: Peer netns reference is invalid.\n".repeat(2)
    );
    assert_eq!(reg.prune().unwrap(), [OsString::from("pr-stale")]);
    let (stdout, stderr) = list();
    assert_eq!((stdout.as_str(), stderr.as_str()), ("pr-live\n", ""));
    reg.delete(&Name::new("pr-live").unwrap()).unwrap();
    remove_default_run_dir();
}

netnest_testkit::main!(
    killed_workers_leave_states_the_next_operation_handles,
    prune_removes_only_stale_mount_point_files,
    ip_stops_complaining_after_prune,
);
