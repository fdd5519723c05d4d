// SPDX-License-Identifier: MIT OR Apache-2.0
//! `IpRoute::open` by name with pyroute2's `flags=` semantics, and moving a link into a named
//! namespace. Runs in a test kit sandbox with a tmpfs on `/run` (the test re-executes itself in
//! `netnest_testkit::Sandbox`), so `/run/netns` here is nobody else's.

use netnest::ErrorKind;

use netnest::netlink::NetNsRef;
use netnest::{CreateMode, IpRoute, Name, NetNs, Op, Registry};

const SANDBOXED: &str = "NETNEST_NETLINK_TEST_SANDBOXED";

/// Re-runs the test `name` of this binary in a test kit sandbox (private mount, network and pid
/// namespaces, tmpfs on `/run`); returns true there, after checking that `/run` is the sandbox's.
fn sandboxed(name: &str) -> bool {
    if std::env::var_os(SANDBOXED).is_some() {
        assert!(
            netnest_testkit::run_is_sandboxed(),
            "{SANDBOXED} is set, but /run is not the test kit's tmpfs"
        );
        return true;
    }
    let exe = std::env::current_exe().unwrap();
    let out = netnest_testkit::Sandbox::new().env(SANDBOXED, "1").run(&[
        exe.as_os_str().into(),
        name.into(),
        "--exact".into(),
        "--test-threads=1".into(),
        "--nocapture".into(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.code == 0 && stdout.contains("1 passed"),
        "{name} failed in its sandbox (rc {}):\n{stdout}\n{}",
        out.code,
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

#[test]
fn open_by_name_follows_create_modes() {
    if !sandboxed("open_by_name_follows_create_modes") {
        return;
    }
    let reg = Registry::default();
    let blue = Name::new("blue").unwrap();

    // pyroute2 `IPRoute(netns="blue", flags=0)`: FileNotFoundError, nothing created.
    let e = IpRoute::open(&reg, &blue, CreateMode::OpenExisting).unwrap_err();
    assert_eq!((e.op(), e.kind().clone()), (Op::Open, ErrorKind::NotFound));
    assert!(!reg.path(&blue).exists());

    // Default `O_CREAT`: created, then the same one opened.
    let mut ipr = IpRoute::open(&reg, &blue, CreateMode::CreateOrOpen).unwrap();
    let ns = ipr.netns().unwrap();
    assert_eq!(reg.open(&blue).unwrap(), ns);
    assert_eq!(ipr.link_list().unwrap().len(), 1);
    let again = IpRoute::open(&reg, &blue, CreateMode::CreateOrOpen).unwrap();
    assert_eq!(again.netns().unwrap(), ns);

    // `O_CREAT|O_EXCL` on an existing name.
    let e = IpRoute::open(&reg, &blue, CreateMode::CreateNew).unwrap_err();
    assert_eq!(*e.kind(), ErrorKind::AlreadyExists);

    // `ip link set DEV netns blue` / pyroute2 `net_ns_fd="blue"`.
    let here = NetNs::new().unwrap();
    let mut local = IpRoute::in_netns(&here).unwrap();
    local.link_add_veth("n0", "n1", None).unwrap();
    local
        .link_set_netns(
            "n1",
            NetNsRef::Named {
                registry: &reg,
                name: &blue,
            },
        )
        .unwrap();
    assert_eq!(ipr.link_get("n1").unwrap().kind.as_deref(), Some("veth"));
    // A missing name fails before anything is sent.
    let red = Name::new("red").unwrap();
    let e = local
        .link_set_netns(
            "n0",
            NetNsRef::Named {
                registry: &reg,
                name: &red,
            },
        )
        .unwrap_err();
    assert_eq!((e.op(), e.kind().clone()), (Op::Open, ErrorKind::NotFound));
    assert!(local.link_get("n0").is_ok());

    // The veth peer created straight into the named namespace.
    local
        .link_add_veth(
            "p0",
            "p1",
            Some(NetNsRef::Named {
                registry: &reg,
                name: &blue,
            }),
        )
        .unwrap();
    assert!(ipr.link_get("p1").is_ok());

    // A name alone is a name of the default registry: `ip link set q1 netns blue`.
    local.link_add_veth("q0", "q1", None).unwrap();
    local.link_set_netns("q1", (&blue).into()).unwrap();
    assert!(ipr.link_get("q1").is_ok());
    let e = local.link_set_netns("q0", (&red).into()).unwrap_err();
    assert_eq!(*e.kind(), ErrorKind::NotFound);

    reg.delete(&blue).unwrap();
}

/// `Registry::list_with_nsids`: every entry in directory order with the id the socket's namespace
/// gives it, or why it has none (a stale file: the kernel's refusal; a socket: it cannot be
/// opened; a FIFO: opened without blocking, then refused).
#[test]
fn names_with_their_nsids_in_one_call() {
    if !sandboxed("names_with_their_nsids_in_one_call") {
        return;
    }
    let dir = std::path::Path::new("/run/ids");
    let reg = Registry::new(dir);
    let home = NetNs::new().unwrap();
    let mut sock = netnest::netlink::Socket::open_in(&home).unwrap();
    let n = |s: &str| Name::new(s).unwrap();
    for i in 0..300 {
        let ns = reg.add(&n(&format!("ns{i}"))).unwrap();
        if i % 2 == 0 {
            sock.set_nsid(&ns, Some(i)).unwrap();
        }
    }
    std::fs::write(dir.join("stale"), b"").unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.join("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let _unix = std::os::unix::net::UnixListener::bind(dir.join("sock")).unwrap();
    let entries = reg.list_with_nsids_on(&mut sock).unwrap();
    let names: Vec<_> = entries.iter().map(|e| e.name.clone()).collect();
    assert_eq!(names, reg.names().unwrap(), "directory order");
    assert_eq!(entries.len(), 303);
    for entry in &entries {
        let name = entry.name.to_str().unwrap();
        match name {
            "stale" | "fifo" => {
                let e = entry.nsid.as_ref().unwrap_err();
                assert_eq!(e.op(), Op::Netlink, "{name}");
                let message = e.kernel_error().and_then(|k| k.message.as_deref());
                assert_eq!(message, Some("Peer netns reference is invalid"), "{name}");
            }
            "sock" => {
                let e = entry.nsid.as_ref().unwrap_err();
                assert_eq!((e.op(), e.raw_os_error()), (Op::Open, Some(libc::ENXIO)));
            }
            _ => {
                let i: i32 = name.strip_prefix("ns").unwrap().parse().unwrap();
                let want = (i % 2 == 0).then_some(i);
                assert_eq!(*entry.nsid.as_ref().unwrap(), want, "{name}");
            }
        }
    }
    // In the current namespace none of them has an id.
    let here = reg.list_with_nsids().unwrap();
    assert!(here
        .iter()
        .filter(|e| e.name.to_str().unwrap().starts_with("ns"))
        .all(|e| matches!(e.nsid, Ok(None))));
    // A missing run directory is an error, not an empty list.
    let e = Registry::new("/run/none").list_with_nsids().unwrap_err();
    assert_eq!((e.op(), e.kind()), (Op::ReadDir, &ErrorKind::NotFound));
}
