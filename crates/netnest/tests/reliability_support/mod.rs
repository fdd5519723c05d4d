// SPDX-License-Identifier: MIT OR Apache-2.0
//! What the `reliability_*` test binaries share: forked workers, `/proc/self/mountinfo`, the state
//! of a run directory, a seeded generator, the scale of a run and its figures.
//!
//! Each binary includes it with `mod reliability_support;` (a directory, so cargo does not build it
//! as a test of its own), and runs in the test kit's sandbox (`netnest_testkit::main!`): a private
//! mount and network namespace with a tmpfs on `/run`.
//!
//! # Scale
//!
//! Every count in these tests is the CI count times `NETNEST_STRESS_SCALE` (default 1), so the same
//! binaries are the by-hand stress versions (`scripts/stress/run.sh`). `NETNEST_STRESS_SEED` replaces
//! the fixed seed of the random parts. Each test prints a `figures:` line that
//! `docs/reliability.md` quotes.
//!
//! # Safety
//!
//! Workers are made with `fork(2)` from a process that has exactly one thread (checked first), so
//! the child is a complete copy that may allocate, lock and start threads; it never returns into
//! the test runner: it leaves with `_exit(2)` whatever happens, panics included.
#![allow(unsafe_code, dead_code)]

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netnest::rustix::process::{kill_process, waitpid, Pid, Signal, WaitOptions};
use netnest::{EntryState, NsId, Registry};
use netnest_testkit::TempRunDir;

// ---------------------------------------------------------------------------------------------
// Scale, seed, figures.

#[allow(unused_imports)]
pub use netnest_testkit::stress::{figures, scale, scaled, seed, Rng};

// ---------------------------------------------------------------------------------------------
// Forked workers.

/// A forked worker process: killed and reaped when dropped.
#[derive(Debug)]
pub struct Worker {
    pid: Pid,
    report: Option<File>,
    reaped: bool,
}

/// How a worker ended, and what it wrote to its report pipe.
#[derive(Debug)]
pub struct Ended {
    pub exit: Option<i32>,
    pub signal: Option<i32>,
    pub report: String,
}

impl Ended {
    /// Panics unless the worker exited with status 0.
    pub fn assert_success(&self, what: &str) {
        assert_eq!(
            (self.exit, self.signal),
            (Some(0), None),
            "{what} failed; its report:\n{}",
            self.report
        );
    }
}

/// Waits (up to 5 s) until this process has one thread: threads that were joined may take a
/// moment to leave `/proc/self/task`.
pub fn wait_single_threaded() {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let n = std::fs::read_dir("/proc/self/task").unwrap().count();
        if n == 1 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "cannot fork workers: the test process still has {n} threads"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Forks a worker that runs `body` with the write end of its report pipe, then `_exit`s: 0 if
/// `body` returned, 101 if it panicked. The worker shares the test's mount and network namespace.
///
/// # Panics
///
/// If the process has more than one thread (see [`wait_single_threaded`]) or `fork` fails.
pub fn fork_worker(body: impl FnOnce(&mut File)) -> Worker {
    wait_single_threaded();
    let (read, write) = netnest::rustix::pipe::pipe().expect("pipe");
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: the process has a single thread (checked just above), so the child is a faithful
    // copy in which every lock is free; it runs `body` and leaves with `_exit`.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        drop(read);
        let mut report = File::from(write);
        let ok = catch_unwind(AssertUnwindSafe(|| body(&mut report))).is_ok();
        let _ = report.flush();
        drop(report);
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // SAFETY: `_exit` ends the process at once, skipping the test runner's frames above us.
        unsafe { libc::_exit(if ok { 0 } else { 101 }) };
    }
    drop(write);
    Worker {
        pid: Pid::from_raw(pid).unwrap(),
        report: Some(File::from(read)),
        reaped: false,
    }
}

/// Ends a forked worker at once with `code`, without unwinding into the test runner's frames.
pub fn exit_now(code: i32) -> ! {
    let _ = std::io::stdout().flush();
    // SAFETY: `_exit` only ends the process.
    unsafe { libc::_exit(code) }
}

impl Worker {
    pub fn pid(&self) -> i32 {
        self.pid.as_raw_nonzero().get()
    }

    /// Sends SIGKILL (the worker may already be gone).
    pub fn kill(&self) {
        let _ = kill_process(self.pid, Signal::KILL);
    }

    /// Reads the report to its end, then reaps the worker.
    pub fn wait(mut self) -> Ended {
        let mut report = String::new();
        if let Some(mut r) = self.report.take() {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            report = String::from_utf8_lossy(&bytes).into_owned();
        }
        let (_, status) = waitpid(Some(self.pid), WaitOptions::empty())
            .expect("waitpid")
            .expect("a status");
        self.reaped = true;
        Ended {
            exit: status.exit_status(),
            signal: status.terminating_signal(),
            report,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if !self.reaped {
            self.kill();
            let _ = waitpid(Some(self.pid), WaitOptions::empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mounts.

#[allow(unused_imports)]
pub use netnest_testkit::mountinfo::{mounts, Mount};

/// Mounts whose mount point is exactly `path`.
pub fn mounts_at(path: &Path) -> Vec<Mount> {
    mounts().into_iter().filter(|m| m.point == path).collect()
}

/// Mounts at or under `dir`.
pub fn mounts_under(dir: &Path) -> Vec<Mount> {
    mounts()
        .into_iter()
        .filter(|m| m.point.starts_with(dir))
        .collect()
}

/// The nsfs mounts anywhere.
pub fn nsfs_mounts() -> Vec<Mount> {
    mounts()
        .into_iter()
        .filter(|m| m.fstype == "nsfs")
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Registries and their state.

/// A registry whose directory does not exist yet (`TMP/netns`), inside a [`TempRunDir`] that
/// detaches every mount under it and removes it when dropped, also on panic.
#[derive(Debug)]
pub struct Fresh {
    pub reg: Registry,
    pub tmp: TempRunDir,
}

pub fn fresh_registry(prefix: &str) -> Fresh {
    let tmp = TempRunDir::new(prefix);
    let reg = Registry::new(tmp.path().join("netns"));
    Fresh { reg, tmp }
}

/// One entry of a run directory, as the tests see it (independently of the library's list).
#[derive(Debug, Clone)]
pub struct SeenEntry {
    pub name: OsString,
    /// `lstat`: file type and permission bits, size.
    pub file_type: &'static str,
    pub mode: u32,
    pub size: u64,
    /// The namespace it is, following symlinks, if it is one.
    pub ns: Option<NsId>,
    /// nsfs mounts whose mount point is this entry.
    pub nsfs_mounts: usize,
    /// Other mounts whose mount point is this entry.
    pub other_mounts: usize,
    /// The library's verdict.
    pub state: Option<EntryState>,
}

/// What a run directory holds: its own mounts, its entries, mounts below it that are not on an
/// entry.
#[derive(Debug)]
pub struct RunDirState {
    pub exists: bool,
    pub dir_mounts: Vec<Mount>,
    pub entries: Vec<SeenEntry>,
    pub stray_mounts: Vec<Mount>,
}

impl RunDirState {
    pub fn live(&self) -> impl Iterator<Item = &SeenEntry> {
        self.entries.iter().filter(|e| e.ns.is_some())
    }

    pub fn stale(&self) -> impl Iterator<Item = &SeenEntry> {
        self.entries.iter().filter(|e| e.ns.is_none())
    }

    /// The invariants that must hold after any mix of operations, crashes included: at most one
    /// propagation mount on the directory (exactly one once anything was added), every live entry
    /// a regular file with exactly one nsfs mount, no mount below the directory elsewhere, the
    /// library's verdict agreeing with ours, and stale entries (only if `allow_stale`) mode-0
    /// empty regular files with nothing mounted on them.
    pub fn check(&self, allow_stale: bool) -> Result<(), String> {
        self.check_with(allow_stale, false)
    }

    /// [`check`](RunDirState::check), also allowing a run directory that is bound onto itself
    /// but not yet shared (`allow_private_dir`): what a process killed between those two steps of
    /// the first add leaves, and the next add completes.
    pub fn check_with(&self, allow_stale: bool, allow_private_dir: bool) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.dir_mounts.len() > 1 {
            problems.push(format!(
                "{} propagation mounts stacked on the run directory: {:?}",
                self.dir_mounts.len(),
                self.dir_mounts
            ));
        }
        if !self.entries.is_empty() && self.dir_mounts.len() != 1 {
            problems.push("entries but no propagation mount on the run directory".into());
        }
        if let Some(m) = self.dir_mounts.first() {
            if !m.is_shared() && !allow_private_dir {
                problems.push(format!("the run directory is not a shared mount: {m:?}"));
            }
        }
        for e in &self.entries {
            let verdict_ok = match (e.ns, e.state) {
                (Some(id), Some(EntryState::Namespace(lib))) => id == lib,
                (None, Some(EntryState::Stale)) => true,
                _ => false,
            };
            if !verdict_ok {
                problems.push(format!("library and test disagree on {e:?}"));
            }
            if e.ns.is_some() {
                if e.file_type != "file" || e.nsfs_mounts != 1 || e.other_mounts != 0 {
                    problems.push(format!("live entry not mounted exactly once: {e:?}"));
                }
            } else if !allow_stale {
                problems.push(format!("stale entry left: {e:?}"));
            } else if e.file_type != "file"
                || e.mode != 0
                || e.size != 0
                || e.nsfs_mounts + e.other_mounts != 0
            {
                problems.push(format!("stale entry is not a bare mode-0 file: {e:?}"));
            }
        }
        if !self.stray_mounts.is_empty() {
            problems.push(format!(
                "mounts under the run directory on no entry: {:?}",
                self.stray_mounts
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// Looks at `reg`'s directory with `lstat`, `stat` and mountinfo (and asks the library's `list`
/// for its verdict on each entry).
pub fn run_dir_state(reg: &Registry) -> RunDirState {
    let dir = reg.dir();
    let all = mounts();
    let dir_mounts: Vec<Mount> = all.iter().filter(|m| m.point == dir).cloned().collect();
    let exists = dir.is_dir();
    let listed = if exists {
        reg.list().expect("list")
    } else {
        Vec::new()
    };
    let mut entries = Vec::new();
    if exists {
        for de in std::fs::read_dir(dir).expect("read_dir") {
            let de = de.expect("read_dir entry");
            let path = de.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue; // removed since
            };
            let ft = meta.file_type();
            let file_type = if ft.is_symlink() {
                "symlink"
            } else if ft.is_dir() {
                "dir"
            } else if ft.is_file() {
                "file"
            } else {
                "other"
            };
            let ns = netnest::NetNs::from_path(&path).ok().map(|n| n.id());
            let here: Vec<&Mount> = all.iter().filter(|m| m.point == path).collect();
            entries.push(SeenEntry {
                name: de.file_name(),
                file_type,
                mode: meta.permissions().mode() & 0o7777,
                size: meta.size(),
                ns,
                nsfs_mounts: here.iter().filter(|m| m.fstype == "nsfs").count(),
                other_mounts: here.iter().filter(|m| m.fstype != "nsfs").count(),
                state: listed
                    .iter()
                    .find(|l| l.name == de.file_name())
                    .map(|l| l.state),
            });
        }
    }
    let stray_mounts = all
        .iter()
        .filter(|m| m.point.starts_with(dir) && m.point != dir)
        .filter(|m| {
            m.point.parent() != Some(dir)
                || !entries
                    .iter()
                    .any(|e| Some(e.name.as_os_str()) == m.point.file_name())
        })
        .cloned()
        .collect();
    RunDirState {
        exists,
        dir_mounts,
        entries,
        stray_mounts,
    }
}

/// Deletes every entry of `reg` (the test's own clean-up), then checks that no mount is left below
/// the directory.
pub fn empty_registry(reg: &Registry) {
    for name in reg.names().unwrap_or_default() {
        let n = netnest::Name::new(name.clone()).expect("a valid name");
        // Stacked mounts need one delete per mount.
        for _ in 0..8 {
            match reg.delete(&n) {
                Ok(()) => break,
                Err(e) if e.raw_os_error() == Some(libc::EBUSY) => continue,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => break,
                Err(e) => panic!("deleting {name:?}: {e}"),
            }
        }
    }
    let left: Vec<Mount> = mounts_under(reg.dir())
        .into_iter()
        .filter(|m| m.point != reg.dir())
        .collect();
    assert!(
        left.is_empty(),
        "mounts left under {:?}: {left:?}",
        reg.dir()
    );
}

/// Removes `/run/netns` (its mounts first), so the next round starts without it.
pub fn remove_default_run_dir() {
    let dir = Path::new(netnest::DEFAULT_RUN_DIR);
    assert!(netnest_testkit::run_is_sandboxed());
    for _ in 0..16 {
        let mut ms = mounts_under(dir);
        if ms.is_empty() {
            break;
        }
        ms.sort_by_key(|m| std::cmp::Reverse(m.point.as_os_str().len()));
        for m in ms {
            let _ = netnest::rustix::mount::unmount(
                &m.point,
                netnest::rustix::mount::UnmountFlags::DETACH,
            );
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Processes, threads, panics.

/// Runs `f` with the panic message printer silenced (for panics a test provokes on purpose).
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    match result {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// The number of open file descriptors of this process.
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count() - 1 // the read_dir's own fd
}

/// Resident memory of this process, in bytes.
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split(' ').nth(1).unwrap().parse().unwrap();
    pages * netnest::rustix::param::page_size() as u64
}

/// Every thread of this process with its network namespace's inode (threads that end while we
/// look are skipped).
pub fn thread_namespaces() -> Vec<(u32, u64, String)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter_map(|t| {
            let ino = std::fs::metadata(t.path().join("ns/net")).ok()?.ino();
            let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
            Some((
                t.file_name().to_string_lossy().parse().ok()?,
                ino,
                comm.trim().to_owned(),
            ))
        })
        .collect()
}

/// `OsStr` from bytes, for names.
pub fn os(bytes: &[u8]) -> &OsStr {
    OsStr::from_bytes(bytes)
}

/// A recursive listing of `root` (paths relative to it, file type, size), skipping `skip` and
/// anything under it; symlinks are not followed.
pub fn tree(root: &Path, skip: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for de in rd.flatten() {
            let path = de.path();
            if path.starts_with(skip) {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let kind = if meta.file_type().is_symlink() {
                format!("link->{:?}", std::fs::read_link(&path).ok())
            } else if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_owned()
            } else {
                format!("file:{}:{:o}", meta.size(), meta.permissions().mode())
            };
            out.push((path.strip_prefix(root).unwrap().to_path_buf(), kind));
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// Outcomes of registry operations under concurrency.

/// A registry operation, for [`outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Add,
    Attach,
    Open,
    Delete,
    CreateOrOpen,
}

/// Names the outcome of `verb` if it is one that concurrent use may produce, or says why not.
///
/// Allowed, besides success (each race is explained in docs/reliability.md):
///
/// * add / attach: `EEXIST` at `CreateFile` (the name exists). Never `ENOENT` at `Bind`: a delete
///   cannot fall between the file's creation and the bind (both hold the run directory's lock).
/// * open: `ENOENT` at `Open`; `EINVAL` at `NotANamespace` (the file exists but its bind mount is
///   not there yet: an add in progress).
/// * delete: `ENOENT` at `Remove`. Never `EBUSY`: an add cannot bind between this delete's
///   unmount and its unlink (the lock again).
/// * create-or-open: what open and add may give, less "missing" and "exists" (it retries those).
pub fn outcome<T>(verb: Verb, r: &netnest::Result<T>) -> Result<&'static str, String> {
    use netnest::Op;
    let e = match r {
        Ok(_) => return Ok("ok"),
        Err(e) => e,
    };
    let errno = e.raw_os_error().unwrap_or(0);
    let label = match (verb, e.op(), errno) {
        (Verb::Add | Verb::Attach, Op::CreateFile, libc::EEXIST) => "exists",
        (Verb::Open, Op::Open, libc::ENOENT) => "missing",
        (Verb::Open | Verb::CreateOrOpen, Op::NotANamespace, libc::EINVAL) => "half-made",
        (Verb::Delete, Op::Remove, libc::ENOENT) => "missing",
        _ => return Err(format!("{verb:?}: unexpected error: {e} ({:?})", e.op())),
    };
    Ok(label)
}

/// Counts of outcomes, by verb and label; reported by workers as `count VERB LABEL N` lines.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub counts: std::collections::BTreeMap<String, usize>,
    pub unexpected: Vec<String>,
}

impl Tally {
    pub fn record<T>(&mut self, verb: Verb, r: &netnest::Result<T>) {
        match outcome(verb, r) {
            Ok(label) => *self.counts.entry(format!("{verb:?}:{label}")).or_default() += 1,
            Err(why) => self.unexpected.push(why),
        }
    }

    pub fn ok(&mut self, what: &str) {
        *self.counts.entry(format!("{what}:ok")).or_default() += 1;
    }

    pub fn merge(&mut self, other: Tally) {
        for (k, v) in other.counts {
            *self.counts.entry(k).or_default() += v;
        }
        self.unexpected.extend(other.unexpected);
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum::<usize>() + self.unexpected.len()
    }

    pub fn get(&self, key: &str) -> usize {
        self.counts.get(key).copied().unwrap_or(0)
    }

    /// Writes the tally as lines (for a worker's report pipe).
    pub fn write(&self, out: &mut impl Write) {
        for (k, v) in &self.counts {
            let _ = writeln!(out, "count {k} {v}");
        }
        for u in &self.unexpected {
            let _ = writeln!(out, "unexpected {}", u.replace('\n', " "));
        }
    }

    /// Reads lines written by [`Tally::write`].
    pub fn parse(report: &str) -> Tally {
        let mut t = Tally::default();
        for line in report.lines() {
            if let Some(rest) = line.strip_prefix("count ") {
                let (k, v) = rest.rsplit_once(' ').unwrap();
                *t.counts.entry(k.to_owned()).or_default() += v.parse::<usize>().unwrap();
            } else if let Some(rest) = line.strip_prefix("unexpected ") {
                t.unexpected.push(rest.to_owned());
            }
        }
        t
    }

    /// `verb:label=n,…` for figures.
    pub fn summary(&self) -> String {
        self.counts
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A gate that many forked workers wait on and that opens for all at once when dropped (a pipe
/// whose write end the parent closes).
#[derive(Debug)]
pub struct StartGate {
    read: std::os::fd::OwnedFd,
    write: Option<std::os::fd::OwnedFd>,
}

impl StartGate {
    pub fn new() -> StartGate {
        let (read, write) = netnest::rustix::pipe::pipe().expect("pipe");
        StartGate {
            read,
            write: Some(write),
        }
    }

    /// In a worker: blocks until the parent opens the gate.
    pub fn wait(&mut self) {
        self.write = None; // the worker's copy
        let mut byte = [0u8; 1];
        let _ = netnest::rustix::io::read(&self.read, &mut byte);
    }

    /// In the parent: lets every worker go.
    pub fn open(&mut self) {
        self.write = None;
    }
}

// ---------------------------------------------------------------------------------------------
// Privileges (for a forked worker only: these change the whole process).

/// The unprivileged user and group the privilege tests become (`nobody`/`nogroup`).
pub const NOBODY: u32 = 65534;

/// Drops every privilege of this (single-threaded, forked) process: no supplementary groups,
/// gid and uid `NOBODY` (real, effective, saved), so every capability is gone; then marks the
/// process dumpable again, so its own `/proc/self` files stay its own.
pub fn become_nobody() {
    // SAFETY: plain system calls on integers; the process is a single-threaded forked worker.
    unsafe {
        assert_eq!(libc::setgroups(0, std::ptr::null()), 0, "setgroups");
        assert_eq!(libc::setresgid(NOBODY, NOBODY, NOBODY), 0, "setresgid");
        assert_eq!(libc::setresuid(NOBODY, NOBODY, NOBODY), 0, "setresuid");
        assert_eq!(libc::prctl(libc::PR_SET_DUMPABLE, 1, 0, 0, 0), 0, "prctl");
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let cap_eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .unwrap()
        .trim();
    assert_eq!(cap_eff, "0000000000000000", "capabilities left");
}

/// Moves this (single-threaded, unprivileged) process into a new user namespace in which it is
/// root (uid and gid 0 mapped to its own), and a new mount namespace owned by it.
pub fn enter_user_namespace() -> Result<(), std::io::Error> {
    let (uid, gid) = (
        netnest::rustix::process::getuid().as_raw(),
        netnest::rustix::process::getgid().as_raw(),
    );
    // SAFETY: no CLONE_FILES: only this single-threaded process's user and mount namespaces
    // change.
    unsafe {
        netnest::rustix::thread::unshare_unsafe(
            netnest::rustix::thread::UnshareFlags::NEWUSER
                | netnest::rustix::thread::UnshareFlags::NEWNS,
        )
    }?;
    std::fs::write("/proc/self/setgroups", "deny")?;
    std::fs::write("/proc/self/uid_map", format!("0 {uid} 1"))?;
    std::fs::write("/proc/self/gid_map", format!("0 {gid} 1"))?;
    Ok(())
}
