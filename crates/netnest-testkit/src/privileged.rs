// SPDX-License-Identifier: MIT OR Apache-2.0
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
//! The sandbox is checked before any test runs: the mount and network namespaces must differ from
//! the ones the process started in, and the visible `/run` must be this crate's tmpfs. If it
//! cannot be made or does not hold, every test **fails** with the reason. As non-root (where
//! no sandbox can be made) every test is reported **ignored** with the reason (`ignored
//! (skipped: needs root …)`); never `ok`. A test that finds, once running, that the machine cannot
//! do what it checks calls [`skip`] with the reason, and is reported the same way. With
//! `NETNEST_TEST_NO_SKIP` set ([`NO_SKIP_ENV`], as `.ci/test` does), a skip is a failure.
//!
//! The harness is `libtest-mimic`: libtest's output and command line, so `cargo test`, `cargo
//! test -- NAME`, `--exact`, `--skip`, `--list` and cargo-nextest (`--list --format terse`,
//! `--exact NAME --nocapture`) work. The tests run one by one on the main thread (whatever
//! `--test-threads` says), each under `catch_unwind`. Tests share the process's namespaces, so
//! each uses its own names ([`unique_name`](crate::unique_name)) or registry directory
//! ([`TempRunDir`](crate::TempRunDir)), and must leave its thread in the namespace it found it
//! in.
//!
//! # Safety
//!
//! This module calls `unshare`, which rustix marks `unsafe` because `CLONE_FILES` could split
//! the fd table between threads. It passes only `CLONE_NEWNS | CLONE_NEWNET`, and only after
//! checking that the process has a single thread.
#![allow(unsafe_code)]

use std::process::ExitCode;

use std::os::fd::AsRawFd;
use std::panic::{catch_unwind, resume_unwind};

use rustix::fs::{open, Mode, OFlags};
use rustix::mount::{mount, mount_bind, mount_change, MountFlags, MountPropagationFlags};
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
    // The test's own files under /run (a target directory there) stay visible: a handle on each
    // such directory is taken before the tmpfs hides it, and bound back afterwards.
    let kept: Vec<_> = crate::keep::kept_roots([])
        .into_iter()
        .filter(|r| r.starts_with("/run"))
        .map(|r| {
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            open(&r, flags, Mode::empty())
                .map(|fd| (r.clone(), fd))
                .map_err(|e| format!("opening {}: {e}", r.display()))
        })
        .collect::<Result<_, _>>()?;
    mount(
        RUN_TMPFS_SOURCE,
        "/run",
        "tmpfs",
        MountFlags::empty(),
        c"mode=0755",
    )
    .map_err(|e| format!("mounting a tmpfs on /run: {e}"))?;
    for (root, fd) in kept {
        std::fs::create_dir_all(&root)
            .and_then(|()| {
                let source = format!("/proc/self/fd/{}", fd.as_raw_fd());
                mount_bind(source.as_str(), &root).map_err(Into::into)
            })
            .map_err(|e| format!("binding {} back over the tmpfs: {e}", root.display()))?;
    }
    Ok(())
}

/// Whether `/run` is a sandbox's tmpfs (mounted by this crate) in this mount namespace.
pub fn run_is_sandboxed() -> bool {
    // The last mount on /run is the visible one.
    crate::mountinfo::mounts()
        .into_iter()
        .rfind(|m| m.point == std::path::Path::new("/run"))
        .is_some_and(|m| m.fstype == "tmpfs" && m.source == RUN_TMPFS_SOURCE)
}

/// The unwinding payload of [`skip`] and [`kernel_lacks`].
struct Skipped {
    reason: String,
    /// The kernel was built without what the test checks: no privilege or package can change
    /// that, so even [`NO_SKIP_ENV`] leaves it a skip.
    kernel: bool,
}

/// Ends the calling test of a [`main!`](crate::main) binary as skipped, with the reason: it is
/// reported `ignored (skipped: REASON)`, never `ok` (a failure with [`NO_SKIP_ENV`] set). For a
/// test that finds, once running, that this machine cannot do what it checks (no unprivileged
/// user namespaces, say). Unwinds without the panic message.
pub fn skip(reason: impl Into<String>) -> ! {
    resume_unwind(Box::new(Skipped {
        reason: reason.into(),
        kernel: false,
    }))
}

/// Ends the calling test as skipped because this kernel was built without what it checks (the
/// `netem` qdisc, say), after the test asked the kernel itself. Reported `ignored (skipped:
/// REASON)`, even with [`NO_SKIP_ENV`] set: CI's machines are of this kind, and neither root nor
/// a package can add a kernel option.
pub fn kernel_lacks(reason: impl Into<String>) -> ! {
    resume_unwind(Box::new(Skipped {
        reason: reason.into(),
        kernel: true,
    }))
}

/// What the tests of a [`main!`](crate::main) binary can do here, decided once before any runs.
#[derive(Clone, Debug)]
enum Readiness {
    /// In the sandbox, checked: run the tests.
    Ready,
    /// Not root: every test is reported `ignored (skipped: …)`, never `ok`.
    Skip(String),
    /// Root, but the sandbox could not be made or did not hold: every test fails with this.
    Fail(String),
}

/// The environment variable that turns a skip into a failure (CI sets it: there, a test that
/// cannot run is a broken machine, not a reason to go green).
pub const NO_SKIP_ENV: &str = "NETNEST_TEST_NO_SKIP";

/// Why a privileged test cannot run as this user, or `None` as root.
pub fn needs_root() -> Option<String> {
    if rustix::process::geteuid().is_root() {
        return None;
    }
    Some(format!(
        "skipped: needs root (CAP_SYS_ADMIN) for its private mount and network namespace; \
         running as uid {}",
        rustix::process::geteuid().as_raw()
    ))
}

/// Enters the sandbox and checks that it holds: the mount and network namespaces are new ones
/// (not the ones the process started in) and the visible `/run` is this crate's tmpfs.
fn prepare() -> Readiness {
    if let Some(why) = needs_root() {
        return if std::env::var_os(NO_SKIP_ENV).is_some() {
            Readiness::Fail(format!("{why} ({NO_SKIP_ENV} is set)"))
        } else {
            Readiness::Skip(why)
        };
    }
    let before = namespace_ids();
    if let Err(e) = enter_sandbox() {
        return Readiness::Fail(format!("cannot enter the test sandbox: {e}"));
    }
    let after = namespace_ids();
    let problem = match (before, after) {
        (Ok(b), Ok(a)) if b.0 == a.0 => Some("the mount namespace is still the host's".to_owned()),
        (Ok(b), Ok(a)) if b.1 == a.1 => {
            Some("the network namespace is still the host's".to_owned())
        }
        (Err(e), _) | (_, Err(e)) => Some(e),
        _ if !run_is_sandboxed() => Some(format!(
            "/run is not the sandbox's tmpfs ({RUN_TMPFS_SOURCE}) in /proc/self/mountinfo"
        )),
        _ => None,
    };
    match problem {
        Some(p) => Readiness::Fail(format!("the test sandbox does not hold: {p}")),
        None => Readiness::Ready,
    }
}

/// The inode numbers of this thread's mount and network namespaces.
fn namespace_ids() -> Result<(u64, u64), String> {
    use std::os::unix::fs::MetadataExt;
    let ino = |ns: &str| {
        std::fs::metadata(format!("/proc/thread-self/ns/{ns}"))
            .map(|m| m.ino())
            .map_err(|e| format!("reading /proc/thread-self/ns/{ns}: {e}"))
    };
    Ok((ino("mnt")?, ino("net")?))
}

/// Runs `tests` as the [`main!`](crate::main) binary does: parses libtest's command line (with
/// `libtest-mimic`), enters and checks the sandbox, runs the selected tests one by one on the
/// main thread, reports like libtest. As non-root every test is reported ignored with the
/// reason (or fails, with [`NO_SKIP_ENV`] set); if the sandbox cannot be made, every test fails.
pub fn run_tests(tests: &[Test]) -> ExitCode {
    let mut args = libtest_mimic::Arguments::from_args();
    // One thread: the tests share the process's namespaces, and some count its mounts.
    args.test_threads = Some(1);
    let readiness = if args.list {
        Readiness::Ready
    } else {
        prepare()
    };
    let trials = tests
        .iter()
        .map(|t| {
            let (run, readiness) = (t.run, readiness.clone());
            libtest_mimic::Trial::ignorable_test(t.name, move || match readiness {
                Readiness::Ready => match catch_unwind(run) {
                    Ok(()) => Ok(libtest_mimic::Completion::Completed),
                    Err(payload) => match payload.downcast::<Skipped>() {
                        Ok(skip) if !skip.kernel && std::env::var_os(NO_SKIP_ENV).is_some() => {
                            Err(format!("skipped: {} ({NO_SKIP_ENV} is set)", skip.reason).into())
                        }
                        Ok(skip) => Ok(libtest_mimic::Completion::ignored_with(format!(
                            "skipped: {}",
                            skip.reason
                        ))),
                        Err(panic) => resume_unwind(panic),
                    },
                },
                Readiness::Skip(why) => Ok(libtest_mimic::Completion::ignored_with(why)),
                Readiness::Fail(why) => Err(why.into()),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

#[cfg(test)]
mod tests {
    use libtest_mimic::Arguments;

    fn parse(words: &[&str]) -> Arguments {
        Arguments::from_iter(std::iter::once("test").chain(words.iter().copied()))
    }

    /// The command lines that cargo test and cargo-nextest pass are understood.
    #[test]
    fn cargo_and_nextest_command_lines() {
        let a = parse(&["--list", "--format", "terse"]);
        assert!(a.list);
        let a = parse(&["--list", "--format=terse", "--ignored"]);
        assert!(a.list && a.ignored);
        let a = parse(&["--exact", "add", "--nocapture"]);
        assert!(a.exact && a.filter.as_deref() == Some("add"));
        let a = parse(&["--test-threads", "1", "add", "--skip", "twice", "-q"]);
        assert_eq!(
            (a.test_threads, a.skip.as_slice()),
            (Some(1), &["twice".to_owned()][..])
        );
    }
}
