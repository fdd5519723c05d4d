// SPDX-License-Identifier: MIT OR Apache-2.0
//! What the CLI's `reliability_*` tests share: running a test body inside a sandbox, running
//! programs with a deadline, the state of `/run/netns` seen from outside (mountinfo and `lstat`),
//! a listing of the sandbox's writable trees, a seeded generator, the scale of a run and its
//! figures.
//!
//! Each test binary includes it with `mod reliability_support;` (a directory, so cargo does not
//! build it as a test of its own).
//!
//! # Inner tests
//!
//! The CLI's tests run under libtest, whose process has threads and lives on the host: it cannot
//! make namespaces for itself. A test that must run many programs against one `/run/netns` (kill
//! them, look at the mounts between two runs) is therefore split in two:
//!
//! * the **outer** test, an ordinary `#[test]`, runs this very test binary again inside a
//!   [`Sandbox`] (private mount, network and pid namespaces, tmpfs on `/run` and `/tmp`), asking for
//!   the inner test by its exact name ([`run_inner`]);
//! * the **inner** test is `#[ignore]`d, so a plain `cargo test` never runs it, and does its work
//!   only when [`inner_allowed`] says that it is that sandbox's inner test (an environment variable
//!   names it *and* `/run` is the test kit's tmpfs). Run by hand with `--ignored` outside a sandbox,
//!   it returns at once.
//!
//! # Scale
//!
//! Counts are the CI counts times `NETNEST_STRESS_SCALE` (default 1), so the same binaries are
//! the by-hand stress versions (`scripts/stress/cli_run.sh`); `NETNEST_STRESS_SEED` replaces the
//! fixed seeds. Each inner test prints a `figures:` line that `docs/reliability.md` quotes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use netnest_testkit::{Arg, Sandbox};

/// The binary under test.
pub const NETNEST: &str = env!("CARGO_BIN_EXE_netnest");
/// The reference.
pub const IP: &str = "/usr/sbin/ip";
/// The run directory both programs use.
pub const RUN_DIR: &str = "/run/netns";
/// The environment variable naming the inner test a sandbox runs.
pub const INNER_ENV: &str = "NETNEST_CLI_RELIABILITY_INNER";

// ---------------------------------------------------------------------------------------------
// Scale, seed, figures, generator.

#[allow(unused_imports)]
pub use netnest_testkit::stress::{figures, scale, scaled, seed, Rng};

// ---------------------------------------------------------------------------------------------
// Inner tests.

/// Runs the inner test `name` of this test binary in a fresh sandbox and returns its standard
/// output (printed too, so `--nocapture` shows the figures). Panics with everything it printed
/// if it fails. Scale and seed are passed on.
#[track_caller]
pub fn run_inner(name: &str, timeout: Duration) -> String {
    // Under /tmp or /run, the sandbox binds the binary's directory back over its tmpfs.
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut sandbox = Sandbox::new()
        .timeout(timeout * scale() as u32)
        .env(INNER_ENV, name);
    for key in [
        "NETNEST_STRESS_SCALE",
        "NETNEST_STRESS_SEED",
        "NETNEST_STRESS_SHARED_RUN",
        "RUST_BACKTRACE",
    ] {
        if let Some(value) = std::env::var_os(key) {
            sandbox = sandbox.env(key, value);
        }
    }
    let argv: Vec<Arg> = vec![
        exe.as_os_str().into(),
        name.into(),
        "--exact".into(),
        "--ignored".into(),
        "--nocapture".into(),
        "--test-threads=1".into(),
    ];
    let out = sandbox.run(&argv);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.code == 0 && stdout.contains("1 passed"),
        "inner test {name} failed (rc {}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.code
    );
    // libtest writes `test NAME ... ` before the test's own output on the same line.
    for line in stdout
        .lines()
        .filter_map(|l| l.find("figures:").map(|at| &l[at..]))
    {
        println!("{line}");
    }
    stdout
}

/// Whether this process is the sandbox that [`run_inner`] made for the inner test `name`.
/// Anywhere else (a plain `cargo test -- --ignored` on the host) the inner test must do nothing.
pub fn inner_allowed(name: &str) -> bool {
    let asked = std::env::var(INNER_ENV).is_ok_and(|v| v == name);
    if asked && netnest_testkit::run_is_sandboxed() {
        return true;
    }
    eprintln!("{name}: runs only inside the sandbox its outer test makes; nothing done");
    false
}

// ---------------------------------------------------------------------------------------------
// Running programs.

/// What a program printed and how it ended.
#[derive(Clone, PartialEq, Eq)]
pub struct Out {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit code, or 128 + the signal number.
    pub code: i32,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rc {} stdout \"{}\" stderr \"{}\"",
            self.code,
            self.stdout.escape_ascii(),
            self.stderr.escape_ascii()
        )
    }
}

/// A command line of raw words.
pub fn argv<I, W>(words: I) -> Vec<OsString>
where
    I: IntoIterator<Item = W>,
    W: AsRef<[u8]>,
{
    words
        .into_iter()
        .map(|w| OsString::from_vec(w.as_ref().to_vec()))
        .collect()
}

/// The words as a failure message shows them.
pub fn show(words: &[OsString]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"", w.as_bytes().escape_ascii()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn command(words: &[OsString], stdin: Stdio) -> Command {
    let mut cmd = Command::new(&words[0]);
    cmd.args(&words[1..])
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `words` (stdin `/dev/null`) and waits for it; panics if it takes longer than `timeout`
/// (the program is killed first).
#[track_caller]
pub fn run(words: &[OsString], timeout: Duration) -> Out {
    let child = command(words, Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", show(words)));
    finish(child, timeout).unwrap_or_else(|out| {
        panic!(
            "{} did not finish within {timeout:?} (killed): {out:?}",
            show(words)
        )
    })
}

/// Waits for `child` (whose stdout and stderr are pipes) for at most `timeout`; on time-out kills
/// it and returns what it printed as the error. The wait blocks (no polling), so the moment the
/// child ends is the moment this returns.
pub fn finish(mut child: Child, timeout: Duration) -> Result<Out, Out> {
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as _));
    let pid = rustix::process::Pid::from_child(&child);
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait().expect("waiting for a child");
        let _ = tx.send(());
        status
    });
    let timed_out = rx.recv_timeout(timeout).is_err();
    if timed_out {
        // The child is not reaped before the waiter returns, so the pid is still its own.
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    }
    let status = waiter.join().expect("waiter");
    let out = Out {
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        code: status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
    };
    if timed_out {
        Err(out)
    } else {
        Ok(out)
    }
}

/// Runs a shell script (`sh -c`), panicking unless it succeeds; returns its stdout.
#[track_caller]
pub fn sh(script: &str) -> String {
    let out = run(&argv(["/bin/sh", "-c", script]), Duration::from_secs(30));
    assert!(out.code == 0, "sh -c {script:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A process parked in a network namespace of its own (`unshare --net sleep`), for `attach`;
/// killed when dropped.
pub struct Sleeper(Child);

impl Sleeper {
    pub fn new() -> Sleeper {
        let child = Command::new("unshare")
            .args(["--net", "--", "sleep", "3600"])
            .stdin(Stdio::null())
            .spawn()
            .expect("starting unshare --net sleep");
        let sleeper = Sleeper(child);
        let ours = std::fs::read_link("/proc/self/ns/net").unwrap();
        let theirs = format!("/proc/{}/ns/net", sleeper.pid());
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_link(&theirs).ok().as_ref() == Some(&ours) {
            assert!(Instant::now() < deadline, "sleep never left our netns");
            std::thread::sleep(Duration::from_millis(1));
        }
        sleeper
    }

    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Mounts.

#[allow(unused_imports)]
pub use netnest_testkit::mountinfo::{mounts, Mount};

/// Mount points as `(point, fstype)`, sorted: what a command must not change outside the run
/// directory.
pub fn mount_points() -> Vec<(PathBuf, String)> {
    let mut v: Vec<_> = mounts().into_iter().map(|m| (m.point, m.fstype)).collect();
    v.sort();
    v
}

/// Detaches every mount at or under `dir` (deepest first, stacked ones too) and removes the
/// directory with everything in it. Only ever called on `/run/netns` inside a sandbox.
pub fn remove_tree(dir: &Path) {
    assert!(netnest_testkit::run_is_sandboxed(), "not in a sandbox");
    for _ in 0..1000 {
        let mut under: Vec<PathBuf> = mounts()
            .into_iter()
            .map(|m| m.point)
            .filter(|p| p.starts_with(dir))
            .collect();
        if under.is_empty() {
            break;
        }
        under.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
        for p in under {
            let _ = rustix::mount::unmount(
                &p,
                rustix::mount::UnmountFlags::DETACH | rustix::mount::UnmountFlags::NOFOLLOW,
            );
        }
    }
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => panic!("removing {}: {e}", dir.display()),
    }
}

// ---------------------------------------------------------------------------------------------
// The state of the run directory.

/// One entry of `/run/netns`, seen from outside netnest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: OsString,
    /// `lstat`: `f`, `d`, `l` (symlink), `?`.
    pub kind: char,
    /// Permission bits.
    pub mode: u32,
    pub size: u64,
    /// `(st_dev, st_ino)` following links, when that is an nsfs inode (a live namespace).
    pub ns: Option<(u64, u64)>,
    /// nsfs mounts whose mount point is this entry.
    pub nsfs_mounts: usize,
    /// Other mounts on it.
    pub other_mounts: usize,
}

/// What `/run/netns` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub exists: bool,
    /// The mounts whose mount point is the run directory itself.
    pub dir_mounts: Vec<Mount>,
    /// The peer group of the mount the run directory's own mount sits on, if shared.
    pub parent_peer_group: Option<String>,
    pub entries: Vec<Entry>,
    /// Mounts below the run directory that are not on an entry.
    pub stray_mounts: Vec<PathBuf>,
    /// nsfs mounts anywhere in this mount namespace.
    pub nsfs_total: usize,
}

/// The `st_dev` of nsfs (every namespace inode lives on it).
fn nsfs_dev() -> u64 {
    std::fs::metadata("/proc/self/ns/net").unwrap().dev()
}

/// Looks at `/run/netns` now.
pub fn state() -> State {
    let dir = Path::new(RUN_DIR);
    let all = mounts();
    let dir_mounts: Vec<Mount> = all.iter().filter(|m| m.point == dir).cloned().collect();
    let parent_peer_group = dir_mounts.first().and_then(|m| {
        all.iter()
            .find(|p| p.id == m.parent)
            .and_then(|p| p.peer_group().map(str::to_owned))
    });
    let nsfs = nsfs_dev();
    let mut entries = Vec::new();
    let exists = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    if exists {
        let mut names: Vec<OsString> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let Ok(lst) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let ft = lst.file_type();
            let kind = if ft.is_file() {
                'f'
            } else if ft.is_dir() {
                'd'
            } else if ft.is_symlink() {
                'l'
            } else {
                '?'
            };
            let ns = std::fs::metadata(&path)
                .ok()
                .filter(|m| m.dev() == nsfs)
                .map(|m| (m.dev(), m.ino()));
            let on: Vec<&Mount> = all.iter().filter(|m| m.point == path).collect();
            entries.push(Entry {
                name,
                kind,
                mode: lst.mode() & 0o7777,
                size: lst.size(),
                ns,
                nsfs_mounts: on.iter().filter(|m| m.fstype == "nsfs").count(),
                other_mounts: on.iter().filter(|m| m.fstype != "nsfs").count(),
            });
        }
    }
    let stray_mounts = all
        .iter()
        .map(|m| &m.point)
        .filter(|p| p.starts_with(dir) && *p != dir)
        .filter(|p| !entries.iter().any(|e| dir.join(&e.name) == **p))
        .cloned()
        .collect();
    State {
        exists,
        dir_mounts,
        parent_peer_group,
        entries,
        stray_mounts,
        nsfs_total: all.iter().filter(|m| m.fstype == "nsfs").count(),
    }
}

impl State {
    pub fn live(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.ns.is_some())
    }

    pub fn stale(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.ns.is_none())
    }

    /// The invariants that must hold between any two commands, crashes included:
    ///
    /// * at most one mount on the run directory (never the propagation mount stacked), and
    ///   exactly one once an entry exists; shared, and in a peer group of its own (not its
    ///   parent's, which would make every nsfs mount appear twice); a directory bound but not yet
    ///   made private and shared is allowed only if `allow_unfinished_dir`, and only when the
    ///   parent is not shared (the next add finishes it);
    /// * every live entry a regular file with exactly one nsfs mount and nothing else on it;
    /// * every other entry (only if `allow_stale`) a mode-0 empty regular file with nothing
    ///   mounted on it;
    /// * no mount below the run directory elsewhere, and no nsfs mount anywhere but on entries.
    pub fn check(&self, allow_stale: bool, allow_unfinished_dir: bool) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.dir_mounts.len() > 1 {
            problems.push(format!(
                "{} mounts stacked on the run directory",
                self.dir_mounts.len()
            ));
        }
        if !self.entries.is_empty() && self.dir_mounts.is_empty() {
            problems.push("entries but no propagation mount on the run directory".into());
        }
        if let Some(m) = self.dir_mounts.first() {
            match (m.peer_group(), self.parent_peer_group.as_deref()) {
                (Some(own), Some(parent)) if own == parent => problems.push(format!(
                    "the run directory shares its parent's peer group {own}: every nsfs mount \
                     appears twice"
                )),
                (Some(_), _) => {}
                (None, parent) if allow_unfinished_dir && parent.is_none() => {}
                (None, _) => problems.push("the run directory is not a shared mount".into()),
            }
        }
        for e in &self.entries {
            let name = e.name.as_bytes().escape_ascii();
            if e.ns.is_some() {
                if e.kind != 'f' || e.nsfs_mounts != 1 || e.other_mounts != 0 {
                    problems.push(format!("live entry {name} not mounted exactly once: {e:?}"));
                }
            } else if !allow_stale {
                problems.push(format!("stale entry {name}: {e:?}"));
            } else if e.kind != 'f'
                || e.mode != 0
                || e.size != 0
                || e.nsfs_mounts + e.other_mounts != 0
            {
                problems.push(format!(
                    "entry {name} neither live nor a bare stale file: {e:?}"
                ));
            }
        }
        if !self.stray_mounts.is_empty() {
            problems.push(format!("stray mounts: {:?}", self.stray_mounts));
        }
        let on_entries: usize = self.entries.iter().map(|e| e.nsfs_mounts).sum();
        if self.nsfs_total != on_entries {
            problems.push(format!(
                "{} nsfs mounts in all, {on_entries} on entries",
                self.nsfs_total
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{}\nstate: {self:#?}", problems.join("\n")))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Trees.

/// Every path under `roots` (not following links, not descending into `skip`) with its type,
/// mode, size and link target: a fingerprint of what a command may have created, changed or
/// removed there.
pub fn tree(roots: &[&str], skip: &[&str]) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for root in roots {
        walk(Path::new(root), skip, &mut out);
    }
    out
}

fn walk(path: &Path, skip: &[&str], out: &mut BTreeMap<PathBuf, String>) {
    let Ok(md) = std::fs::symlink_metadata(path) else {
        return;
    };
    let ft = md.file_type();
    let what = if ft.is_symlink() {
        format!(
            "l -> {:?}",
            std::fs::read_link(path).unwrap_or_default().as_os_str()
        )
    } else if ft.is_dir() {
        format!("d {:o}", md.mode() & 0o7777)
    } else if ft.is_file() {
        format!("f {:o} {}", md.mode() & 0o7777, md.size())
    } else if ft.is_fifo() {
        "p".into()
    } else if ft.is_socket() {
        "s".into()
    } else {
        "?".into()
    };
    out.insert(path.to_owned(), what);
    if ft.is_dir() && !skip.iter().any(|s| path == Path::new(s)) {
        if let Ok(rd) = std::fs::read_dir(path) {
            for e in rd.flatten() {
                walk(&e.path(), skip, out);
            }
        }
    }
}

/// The differences between two trees, for failure messages.
pub fn tree_diff(a: &BTreeMap<PathBuf, String>, b: &BTreeMap<PathBuf, String>) -> String {
    let mut lines = Vec::new();
    for (p, v) in a {
        match b.get(p) {
            None => lines.push(format!("- {} {v}", p.display())),
            Some(w) if w != v => lines.push(format!("~ {} {v} -> {w}", p.display())),
            _ => {}
        }
    }
    for (p, v) in b {
        if !a.contains_key(p) {
            lines.push(format!("+ {} {v}", p.display()));
        }
    }
    lines.join("\n")
}

/// `RUN_DIR/name` as bytes.
pub fn entry_path(name: &[u8]) -> PathBuf {
    let mut p = RUN_DIR.as_bytes().to_vec();
    p.push(b'/');
    p.extend_from_slice(name);
    PathBuf::from(OsStr::from_bytes(&p))
}

/// iproute2's rule for a name (docs/ip-netns-behaviour.md, "Names and subcommands"): not empty, at most 255 bytes, no `/`, not `.` or
/// `..`.
pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.len() <= 255 && !name.contains(&b'/') && name != b"." && name != b".."
}

// ---------------------------------------------------------------------------------------------
// Tables of differential cells.

/// One cell of a table: a title for the failure list, and the check (it fails by panicking).
pub type Cell<'a> = (String, Box<dyn Fn() + Sync + 'a>);

/// Runs every cell, `threads` at a time (each is a couple of sandboxes that mostly wait), and
/// panics at the end with the titles of those that failed (their own messages are printed as
/// they fail).
#[track_caller]
pub fn run_cells(cells: &[Cell<'_>], threads: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((title, check)) = cells.get(i) else {
                    break;
                };
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).is_err() {
                    failed.lock().unwrap().push(title.clone());
                }
            });
        }
    });
    let mut failed = failed.into_inner().unwrap();
    failed.sort();
    assert!(
        failed.is_empty(),
        "{} of {} cells fail:\n{}",
        failed.len(),
        cells.len(),
        failed.join("\n")
    );
}
