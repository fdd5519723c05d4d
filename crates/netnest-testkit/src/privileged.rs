//! A test runner for privileged library tests: the whole test process in its own namespaces.
//!
//! `unshare(CLONE_NEWNS)` fails with `EINVAL` in a process that has more than one thread, and
//! libtest starts threads before any test runs. So privileged test binaries are declared with
//! `harness = false` and use [`main!`](crate::main) instead of libtest:
//!
//! ```toml
//! [[test]]
//! name = "registry"
//! harness = false
//! ```
//!
//! ```no_run
//! fn add_then_delete() { /* … */ }
//! fn list_empty() { /* … */ }
//! netnest_testkit::main!(add_then_delete, list_empty);
//! ```
//!
//! Before anything else (and before any thread exists), the generated `main` calls
//! [`enter_sandbox`]: the **whole test process** moves into a private mount namespace (with `/`
//! made rprivate) and a private network namespace, and a fresh tmpfs is mounted on `/run`. So
//! `/run/netns`, every mount and every link a test makes exist only inside this process's
//! namespaces, and vanish with it: nothing leaks to the host, even if a test panics half-way.
//! `lo` is left down. Processes a test starts inherit the namespaces; kill them (see
//! [`Sleeper`](crate::Sleeper)).
//!
//! The tests then run one by one on the main thread, each under `catch_unwind`; the output is
//! libtest's (`test NAME ... ok`, a `test result:` line), and the process exits with 101 if a
//! test failed. The command line accepted is libtest's, so `cargo test`, `cargo test -- NAME`,
//! `cargo test -- --list` and cargo-nextest (`--list --format terse`, `--exact NAME
//! --nocapture`) work: filters are substrings (exact with `--exact`), `--skip` excludes, `--list`
//! lists as `NAME: test`, and other libtest flags are accepted and ignored. Tests share the
//! process's namespaces, so each uses its own names ([`unique_name`](crate::unique_name)) or
//! registry directory ([`TempRunDir`](crate::TempRunDir)), and must leave its thread in the
//! namespace it found it in.
//!
//! # Safety
//!
//! This module calls `unshare`, which rustix marks `unsafe` because `CLONE_FILES` could split
//! the fd table between threads. It passes only `CLONE_NEWNS | CLONE_NEWNET`, and only after
//! checking that the process has a single thread.
#![allow(unsafe_code)]

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Instant;

use rustix::mount::{mount, mount_change, MountFlags, MountPropagationFlags};
use rustix::thread::{unshare_unsafe, UnshareFlags};

/// The source name of the tmpfs on `/run` in every sandbox this crate makes; it marks a `/run`
/// as a sandbox's in `/proc/self/mountinfo`.
pub const RUN_TMPFS_SOURCE: &str = "netnest-test-run";

/// One test of a [`main!`](crate::main) binary.
#[derive(Clone, Copy, Debug)]
pub struct Test {
    /// The name shown, filtered and listed.
    pub name: &'static str,
    /// The test: it fails by panicking.
    pub run: fn(),
}

/// Declares `main` for a privileged test binary (`harness = false`) running the listed test
/// functions; see the [module docs](crate::privileged).
#[macro_export]
macro_rules! main {
    ($($test:ident),* $(,)?) => {
        fn main() -> ::std::process::ExitCode {
            $crate::privileged::run_tests(&[
                $($crate::privileged::Test { name: ::std::stringify!($test), run: $test }),*
            ])
        }
    };
}

/// Moves the calling process into a private mount namespace (`/` rprivate) and a private network
/// namespace, and mounts a fresh tmpfs on `/run`.
///
/// # Errors
///
/// If the process has more than one thread, or a system call fails (e.g. without root).
pub fn enter_sandbox() -> Result<(), String> {
    let threads = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("reading /proc/self/status: {e}"))?
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .map(|n| n.trim().to_owned())
        .unwrap_or_default();
    if threads != "1" {
        return Err(format!(
            "the process has {threads} threads; unshare(CLONE_NEWNS) needs exactly one"
        ));
    }
    // SAFETY: no CLONE_FILES, so no fd table is split; the process has a single thread
    // (checked above), so no other thread can observe the change of namespaces either.
    unsafe { unshare_unsafe(UnshareFlags::NEWNS | UnshareFlags::NEWNET) }
        .map_err(|e| format!("unshare(CLONE_NEWNS | CLONE_NEWNET): {e}"))?;
    mount_change(
        "/",
        MountPropagationFlags::PRIVATE | MountPropagationFlags::REC,
    )
    .map_err(|e| format!("making / rprivate: {e}"))?;
    mount(
        RUN_TMPFS_SOURCE,
        "/run",
        "tmpfs",
        MountFlags::empty(),
        c"mode=0755",
    )
    .map_err(|e| format!("mounting a tmpfs on /run: {e}"))?;
    Ok(())
}

/// Whether `/run` is a sandbox's tmpfs (mounted by this crate) in this mount namespace.
pub fn run_is_sandboxed() -> bool {
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    // The last mount on /run is the visible one.
    info.lines()
        .rfind(|l| l.split(' ').nth(4) == Some("/run"))
        .and_then(|l| l.split_once(" - "))
        .is_some_and(|(_, fs)| fs.split(' ').take(2).eq(["tmpfs", RUN_TMPFS_SOURCE]))
}

/// What libtest's command line asks for.
#[derive(Debug, Default)]
struct Args {
    filters: Vec<String>,
    skip: Vec<String>,
    exact: bool,
    list: bool,
    terse: bool,
    ignored_only: bool,
}

impl Args {
    fn parse(args: impl Iterator<Item = String>) -> Args {
        // libtest options that take a value; their values are ignored unless matched below.
        const WITH_VALUE: [&str; 5] = [
            "--test-threads",
            "--color",
            "--logfile",
            "-Z",
            "--shuffle-seed",
        ];
        let mut a = Args::default();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) if k.starts_with("--") => (k.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let value = |args: &mut std::iter::Peekable<_>| {
                inline
                    .clone()
                    .or_else(|| Iterator::next(args))
                    .unwrap_or_default()
            };
            match key.as_str() {
                "--list" => a.list = true,
                "--exact" => a.exact = true,
                "--ignored" => a.ignored_only = true,
                "--format" => a.terse = value(&mut args) == "terse",
                "--skip" => a.skip.push(value(&mut args)),
                k if WITH_VALUE.contains(&k) => drop(value(&mut args)),
                k if k.starts_with('-') => {}
                _ => a.filters.push(arg),
            }
        }
        a
    }

    fn selects(&self, name: &str) -> bool {
        let hit = |f: &String| {
            if self.exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        !self.ignored_only
            && (self.filters.is_empty() || self.filters.iter().any(hit))
            && !self.skip.iter().any(hit)
    }
}

/// Runs `tests` as the [`main!`](crate::main) binary does: parses libtest's command line,
/// enters the sandbox, runs the selected tests one by one, reports like libtest.
pub fn run_tests(tests: &[Test]) -> ExitCode {
    let args = Args::parse(std::env::args().skip(1));
    let selected: Vec<&Test> = tests.iter().filter(|t| args.selects(t.name)).collect();
    if args.list {
        for t in &selected {
            println!("{}: test", t.name);
        }
        if !args.terse {
            println!("\n{} tests, 0 benchmarks", selected.len());
        }
        return ExitCode::SUCCESS;
    }
    if let Err(e) = enter_sandbox() {
        eprintln!("netnest-testkit: cannot enter the test sandbox: {e}");
        return ExitCode::from(101);
    }

    let started = Instant::now();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    println!(
        "\nrunning {} test{}",
        selected.len(),
        plural(selected.len())
    );
    let mut failed = Vec::new();
    for t in &selected {
        let ok = catch_unwind(AssertUnwindSafe(t.run)).is_ok();
        println!("test {} ... {}", t.name, if ok { "ok" } else { "FAILED" });
        let _ = std::io::stdout().flush();
        if !ok {
            failed.push(t.name);
        }
    }
    if !failed.is_empty() {
        println!("\nfailures:");
        for name in &failed {
            println!("    {name}");
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed; 0 ignored; 0 measured; {} filtered out; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        selected.len() - failed.len(),
        failed.len(),
        tests.len() - selected.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(101)
    }
}

#[cfg(test)]
mod tests {
    use super::Args;

    fn parse(words: &[&str]) -> Args {
        Args::parse(words.iter().map(|s| s.to_string()))
    }

    #[test]
    fn nextest_list() {
        let a = parse(&["--list", "--format", "terse"]);
        assert!(a.list && a.terse && a.selects("x"));
        let a = parse(&["--list", "--format=terse", "--ignored"]);
        assert!(a.list && a.terse && !a.selects("x"));
    }

    #[test]
    fn nextest_exact_run() {
        let a = parse(&["--exact", "add", "--nocapture"]);
        assert!(a.selects("add") && !a.selects("add_twice"));
    }

    #[test]
    fn filters_and_flags() {
        let a = parse(&["--test-threads", "1", "add", "--skip", "twice", "-q"]);
        assert_eq!(a.filters, ["add"]);
        assert!(a.selects("add_one") && !a.selects("add_twice") && !a.selects("list"));
        let a = parse(&["--test-threads=2", "--color", "never", "--show-output"]);
        assert!(a.filters.is_empty() && a.selects("anything"));
    }
}
