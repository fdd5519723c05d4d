// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, hostile input: arbitrary bytes as names, and symlinks planted in the run
//! directory.
//!
//! * Names: a property test with a hand-rolled generator (fixed seed, `NETNEST_STRESS_SEED` to
//!   vary it) rather than proptest: the property is one comparison per input, the inputs that
//!   matter (`/`, `.`, NUL, lengths 255/256) are easy to aim at, and a seed that fails is replayed
//!   by setting one variable; no new dependency (and no Cargo.lock churn for the other branches).
//!   `Name::new` must accept exactly iproute2's rule (the real `ip` is asked too), and every name
//!   it accepts must be created, opened and removed inside the run directory and nowhere else.
//! * Symlinks planted in the run directory (to a mount elsewhere, to `/`, to a file, to another
//!   namespace inside and outside the run directory, to `/proc/1/ns/net`, dangling, a loop):
//!   `delete` removes only the link and never unmounts what it points to; `add`, `attach` and
//!   `create` fail with `EEXIST` and touch nothing; `open` (and so `exec`) follows the link, as
//!   iproute2 does (documented in docs/reliability.md).

mod reliability_support;

use std::ffi::OsString;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use netnest::rustix::mount::{mount, mount_bind, unmount, MountFlags, UnmountFlags};
use netnest::{CreateMode, EntryState, ExecEnv, InvalidName, Name, NetNs, Op, Registry, NAME_MAX};
use netnest_testkit::TempRunDir;
use reliability_support::{figures, mounts, os, scaled, seed, tree, Mount, Rng};

/// iproute2 6.1's rule (`invalid_name`), written from `docs/ip-netns-behaviour.md`, plus NUL (a C string cannot hold
/// one; a file name cannot either).
fn iproute2_accepts(b: &[u8]) -> bool {
    !b.is_empty()
        && b.len() <= NAME_MAX
        && !b.contains(&b'/')
        && b != b"."
        && b != b".."
        && !b.contains(&0)
}

/// Bytes aimed at the rule's edges: empty, `.`/`..`, slashes, NUL, lengths around 255, and any
/// byte at all.
fn arbitrary_name(rng: &mut Rng) -> Vec<u8> {
    const TRICKY: &[&[u8]] = &[
        b"", b".", b"..", b"...", b"./", b"../x", b"/", b"a/", b"/a", b"\0", b"a\0b", b"..\0",
        b"-", b"--all", b" ", b"\n", b"\xff", b"*", b"~", b"$HOME",
    ];
    if rng.chance(1, 12) {
        return TRICKY[rng.below(TRICKY.len())].to_vec();
    }
    let len = match rng.below(10) {
        0 => 0,
        1 => 1 + rng.below(3),
        2 => NAME_MAX - 2 + rng.below(5),
        3 => rng.below(600),
        _ => 1 + rng.below(40),
    };
    const SPECIAL: &[u8] = b"/.\0\xff\n \\-*\"'\t\x7f";
    (0..len)
        .map(|_| {
            if rng.chance(1, 40) {
                SPECIAL[rng.below(SPECIAL.len())]
            } else if rng.chance(1, 2) {
                b'a' + rng.below(26) as u8
            } else {
                rng.below(256) as u8
            }
        })
        .collect()
}

/// The reason given must be one that holds.
fn reason_holds(b: &[u8], why: &InvalidName) -> bool {
    match why {
        InvalidName::Empty => b.is_empty(),
        InvalidName::TooLong(n) => *n == b.len() && b.len() > NAME_MAX,
        InvalidName::Slash => b.contains(&b'/'),
        InvalidName::Dots => b == b"." || b == b"..",
        InvalidName::Nul => b.contains(&0),
        _ => false,
    }
}

/// What `ip netns list NAME` says of a name (its name check applies to the word after `list`):
/// accepted (rc 0) or refused (rc 255, `Invalid netns name "NAME"`).
fn ip_accepts(b: &[u8]) -> bool {
    let out = Command::new("/usr/sbin/ip")
        .arg("netns")
        .arg("list")
        .arg(os(b))
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => true,
        Some(255) => {
            let mut expected = b"Invalid netns name \"".to_vec();
            expected.extend_from_slice(b);
            expected.extend_from_slice(b"\"\n");
            assert_eq!(out.stderr, expected, "ip's refusal of {b:?}");
            false
        }
        other => panic!("ip netns list {b:?}: {other:?}"),
    }
}

/// The mounts as comparable facts (mount point, type, source), sorted.
fn mount_facts(ms: &[Mount]) -> Vec<(PathBuf, String, String)> {
    let mut v: Vec<_> = ms
        .iter()
        .map(|m| (m.point.clone(), m.fstype.clone(), m.source.clone()))
        .collect();
    v.sort();
    v
}

fn names_follow_iproute2_rule_and_stay_in_the_run_dir() {
    let started = Instant::now();
    let inputs = scaled(20_000);
    let asked_ip = scaled(300);
    let in_kernel = scaled(150);
    let seed = seed(0x6e65_746e_6573_7403);
    let mut rng = Rng::new(seed);
    let tmp = TempRunDir::new("hostile");
    let reg = Registry::new(tmp.path().join("deep/er/netns"));
    std::fs::create_dir_all(reg.dir().parent().unwrap()).unwrap();
    let (mut accepted, mut rejected, mut ip_checked, mut made) = (0, 0, 0, 0);
    let mut baseline: Option<Outside> = None;
    for i in 0..inputs {
        let b = arbitrary_name(&mut rng);
        let verdict = Name::new(OsString::from_vec(b.clone()));
        let ok = verdict.is_ok();
        assert_eq!(
            ok,
            iproute2_accepts(&b),
            "seed {seed} input {i}: {b:?} → {verdict:?}"
        );
        match &verdict {
            Ok(n) => {
                accepted += 1;
                assert_eq!(n.as_bytes(), &b[..]);
                assert_eq!(Name::check(os(&b)), Ok(()));
            }
            Err(why) => {
                rejected += 1;
                assert!(
                    reason_holds(&b, why),
                    "seed {seed} input {i}: {b:?} → {why:?}"
                );
                assert_eq!(Name::check(os(&b)).as_ref(), Err(why));
            }
        }
        // The real ip agrees (argv cannot carry NUL; those are checked above only).
        if ip_checked < asked_ip && !b.contains(&0) && (i % 7 == 0 || !ok) {
            assert_eq!(ip_accepts(&b), ok, "ip and netnest disagree on {b:?}");
            ip_checked += 1;
        }
        // Accepted names act inside the run directory only.
        let Ok(n) = verdict else { continue };
        if made >= in_kernel {
            continue;
        }
        let outside = || {
            (
                tree(tmp.path(), reg.dir()),
                mount_facts(
                    &mounts()
                        .into_iter()
                        .filter(|m| !m.point.starts_with(reg.dir()))
                        .collect::<Vec<_>>(),
                ),
            )
        };
        let ns = reg.add(&n).unwrap_or_else(|e| panic!("add {b:?}: {e}"));
        let now = outside();
        let base = baseline.get_or_insert_with(|| now.clone());
        assert_eq!(
            &now, base,
            "add {b:?} changed something outside the run directory"
        );
        assert_eq!(reg.path(&n).parent(), Some(reg.dir()));
        assert_eq!(reg.names().unwrap(), vec![OsString::from_vec(b.clone())]);
        let here: Vec<Mount> = mounts()
            .into_iter()
            .filter(|m| m.point == reg.path(&n))
            .collect();
        assert_eq!(here.len(), 1, "{b:?}: one mount on the name");
        assert_eq!(here[0].fstype, "nsfs");
        assert_eq!(reg.open(&n).unwrap(), ns);
        assert_eq!(
            reg.identify(&ns).unwrap(),
            vec![OsString::from_vec(b.clone())]
        );
        reg.delete(&n)
            .unwrap_or_else(|e| panic!("delete {b:?}: {e}"));
        assert_eq!(&outside(), base, "delete {b:?} changed something outside");
        assert!(reg.names().unwrap().is_empty());
        assert!(
            !mounts()
                .iter()
                .any(|m| m.point.starts_with(reg.dir()) && m.point != reg.dir()),
            "{b:?}: a mount is left in the run directory"
        );
        made += 1;
    }
    figures(
        "hostile-names",
        &[
            ("seed", seed.to_string()),
            ("inputs", inputs.to_string()),
            ("accepted", accepted.to_string()),
            ("rejected", rejected.to_string()),
            ("asked_ip", ip_checked.to_string()),
            ("added_and_deleted", made.to_string()),
            ("failures", "0".into()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

/// What lies outside a run directory: the files of the test's directory and the mounts.
type Outside = (Vec<(PathBuf, String)>, Vec<(PathBuf, String, String)>);

/// A tmpfs mounted at `dir` (created), with a file in it.
fn tmpfs_with_file(dir: &Path, source: &str) {
    std::fs::create_dir_all(dir).unwrap();
    mount(source, dir, "tmpfs", MountFlags::empty(), c"size=64k").unwrap();
    std::fs::write(dir.join("precious"), b"keep me").unwrap();
}

/// Runs `f` on a thread and fails if it has not returned within `secs` (a library loop that never
/// ends must fail the test, not hang the suite).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("{what} did not return within {secs} s"))
}

fn planted_symlinks_never_lead_outside() {
    let tmp = TempRunDir::new("symlinks");
    let reg = Registry::new(tmp.path().join("netns"));
    let other = reg.add(&Name::new("other").unwrap()).unwrap();
    // Elsewhere: a mount with a file in it, and a namespace bound onto a file outside the run
    // directory.
    let target = tmp.path().join("target");
    tmpfs_with_file(&target, "netnest-rel-target");
    let outside_file = tmp.path().join("outside-ns");
    std::fs::write(&outside_file, b"").unwrap();
    let outside = NetNs::new().unwrap();
    mount_bind(outside.proc_path(), &outside_file).unwrap();
    // pid 1's namespace: opening it may be refused even to root (here: EACCES from a container);
    // through the link it must be exactly as through its own path.
    let host_init =
        NetNs::from_path("/proc/1/ns/net").map_err(|e| (e.op(), e.raw_os_error().unwrap()));
    let links: &[(&str, PathBuf)] = &[
        ("to-mount", target.clone()),
        ("to-mount-rel", PathBuf::from("../target")),
        ("to-root", PathBuf::from("/")),
        ("to-file", target.join("precious")),
        ("to-other", PathBuf::from("other")),
        ("to-outside-ns", outside_file.clone()),
        ("to-proc", PathBuf::from("/proc/1/ns/net")),
        ("dangling", tmp.path().join("nowhere")),
        ("loop", PathBuf::from("loop")),
    ];
    for (l, to) in links {
        std::os::unix::fs::symlink(to, reg.dir().join(l)).unwrap();
    }
    let snapshot = || {
        (
            mount_facts(&mounts()),
            tree(tmp.path(), Path::new("/nonexistent")),
        )
    };
    let before = snapshot();
    let pid = std::process::id();
    for (l, to) in links {
        let n = Name::new(*l).unwrap();
        // add, attach, attach_ns: EEXIST at CreateFile, nothing touched.
        for (what, r) in [
            ("add", reg.add(&n).map(drop)),
            ("attach", reg.attach(&n, pid)),
            ("attach_ns", reg.attach_ns(&n, &outside)),
        ] {
            let e = r.expect_err(what);
            assert_eq!(
                (e.op(), e.raw_os_error()),
                (Op::CreateFile, Some(libc::EEXIST)),
                "{what} {l}"
            );
            assert_eq!(snapshot(), before, "{what} {l} changed something");
        }
        // open follows the link, as iproute2's open(2) does.
        let opened = reg.open(&n);
        let expected: Result<NetNs, (Op, i32)> = match *l {
            "to-other" => Ok(other.try_clone().unwrap()),
            "to-outside-ns" => Ok(outside.try_clone().unwrap()),
            "to-proc" => match &host_init {
                Ok(ns) => Ok(ns.try_clone().unwrap()),
                Err(e) => Err(*e),
            },
            "dangling" => Err((Op::Open, libc::ENOENT)),
            "loop" => Err((Op::Open, libc::ELOOP)),
            _ => Err((Op::NotANamespace, libc::EINVAL)),
        };
        match (&opened, &expected) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "open {l}"),
            (Err(e), Err(want)) => {
                assert_eq!((e.op(), e.raw_os_error().unwrap()), *want, "open {l}")
            }
            _ => panic!("open {l}: {opened:?}, expected {expected:?}"),
        }
        // exec goes where open goes.
        match ExecEnv::new(&reg, &n) {
            Ok(env) => assert_eq!(env.netns(), opened.as_ref().unwrap(), "exec env {l}"),
            Err(e) => assert_eq!(e.op(), opened.as_ref().unwrap_err().op(), "exec env {l}"),
        }
        // create(CreateOrOpen) is open when the link leads to a namespace, and otherwise fails
        // without looping for ever (a dangling link is "missing" to open and "exists" to add).
        let (reg2, n2) = (reg.clone(), n.clone());
        let created = within(10, "create(CreateOrOpen) on a planted symlink", move || {
            reg2.create(&n2, CreateMode::CreateOrOpen)
        });
        match (&created, &opened) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "create {l}"),
            (Err(e), Err(o)) if o.io_error().kind() == ErrorKind::NotFound => assert_eq!(
                (e.op(), e.raw_os_error()),
                (Op::CreateFile, Some(libc::EEXIST)),
                "create {l}"
            ),
            (Err(e), Err(o)) => assert_eq!(e.op(), o.op(), "create {l}"),
            _ => panic!("create {l}: {created:?} but open {opened:?}"),
        }
        assert_eq!(snapshot(), before, "open/create {l} changed something");
        // list follows links too: a link to a namespace is live.
        let state = reg
            .list()
            .unwrap()
            .into_iter()
            .find(|e| e.name == *l)
            .unwrap()
            .state;
        match &opened {
            Ok(ns) => assert_eq!(state, EntryState::Namespace(ns.id()), "list {l}"),
            Err(_) => assert_eq!(state, EntryState::Stale, "list {l}"),
        }
        let _ = to;
    }
    // identify names every entry that leads to the namespace, links included.
    let mut names = reg.identify(&other).unwrap();
    names.sort();
    assert_eq!(names, [OsString::from("other"), OsString::from("to-other")]);
    // delete removes the link, and only the link.
    for (l, to) in links {
        reg.delete(&Name::new(*l).unwrap())
            .unwrap_or_else(|e| panic!("delete {l}: {e}"));
        assert!(
            std::fs::symlink_metadata(reg.dir().join(l)).is_err(),
            "{l} still there"
        );
        let (m, t) = snapshot();
        assert_eq!(m, before.0, "delete {l} ({to:?}) unmounted something");
        let expect_tree: Vec<_> = before
            .1
            .iter()
            .filter(|(p, _)| {
                let gone = links[..=links.iter().position(|(x, _)| x == l).unwrap()]
                    .iter()
                    .any(|(x, _)| p == &Path::new("netns").join(x));
                !gone
            })
            .cloned()
            .collect();
        assert_eq!(t, expect_tree, "delete {l} removed more than the link");
    }
    assert_eq!(std::fs::read(target.join("precious")).unwrap(), b"keep me");
    assert_eq!(reg.open(&Name::new("other").unwrap()).unwrap(), other);
    assert_eq!(NetNs::from_path(&outside_file).unwrap(), outside);
    reg.delete(&Name::new("other").unwrap()).unwrap();
    unmount(&outside_file, UnmountFlags::DETACH).unwrap();
    unmount(&target, UnmountFlags::DETACH).unwrap();
}

/// The oracle of the test above catches the bug it guards against: iproute2 6.1's delete follows
/// a planted symlink and detaches the mount it points to (a 6.1 bug: docs/ip-netns-behaviour.md); netnest's does not.
fn ip_delete_follows_a_planted_symlink_and_netnest_does_not() {
    let tmp = TempRunDir::new("symlink-ip");
    let reg = Registry::default();
    reg.add(&Name::new("rel-anchor").unwrap()).unwrap(); // makes /run/netns
    for (who, link) in [("ip", "rel-link-ip"), ("netnest", "rel-link-nn")] {
        let target = tmp.path().join(who);
        tmpfs_with_file(&target, "netnest-rel-target");
        std::os::unix::fs::symlink(&target, reg.dir().join(link)).unwrap();
        if who == "ip" {
            let st = Command::new("/usr/sbin/ip")
                .args(["netns", "del", link])
                .status()
                .unwrap();
            assert!(st.success());
        } else {
            reg.delete(&Name::new(link).unwrap()).unwrap();
        }
        assert!(std::fs::symlink_metadata(reg.dir().join(link)).is_err());
        let still_mounted = mounts().iter().any(|m| m.point == target);
        assert_eq!(
            still_mounted,
            who == "netnest",
            "{who} delete through a symlink"
        );
        if still_mounted {
            unmount(&target, UnmountFlags::DETACH).unwrap();
        }
    }
    reg.delete(&Name::new("rel-anchor").unwrap()).unwrap();
}

/// A FIFO, a socket and a device node where names should be: nothing in the library opens them
/// for real, so nothing blocks (a plain `open` of the FIFO waits for a writer for ever). Each
/// call runs under a time limit, so a regression fails rather than hangs.
fn fifo_socket_and_device_entries_never_block() {
    let tmp = TempRunDir::new("special");
    let dir = tmp.path().join("netns");
    let reg = Registry::new(&dir);
    let live = reg.add(&Name::new("live").unwrap()).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.join("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.join("dev"),
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o644),
        rustix::fs::makedev(1, 3),
    )
    .unwrap();
    let _sock = std::os::unix::net::UnixListener::bind(dir.join("sock")).unwrap();
    let errno = |r: netnest::Result<()>| r.map_err(|e| (e.op(), e.raw_os_error().unwrap()));
    for (name, open_as, pids_as) in [
        ("fifo", Err((Op::NotANamespace, libc::EINVAL)), Ok(())),
        ("dev", Err((Op::NotANamespace, libc::EINVAL)), Ok(())),
        (
            "sock",
            Err((Op::Open, libc::ENXIO)),
            Err((Op::Open, libc::ENXIO)),
        ),
    ] {
        // Not what `prune` removes, so nothing may call it a leftover.
        let (r, n) = (reg.clone(), Name::new(name).unwrap());
        let what = format!("Registry::is_leftover of a {name}");
        assert!(!within(10, &what, move || r.is_leftover(&n)), "{what}");
        let (r, n) = (reg.clone(), Name::new(name).unwrap());
        let what = format!("Registry::open of a {name}");
        assert_eq!(
            within(10, &what, move || errno(r.open(&n).map(drop))),
            open_as,
            "{what}"
        );
        let path = dir.join(name);
        let what = format!("NetNs::from_path of a {name}");
        let got = within(10, &what, move || errno(NetNs::from_path(path).map(drop)));
        assert_eq!(got, open_as, "{what}");
        let (r, n) = (reg.clone(), Name::new(name).unwrap());
        let what = format!("Registry::pids of a {name}");
        let got = within(10, &what, move || r.pids(&n).map(|p| assert!(p.is_empty())));
        assert_eq!(errno(got), pids_as, "{what}");
        let r = reg.clone();
        let what = format!("Unchecked::open_file of a {name}");
        let got = within(10, &what, move || {
            errno(
                r.unchecked()
                    .open_file(std::ffi::OsStr::new(name))
                    .map(drop),
            )
        });
        let opens = if name == "sock" {
            Err((Op::Open, libc::ENXIO))
        } else {
            Ok(())
        };
        assert_eq!(got, opens, "{what}");
    }
    let r = reg.clone();
    let entries = within(10, "Registry::list", move || r.list().unwrap());
    let live_ones: Vec<_> = entries
        .iter()
        .filter(|e| matches!(e.state, EntryState::Namespace(_)))
        .map(|e| e.name.clone())
        .collect();
    assert_eq!(live_ones, vec![OsString::from("live")]);
    let r = reg.clone();
    let names = within(10, "Registry::identify", move || r.identify(&live).unwrap());
    assert_eq!(names, vec![OsString::from("live")]);
}

netnest_testkit::main!(
    names_follow_iproute2_rule_and_stay_in_the_run_dir,
    fifo_socket_and_device_entries_never_block,
    planted_symlinks_never_lead_outside,
    ip_delete_follows_a_planted_symlink_and_netnest_does_not,
);
