// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, run directory states: missing, a regular file, read-only, on a full
//! filesystem, holding a stale mode-0 file, a symlink, under a shared `/run`. Every operation
//! fails with a clear error that names the step (`Op`) and keeps the errno, and nothing half-made
//! is left. The whole binary runs in the test kit's sandbox.

mod reliability_support;

use std::ffi::OsString;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use netnest::rustix::fs::{Mode, OFlags};
use netnest::rustix::mount::{
    mount, mount_bind_recursive, mount_change, mount_remount, unmount, MountFlags,
    MountPropagationFlags, UnmountFlags,
};
use netnest::{CreateMode, EntryState, Name, NetNs, Op, Registry};
use netnest_testkit::TempRunDir;
use reliability_support::{
    fresh_registry, mounts, mounts_at, remove_default_run_dir, run_dir_state, tree, Mount,
};

fn n(s: &str) -> Name {
    Name::new(s).unwrap()
}

/// `(op, errno)` of an error.
fn err<T: std::fmt::Debug>(r: netnest::Result<T>) -> (Op, i32) {
    let e = r.expect_err("an error");
    (e.op(), e.raw_os_error().unwrap_or(0))
}

/// Mount facts (point, type, source), sorted, to compare before and after.
fn facts() -> Vec<(std::path::PathBuf, String, String)> {
    let mut v: Vec<_> = mounts()
        .into_iter()
        .map(|m: Mount| (m.point, m.fstype, m.source))
        .collect();
    v.sort();
    v
}

fn current_umask() -> u32 {
    let old = netnest::rustix::process::umask(Mode::from_raw_mode(0o022));
    netnest::rustix::process::umask(old);
    old.bits()
}

fn missing_run_dir() {
    let f = fresh_registry("rd-missing");
    let reg = &f.reg;
    // Reading a registry that does not exist creates nothing.
    assert!(reg.list().unwrap().is_empty());
    assert_eq!(err(reg.entries()), (Op::ReadDir, libc::ENOENT));
    assert_eq!(err(reg.open(&n("x"))), (Op::Open, libc::ENOENT));
    assert_eq!(err(reg.delete(&n("x"))), (Op::Remove, libc::ENOENT));
    assert_eq!(err(reg.pids(&n("x"))), (Op::Open, libc::ENOENT));
    assert_eq!(
        err(reg.create(&n("x"), CreateMode::OpenExisting)),
        (Op::Open, libc::ENOENT)
    );
    assert!(reg.identify(&NetNs::current().unwrap()).unwrap().is_empty());
    assert!(!reg.dir().exists());
    // add makes it: mode 0755 (less the umask, as mkdir(2)), one shared propagation mount.
    let ns = reg.add(&n("x")).unwrap();
    let mode = std::fs::metadata(reg.dir()).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o755 & !current_umask());
    let state = run_dir_state(reg);
    state.check(false).unwrap();
    assert_eq!(state.dir_mounts.len(), 1);
    assert_eq!(reg.open(&n("x")).unwrap(), ns);
    reg.delete(&n("x")).unwrap();
    // Its parent missing too: mkdir is not `mkdir -p` (as iproute2), and nothing is made.
    let deep = Registry::new(f.tmp.path().join("no/such/parent/netns"));
    assert_eq!(err(deep.add(&n("x"))), (Op::CreateRunDir, libc::ENOENT));
    assert_eq!(
        err(deep.attach(&n("x"), std::process::id())),
        (Op::CreateRunDir, libc::ENOENT)
    );
    assert!(!f.tmp.path().join("no").exists());
}

fn run_dir_is_a_regular_file() {
    let tmp = TempRunDir::new("rd-file");
    let path = tmp.path().join("netns");
    std::fs::write(&path, b"not a directory").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = (std::fs::metadata(&path).unwrap(), facts());
    let reg = Registry::new(&path);
    let pid = std::process::id();
    let other = NetNs::new().unwrap();
    assert_eq!(err(reg.add(&n("x"))), (Op::OpenRunDir, libc::ENOTDIR));
    assert_eq!(
        err(reg.attach(&n("x"), pid)),
        (Op::OpenRunDir, libc::ENOTDIR)
    );
    assert_eq!(
        err(reg.attach_ns(&n("x"), &other)),
        (Op::OpenRunDir, libc::ENOTDIR)
    );
    assert_eq!(
        err(reg.create(&n("x"), CreateMode::CreateOrOpen)),
        (Op::Open, libc::ENOTDIR)
    );
    assert_eq!(err(reg.open(&n("x"))), (Op::Open, libc::ENOTDIR));
    assert_eq!(err(reg.delete(&n("x"))), (Op::Remove, libc::ENOTDIR));
    assert_eq!(err(reg.pids(&n("x"))), (Op::Open, libc::ENOTDIR));
    // Not "missing": list reports it (iproute2's `list` prints nothing; the CLI decides).
    assert_eq!(err(reg.list()), (Op::ReadDir, libc::ENOTDIR));
    assert_eq!(err(reg.entries()), (Op::ReadDir, libc::ENOTDIR));
    assert_eq!(err(reg.identify(&other)), (Op::ReadDir, libc::ENOTDIR));
    // The file is untouched: content, mode, times; no mount was made anywhere.
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"not a directory");
    assert_eq!(after.mode(), before.0.mode());
    assert_eq!(
        (after.mtime(), after.mtime_nsec()),
        (before.0.mtime(), before.0.mtime_nsec())
    );
    assert_eq!(
        (after.ctime(), after.ctime_nsec()),
        (before.0.ctime(), before.0.ctime_nsec())
    );
    assert_eq!(facts(), before.1);
}

/// `watch` of a run directory that is a regular file waits, as `ip netns monitor` does (it
/// watches the file), rather than failing; when a directory takes the file's place, its entries
/// are reported.
fn watch_of_a_run_dir_that_is_a_regular_file_waits_for_a_directory() {
    use netnest::Change;
    let tmp = TempRunDir::new("watch-file");
    let path = tmp.path().join("netns");
    std::fs::write(&path, b"not a directory").unwrap();
    let watch = Registry::new(&path).watch().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"not a directory");
    // The thread ends with the watch's error when the temporary directory goes at the end.
    let (tx, rx) = std::sync::mpsc::sync_channel(0);
    std::thread::spawn(move || {
        for change in watch {
            if tx.send(change).is_err() {
                return;
            }
        }
    });
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("x"), b"").unwrap();
    let change = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("no change reported within 10 s");
    assert_eq!(change.unwrap(), Change::Added(OsString::from("x")));
}

fn run_dir_is_a_symlink() {
    let tmp = TempRunDir::new("rd-link");
    // To a directory (as /var/run -> /run): followed, like any path.
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let via_link = Registry::new(&link);
    let ns = via_link.add(&n("x")).unwrap();
    assert_eq!(Registry::new(&real).open(&n("x")).unwrap(), ns);
    assert_eq!(
        mounts_at(&real).len(),
        1,
        "the propagation mount is on the real directory"
    );
    assert_eq!(mounts_at(&real.join("x")).len(), 1);
    via_link.delete(&n("x")).unwrap();
    // Dangling: mkdir says EEXIST, then opening it fails; nothing is made at its target.
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
    let reg = Registry::new(&dangling);
    assert_eq!(err(reg.add(&n("x"))), (Op::OpenRunDir, libc::ENOENT));
    assert!(reg.list().unwrap().is_empty());
    assert!(!tmp.path().join("nowhere").exists());
}

/// Remounts the filesystem of `path` read-only (the superblock: every mount of it).
fn remount_read_only(path: &Path) {
    mount_remount(path, MountFlags::RDONLY, "").unwrap();
}

fn run_dir_on_a_read_only_filesystem() {
    let tmp = TempRunDir::new("rd-ro");
    // Missing, on a read-only filesystem: mkdir fails, nothing is made.
    let ro = tmp.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    mount(
        "netnest-rel-ro",
        &ro,
        "tmpfs",
        MountFlags::RDONLY,
        c"size=64k",
    )
    .unwrap();
    let before = facts();
    let reg = Registry::new(ro.join("netns"));
    assert_eq!(err(reg.add(&n("x"))), (Op::CreateRunDir, libc::EROFS));
    assert_eq!(
        err(reg.attach(&n("x"), std::process::id())),
        (Op::CreateRunDir, libc::EROFS)
    );
    assert!(!reg.dir().exists());
    assert_eq!(facts(), before);

    // Present, with a live namespace, then the filesystem turned read-only.
    let rw = tmp.path().join("rw");
    std::fs::create_dir(&rw).unwrap();
    mount(
        "netnest-rel-rw",
        &rw,
        "tmpfs",
        MountFlags::empty(),
        c"size=64k",
    )
    .unwrap();
    let reg = Registry::new(rw.join("netns"));
    let pre = reg.add(&n("pre")).unwrap();
    remount_read_only(&rw);
    let before = (facts(), tree(&rw, Path::new("/nonexistent")));
    // add: the directory is already a shared mount point; creating the file fails.
    assert_eq!(err(reg.add(&n("x"))), (Op::CreateFile, libc::EROFS));
    assert_eq!(
        err(reg.attach_ns(&n("x"), &pre)),
        (Op::CreateFile, libc::EROFS)
    );
    // Reading still works.
    assert_eq!(reg.open(&n("pre")).unwrap(), pre);
    assert_eq!(
        reg.list().unwrap()[0].state,
        EntryState::Namespace(pre.id())
    );
    assert_eq!(reg.identify(&pre).unwrap(), vec![OsString::from("pre")]);
    // delete cannot remove the name: it must not unmount the namespace either (that would leave
    // a stale file and lose the namespace).
    assert_eq!(err(reg.delete(&n("pre"))), (Op::Remove, libc::EROFS));
    assert_eq!(
        reg.open(&n("pre")).unwrap(),
        pre,
        "the name still leads to the namespace"
    );
    assert_eq!(
        (facts(), tree(&rw, Path::new("/nonexistent"))),
        before,
        "nothing changed"
    );
    // Writable again: everything works, nothing was left behind.
    mount_remount(&rw, MountFlags::empty(), "").unwrap();
    reg.delete(&n("pre")).unwrap();
    run_dir_state(&reg).check(false).unwrap();
    assert!(reg.names().unwrap().is_empty());
    unmount(&rw, UnmountFlags::DETACH).unwrap();
    unmount(&ro, UnmountFlags::DETACH).unwrap();

    // The oracle: iproute2 6.1 unmounts first, so on a read-only /run its delete fails and the
    // namespace is gone (the name is left stale).
    remove_default_run_dir();
    let ip = |args: &[&str]| Command::new("/usr/sbin/ip").args(args).output().unwrap();
    assert!(ip(&["netns", "add", "rd-ro-ip"]).status.success());
    remount_read_only(Path::new("/run"));
    let out = ip(&["netns", "del", "rd-ro-ip"]);
    let stale_after_ip = Registry::default().open(&n("rd-ro-ip")).is_err();
    mount_remount("/run", MountFlags::empty(), "").unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (
            Some(1),
            "Cannot remove namespace file \"/run/netns/rd-ro-ip\": Read-only file system\n"
        )
    );
    assert!(stale_after_ip, "ip 6.1 lost the namespace");
    remove_default_run_dir();
}

/// Creates files in `dir` until the filesystem says ENOSPC; returns them.
fn fill_inodes(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut made = Vec::new();
    for i in 0.. {
        let p = dir.join(format!("filler-{i}"));
        match std::fs::File::create(&p) {
            Ok(_) => made.push(p),
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => return made,
            Err(e) => panic!("filling {}: {e}", dir.display()),
        }
        assert!(i < 100_000, "the filesystem never filled up");
    }
    unreachable!()
}

fn run_dir_on_a_full_filesystem() {
    let tmp = TempRunDir::new("rd-full");
    let fs = tmp.path().join("tiny");
    std::fs::create_dir(&fs).unwrap();
    mount(
        "netnest-rel-tiny",
        &fs,
        "tmpfs",
        MountFlags::empty(),
        c"size=16k,nr_inodes=12",
    )
    .unwrap();
    // No inode left for the run directory: mkdir fails, nothing made.
    let fillers = fill_inodes(&fs);
    let reg = Registry::new(fs.join("netns"));
    let before = facts();
    assert_eq!(err(reg.add(&n("x"))), (Op::CreateRunDir, libc::ENOSPC));
    assert!(!reg.dir().exists());
    assert_eq!(facts(), before);
    // One inode freed: the directory is made, and the namespace file has no inode left.
    std::fs::remove_file(&fillers[0]).unwrap();
    assert_eq!(err(reg.add(&n("x"))), (Op::CreateFile, libc::ENOSPC));
    assert_eq!(
        err(reg.attach(&n("x"), std::process::id())),
        (Op::CreateFile, libc::ENOSPC)
    );
    let state = run_dir_state(&reg);
    assert!(state.entries.is_empty(), "nothing half-made: {state:?}");
    assert_eq!(
        state.dir_mounts.len(),
        1,
        "the run directory itself is ready (as iproute2)"
    );
    // Room again: add works; a namespace file needs an inode, no data block (the blocks are
    // full: a file's data fills them up).
    std::fs::remove_file(&fillers[1]).unwrap();
    std::fs::remove_file(&fillers[2]).unwrap();
    let big = fs.join("filler-data");
    let e = std::fs::write(&big, vec![7u8; 64 * 1024]).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOSPC));
    let ns = reg.add(&n("x")).unwrap();
    assert_eq!(reg.open(&n("x")).unwrap(), ns);
    run_dir_state(&reg).check(false).unwrap();
    reg.delete(&n("x")).unwrap();
    unmount(&fs, UnmountFlags::DETACH).unwrap();
}

/// What a killed add leaves: the mode-0 file, created with O_EXCL, never bound.
fn plant_stale(reg: &Registry, name: &str) {
    std::fs::create_dir_all(reg.dir()).unwrap();
    let fd = netnest::rustix::fs::open(
        reg.dir().join(name),
        OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    drop(fd);
}

fn stale_mode0_file_is_handled_as_iproute2() {
    let reg = Registry::default(); // /run/netns, so ip sees the same
    let live = reg.add(&n("rd-live")).unwrap();
    plant_stale(&reg, "rd-stale");
    let states: Vec<(OsString, EntryState)> = reg
        .list()
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.state))
        .collect();
    assert!(states.contains(&("rd-stale".into(), EntryState::Stale)));
    assert!(states.contains(&("rd-live".into(), EntryState::Namespace(live.id()))));
    // add and attach: EEXIST, as `ip netns add` says.
    let stale = n("rd-stale");
    assert_eq!(err(reg.add(&stale)), (Op::CreateFile, libc::EEXIST));
    assert_eq!(
        err(reg.attach_ns(&stale, &live)),
        (Op::CreateFile, libc::EEXIST)
    );
    let out = Command::new("/usr/sbin/ip")
        .args(["netns", "add", "rd-stale"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Cannot create namespace file \"/run/netns/rd-stale\": File exists\n"
    );
    // open and create-or-open: not a namespace. pids: none. identify: not among the names.
    assert_eq!(err(reg.open(&stale)), (Op::NotANamespace, libc::EINVAL));
    assert_eq!(
        err(reg.create(&stale, CreateMode::CreateOrOpen)),
        (Op::NotANamespace, libc::EINVAL)
    );
    assert!(reg.pids(&stale).unwrap().is_empty());
    assert_eq!(
        reg.identify(&live).unwrap(),
        vec![OsString::from("rd-live")]
    );
    let meta = std::fs::metadata(reg.path(&stale)).unwrap();
    assert_eq!(
        (meta.permissions().mode() & 0o7777, meta.len()),
        (0, 0),
        "unchanged"
    );
    // delete removes it, and then the name works again.
    reg.delete(&stale).unwrap();
    let again = reg.add(&stale).unwrap();
    assert_eq!(reg.open(&stale).unwrap(), again);
    run_dir_state(&reg).check(false).unwrap();
    for name in ["rd-stale", "rd-live"] {
        reg.delete(&n(name)).unwrap();
    }
    remove_default_run_dir();
}

/// systemd makes `/run` a shared mount. iproute2 6.1 then gets two nsfs mounts per name (spec
/// section "add and attach"); netnest makes the run directory private before shared (iproute2 7.0's fix): one.
fn run_dir_under_a_shared_parent_gets_one_mount_per_name() {
    let tmp = TempRunDir::new("rd-shared");
    let parent = tmp.path().join("run");
    std::fs::create_dir(&parent).unwrap();
    mount_bind_recursive(&parent, &parent).unwrap();
    mount_change(&parent, MountPropagationFlags::SHARED).unwrap();
    let reg = Registry::new(parent.join("netns"));
    for name in ["a", "b", "c"] {
        reg.add(&n(name)).unwrap();
    }
    for name in ["a", "b", "c"] {
        let here: Vec<Mount> = mounts_at(&reg.path(&n(name)));
        assert_eq!(here.len(), 1, "{name}: {here:?}");
    }
    run_dir_state(&reg).check(false).unwrap();
    for name in ["a", "b", "c"] {
        reg.delete(&n(name)).unwrap();
    }
    assert!(mounts()
        .iter()
        .all(|m| m.fstype != "nsfs" || !m.point.starts_with(&parent)));

    // The oracle sees the difference: ip 6.1 on a fresh /run/netns under a shared /run.
    let run = Path::new("/run");
    remove_default_run_dir();
    mount_change(run, MountPropagationFlags::SHARED).unwrap();
    let ip = |args: &[&str]| {
        assert!(
            Command::new("/usr/sbin/ip")
                .args(args)
                .status()
                .unwrap()
                .success(),
            "ip {args:?}"
        );
    };
    ip(&["netns", "add", "rd-dbl"]);
    let doubled = mounts_at(Path::new("/run/netns/rd-dbl")).len();
    ip(&["netns", "del", "rd-dbl"]);
    // Undo: /run/netns and its mount go, /run private again.
    remove_default_run_dir();
    mount_change(run, MountPropagationFlags::PRIVATE).unwrap();
    assert_eq!(
        doubled, 2,
        "iproute2 6.1 doubles the nsfs mount under a shared /run"
    );
}

/// The next change from `watch`, or a failure after 10 s (a watch that misses an event must fail
/// the test, not hang it).
fn next_change(rx: &std::sync::mpsc::Receiver<netnest::Change>) -> netnest::Change {
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("no change reported within 10 s")
}

/// `Registry::watch`: names added and removed; the run directory removed and made again (watched
/// again, its entries reported); the kernel's queue overflowing (a [`Change::Overflow`], then the
/// difference, so that replaying the changes gives what is in the directory).
fn watch_reports_names_across_a_new_directory_and_an_overflow() {
    use netnest::Change;
    let tmp = TempRunDir::new("watch");
    let dir = tmp.path().join("netns");
    let reg = Registry::new(&dir);
    let watch = reg.watch().unwrap();
    assert!(dir.is_dir(), "watch makes the run directory");
    // The watch is read on a thread, paused on demand so the queue can overflow.
    let (tx, rx) = std::sync::mpsc::sync_channel(0);
    std::thread::spawn(move || {
        for change in watch {
            if tx.send(change.unwrap()).is_err() {
                return;
            }
        }
    });
    let n = |s: &str| Name::new(s).unwrap();
    let os = |s: &str| OsString::from(s);
    reg.add(&n("a")).unwrap();
    assert_eq!(next_change(&rx), Change::Added(os("a")));
    reg.delete(&n("a")).unwrap();
    assert_eq!(next_change(&rx), Change::Removed(os("a")));
    // Removed (it is a mount point since the add) and made again by the next add.
    unmount(&dir, UnmountFlags::DETACH).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    reg.add(&n("b")).unwrap();
    assert_eq!(next_change(&rx), Change::Added(os("b")));
    // 20 000 files come and go while the reader waits in `send` (the kernel queues 16 384).
    for i in 0..20_000 {
        std::fs::write(dir.join(format!("f{i}")), b"").unwrap();
    }
    for i in 0..20_000 {
        std::fs::remove_file(dir.join(format!("f{i}"))).unwrap();
    }
    std::fs::write(dir.join("kept"), b"").unwrap();
    let mut names = std::collections::BTreeSet::from([os("b")]);
    let mut overflows = 0;
    while names != std::collections::BTreeSet::from([os("b"), os("kept")]) || overflows == 0 {
        match next_change(&rx) {
            Change::Added(name) => assert!(names.insert(name), "added twice"),
            Change::Removed(name) => assert!(names.remove(&name), "removed when absent"),
            Change::Overflow => overflows += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(overflows, 1);
    std::fs::remove_file(dir.join("kept")).unwrap();
    assert_eq!(next_change(&rx), Change::Removed(os("kept")));
    reg.delete(&n("b")).unwrap();
}

netnest_testkit::main!(
    missing_run_dir,
    watch_reports_names_across_a_new_directory_and_an_overflow,
    run_dir_is_a_regular_file,
    watch_of_a_run_dir_that_is_a_regular_file_waits_for_a_directory,
    run_dir_is_a_symlink,
    run_dir_on_a_read_only_filesystem,
    run_dir_on_a_full_filesystem,
    stale_mode0_file_is_handled_as_iproute2,
    run_dir_under_a_shared_parent_gets_one_mount_per_name,
);
