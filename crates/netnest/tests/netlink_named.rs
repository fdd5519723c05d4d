//! `IpRoute::open` by name with pyroute2's `flags=` semantics, and moving a link into a named
//! namespace. Runs in a private mount namespace with a tmpfs on `/run` (the test re-executes
//! itself under `unshare -m`), so `/run/netns` here is nobody else's.

use netnest::ErrorKind;
use std::process::Command;

use netnest::netlink::NetNsRef;
use netnest::{CreateMode, IpRoute, Name, NetNs, Op, Registry};

const SANDBOXED: &str = "NETNEST_NETLINK_TEST_SANDBOXED";

/// Re-runs the test `name` of this binary in a private mount namespace; returns true there.
fn sandboxed(name: &str) -> bool {
    if std::env::var_os(SANDBOXED).is_some() {
        return true;
    }
    let status = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c"])
        .arg("mount -t tmpfs netnest-test /run && exec \"$0\" \"$@\"")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads=1", "--nocapture"])
        .env(SANDBOXED, "1")
        .status()
        .unwrap();
    assert!(status.success(), "{name} failed in its sandbox");
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

    reg.delete(&blue).unwrap();
}
