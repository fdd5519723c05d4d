// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, privileges: the library as an unprivileged user (uid/gid 65534, no
//! capabilities, in a forked worker), and inside an unprivileged user namespace.
//!
//! Without privileges, reading works (handles, list, identify, pids of the processes one may
//! inspect), and every change fails with a permission error at the step that needs the privilege
//! (`Op`), leaving nothing behind. In a user namespace of its own, an unprivileged user can run a
//! complete registry on a run directory it mounts there. The figures and the table of what needs
//! which privilege are in docs/reliability.md.

mod reliability_support;

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use netnest::rustix::fs::{Mode, OFlags};
use netnest::rustix::mount::{mount, MountFlags};
use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{
    failed_step, CommandExt, CreateMode, EntryState, ExecStep, Name, NetNs, Op, Registry,
};
use netnest_testkit::TempRunDir;
use reliability_support::{
    become_nobody, enter_user_namespace, figures, fork_worker, mounts, NOBODY,
};

fn n(s: &str) -> Name {
    Name::new(s).unwrap()
}

/// Checks `r` failed at `op` with `errno`, and writes a line of the table to `out`.
fn denied<T: std::fmt::Debug>(
    out: &mut impl Write,
    what: &str,
    r: netnest::Result<T>,
    op: Op,
    errno: i32,
) {
    let e = r.expect_err(what);
    assert_eq!((e.op(), e.raw_os_error()), (op, Some(errno)), "{what}: {e}");
    if errno == libc::EPERM && matches!(op, Op::MakeShared | Op::Unshare | Op::Setns) {
        // The kind says which capability was missing, and so does the text.
        assert_eq!(
            e.kind(),
            &netnest::ErrorKind::PermissionDenied {
                capability: Some(netnest::Capability::SysAdmin)
            },
            "{what}: {e}"
        );
        assert!(
            e.to_string().ends_with("(needs CAP_SYS_ADMIN)"),
            "{what}: {e}"
        );
    }
    writeln!(out, "denied {what}: {:?} {}", e.op(), e.io_error()).unwrap();
}

fn works(out: &mut impl Write, what: &str) {
    writeln!(out, "works {what}").unwrap();
}

/// Names, mounts (point, type, source) and files of a directory, to compare before and after.
type Snapshot = (
    Vec<OsString>,
    Vec<(PathBuf, String, String)>,
    Vec<(PathBuf, String)>,
);

/// What the test leaves comparable: names, mounts (point, type, source), files under `dir`.
fn snapshot(dir: &Path) -> Snapshot {
    let mut names: Vec<OsString> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    names.sort();
    let mut ms: Vec<_> = mounts()
        .into_iter()
        .map(|m| (m.point, m.fstype, m.source))
        .collect();
    ms.sort();
    (
        names,
        ms,
        reliability_support::tree(dir, Path::new("/nonexistent")),
    )
}

/// A child process killed and reaped when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn unprivileged_user_reads_and_is_refused_changes() {
    let tmp = TempRunDir::new("priv");
    // A registry made by root (mode 0755), with a live namespace and a process in it as root and
    // one as nobody.
    let reg = Registry::new(tmp.path().join("netns"));
    let live = reg.add(&n("live")).unwrap();
    let as_root = Killed(Command::new("sleep").arg("600").spawn_in(&live).unwrap());
    let mut as_nobody_cmd = Command::new("sleep");
    as_nobody_cmd.arg("600").uid(NOBODY).gid(NOBODY);
    let as_nobody = Killed(as_nobody_cmd.spawn_in(&live).unwrap());
    let (root_pid, nobody_pid) = (as_root.0.id(), as_nobody.0.id());
    // A registry directory that nobody owns, with a live name and a stale file root made.
    let own = tmp.path().join("own");
    std::fs::create_dir(&own).unwrap();
    std::os::unix::fs::chown(&own, Some(NOBODY), Some(NOBODY)).unwrap();
    let own_reg = Registry::new(&own);
    let own_live = own_reg.add(&n("own-live")).unwrap();
    netnest::rustix::fs::open(
        own.join("own-stale"),
        OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    let missing = Registry::new(tmp.path().join("missing"));
    let sandbox = NetNs::current().unwrap();
    let (before, own_before) = (snapshot(reg.dir()), snapshot(&own));

    let worker = fork_worker(|out| {
        become_nobody();
        let pid = std::process::id();
        // Reading.
        let here = NetNs::current().unwrap();
        assert_eq!(here, sandbox);
        assert_eq!(NetNs::from_pid(std::process::id()).unwrap(), here);
        assert_eq!(here.try_clone().unwrap(), here);
        works(out, "NetNs::current/from_pid(own)/try_clone");
        let opened = reg.open(&n("live")).unwrap();
        assert_eq!(opened, live);
        assert_eq!(NetNs::from_path(reg.path(&n("live"))).unwrap(), live);
        assert_eq!(
            reg.create(&n("live"), CreateMode::CreateOrOpen).unwrap(),
            live
        );
        works(
            out,
            "Registry::open/create(existing)/NetNs::from_path (nsfs files are 0444)",
        );
        let entries = reg.list().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].state, EntryState::Namespace(live.id()));
        works(out, "Registry::list/entries/names");
        assert_eq!(reg.identify(&opened).unwrap(), vec![OsString::from("live")]);
        works(out, "Registry::identify");
        let pids = reg.pids(&n("live")).unwrap();
        assert!(pids.contains(&nobody_pid), "nobody's own process: {pids:?}");
        assert!(
            !pids.contains(&root_pid),
            "root's process is not inspectable: {pids:?}"
        );
        works(
            out,
            "Registry::pids (only processes the user may inspect: its own)",
        );
        match NetNs::from_pid(root_pid) {
            Err(e) => writeln!(
                out,
                "denied NetNs::from_pid(root's process): {:?} {}",
                e.op(),
                e.io_error()
            )
            .unwrap(),
            Ok(_) => works(out, "NetNs::from_pid(root's process)"),
        }
        assert!(missing.list().unwrap().is_empty());

        // Changing: each fails at the step that needs the privilege, and leaves nothing.
        denied(
            out,
            "add (root's run dir)",
            reg.add(&n("x")),
            Op::MakeShared,
            libc::EPERM,
        );
        denied(
            out,
            "add (own run dir)",
            own_reg.add(&n("x")),
            Op::MakeShared,
            libc::EPERM,
        );
        denied(
            out,
            "add (run dir missing)",
            missing.add(&n("x")),
            Op::CreateRunDir,
            libc::EACCES,
        );
        denied(
            out,
            "create(CreateOrOpen) of a new name",
            reg.create(&n("x"), CreateMode::CreateOrOpen),
            Op::MakeShared,
            libc::EPERM,
        );
        denied(
            out,
            "attach",
            reg.attach(&n("x"), pid),
            Op::MakeShared,
            libc::EPERM,
        );
        denied(
            out,
            "attach_ns",
            own_reg.attach_ns(&n("x"), &here),
            Op::MakeShared,
            libc::EPERM,
        );
        denied(
            out,
            "delete (root's run dir)",
            reg.delete(&n("live")),
            Op::Remove,
            libc::EACCES,
        );
        denied(
            out,
            "delete (own run dir: cannot unmount, so unlink finds a mount point)",
            own_reg.delete(&n("own-live")),
            Op::Remove,
            libc::EBUSY,
        );
        assert_eq!(reg.open(&n("live")).unwrap(), live, "still live");
        assert_eq!(
            own_reg.open(&n("own-live")).unwrap(),
            own_live,
            "still live"
        );
        denied(out, "NetNs::new", NetNs::new(), Op::Unshare, libc::EPERM);
        let before_enter = NetNs::current().unwrap();
        denied(
            out,
            "NetNs::enter",
            live.enter().map(drop),
            Op::Setns,
            libc::EPERM,
        );
        assert_eq!(NetNs::current().unwrap(), before_enter);
        let ran = AtomicBool::new(false);
        denied(
            out,
            "run",
            netnest::run(&live, || ran.store(true, Ordering::SeqCst)),
            Op::Setns,
            libc::EPERM,
        );
        assert!(!ran.load(Ordering::SeqCst), "the closure must not run");
        denied(
            out,
            "socket",
            netnest::socket(&live, AddressFamily::INET, SocketType::DGRAM, None),
            Op::Setns,
            libc::EPERM,
        );
        denied(
            out,
            "CommandExt::spawn_in",
            Command::new("true").spawn_in(&live),
            Op::Setns,
            libc::EPERM,
        );
        let e = Command::new("true")
            .netns(&live)
            .unwrap()
            .status()
            .unwrap_err();
        assert_eq!(
            failed_step(&e).map(|(s, errno)| (s, errno.raw_os_error())),
            Some((ExecStep::Setns, libc::EPERM))
        );
        writeln!(
            out,
            "denied CommandExt::netns then spawn: io::Error, failed_step = Setns EPERM"
        )
        .unwrap();
        // What nobody may do in a directory of its own: remove stale files.
        assert_eq!(own_reg.prune().unwrap(), [OsString::from("own-stale")]);
        works(out, "Registry::prune (in a run dir the user may write)");
    });
    let ended = worker.wait();
    ended.assert_success("the unprivileged worker");
    drop((as_root, as_nobody));
    // Nothing was left: only the stale file nobody pruned is gone.
    assert_eq!(snapshot(reg.dir()), before);
    let mut own_after = own_before.clone();
    own_after.0.retain(|n| n != "own-stale");
    own_after.2.retain(|(p, _)| p != Path::new("own-stale"));
    assert_eq!(snapshot(&own), own_after);
    let table: Vec<&str> = ended.report.lines().collect();
    for line in &table {
        println!("privileges: {line}");
    }
    figures(
        "privileges",
        &[
            (
                "works",
                table
                    .iter()
                    .filter(|l| l.starts_with("works"))
                    .count()
                    .to_string(),
            ),
            (
                "denied",
                table
                    .iter()
                    .filter(|l| l.starts_with("denied"))
                    .count()
                    .to_string(),
            ),
            ("failures", "0".into()),
        ],
    );
    reg.delete(&n("live")).unwrap();
    own_reg.delete(&n("own-live")).unwrap();
}

/// Whether `unshare -Urn` works for an unprivileged user on this machine.
fn unshare_urn_works() -> bool {
    Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "unshare",
            "-Urn",
            "true",
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn unprivileged_user_namespace_runs_a_private_registry() {
    let urn = unshare_urn_works();
    println!(
        "privileges: `setpriv --reuid=65534 … unshare -Urn true` {}",
        if urn { "works" } else { "fails" }
    );
    let sandbox = NetNs::current().unwrap();
    let worker = fork_worker(|out| {
        become_nobody();
        match enter_user_namespace() {
            Ok(()) => {}
            Err(e) => {
                writeln!(out, "skipped: no unprivileged user namespace here: {e}").unwrap();
                return;
            }
        }
        // Root in its own user namespace, owning a new mount namespace: a tmpfs of its own on
        // /run (over the sandbox's), and the default registry there.
        mount(
            "netnest-rel-userns",
            "/run",
            "tmpfs",
            MountFlags::empty(),
            c"mode=0755",
        )
        .unwrap();
        let reg = Registry::default();
        let ns = reg.add(&n("u")).unwrap();
        works(
            out,
            "add (run dir bound and shared, namespace owned by the user namespace)",
        );
        assert_eq!(reg.open(&n("u")).unwrap(), ns);
        assert_eq!(reg.list().unwrap()[0].state, EntryState::Namespace(ns.id()));
        assert_eq!(reg.identify(&ns).unwrap(), vec![OsString::from("u")]);
        works(out, "open/list/identify");
        let sock = netnest::socket(&ns, AddressFamily::INET, SocketType::DGRAM, None).unwrap();
        assert_eq!(NetNs::of_socket(&sock).unwrap(), ns);
        assert_eq!(netnest::run(&ns, NetNs::current).unwrap().unwrap(), ns);
        works(out, "socket/run in a namespace the user namespace owns");
        let other = NetNs::new().unwrap();
        reg.attach_ns(&n("v"), &other).unwrap();
        assert_eq!(reg.open(&n("v")).unwrap(), other);
        works(out, "NetNs::new/attach_ns");
        // This thread is in the sandbox's namespace, which the user namespace does not own: it
        // could enter `ns` but never come back, so enter refuses (rather than abort on drop).
        denied(
            out,
            "enter, from a namespace the user namespace does not own",
            ns.enter().map(drop),
            Op::Setns,
            libc::EPERM,
        );
        // From a thread in a namespace it owns, enter goes and comes back.
        netnest::run(&ns, || {
            {
                let _in = other.enter().unwrap();
                assert_eq!(NetNs::current().unwrap(), other);
            }
            assert_eq!(NetNs::current().unwrap(), ns);
        })
        .unwrap();
        works(out, "enter, from a namespace the user namespace owns");
        // The sandbox's namespace belongs to the initial user namespace: out of reach.
        denied(
            out,
            "enter the sandbox's namespace (owned by the initial user namespace)",
            sandbox.enter().map(drop),
            Op::Setns,
            libc::EPERM,
        );
        denied(
            out,
            "socket in the sandbox's namespace",
            netnest::socket(&sandbox, AddressFamily::INET, SocketType::DGRAM, None),
            Op::Setns,
            libc::EPERM,
        );
        for name in ["u", "v"] {
            reg.delete(&n(name)).unwrap();
        }
        assert!(reg.list().unwrap().is_empty());
        works(out, "delete");
    });
    let ended = worker.wait();
    ended.assert_success("the user-namespace worker");
    for line in ended.report.lines() {
        println!("privileges (user namespace): {line}");
    }
    if urn {
        assert!(
            !ended.report.starts_with("skipped"),
            "unshare -Urn works, so must this"
        );
    }
    // Its mounts lived in its own mount namespace, gone with it.
    assert!(mounts().iter().all(|m| m.source != "netnest-rel-userns"));
    if !urn {
        netnest_testkit::skip(
            "no unprivileged user namespace here (`setpriv --reuid=65534 … unshare -Urn true` \
             fails): the registry in one was not checked",
        );
    }
}

netnest_testkit::main!(
    unprivileged_user_reads_and_is_refused_changes,
    unprivileged_user_namespace_runs_a_private_registry,
);
