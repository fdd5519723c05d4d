// SPDX-License-Identifier: MIT OR Apache-2.0
//! `IpRoute` against the real kernel, in anonymous namespaces only: a veth pair across two
//! namespaces, addressed, up, and UDP/TCP across it; every change checked against what `ip -j`
//! (run inside the namespace with `nsenter`) reports.

use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::process::Command;
use std::time::Duration;

use netnest::netlink::{MacVlanMode, NetNsRef, OperState, RouteSpec};
use netnest::rustix::net::{self as net, AddressFamily, SocketType};
use netnest::{IpRoute, NetNs};

/// Runs `ip ARGS` inside `ns` (through `/proc/PID/fd/N`) and returns its stdout.
fn ip(ns: &NetNs, args: &str) -> String {
    let path = format!("/proc/{}/fd/{}", std::process::id(), ns.as_fd().as_raw_fd());
    let out = Command::new("nsenter")
        .arg(format!("--net={path}"))
        .arg("/usr/sbin/ip")
        .args(args.split_whitespace())
        .output()
        .unwrap();
    assert!(out.status.success(), "ip {args}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn v4(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn udp_in(ns: &NetNs) -> OwnedFd {
    netnest::socket(ns, AddressFamily::INET, SocketType::DGRAM, None).unwrap()
}

fn set_timeout(fd: &OwnedFd) {
    net::sockopt::set_socket_timeout(
        fd,
        net::sockopt::Timeout::Recv,
        Some(Duration::from_secs(5)),
    )
    .unwrap();
}

/// Two namespaces joined by a veth pair, `va` (10.77.0.1/24) in `a`, `vb` (10.77.0.2/24) in
/// `b`, both up with `lo`.
struct Pair {
    a: NetNs,
    b: NetNs,
    ipa: IpRoute,
    ipb: IpRoute,
}

fn pair() -> Pair {
    let a = NetNs::new().unwrap();
    let b = NetNs::new().unwrap();
    let mut ipa = IpRoute::in_netns(&a).unwrap();
    let mut ipb = IpRoute::in_netns(&b).unwrap();
    ipa.link_add_veth("va", "vb", Some((&b).into())).unwrap();
    ipa.addr_add("va", v4("10.77.0.1"), 24).unwrap();
    ipb.addr_add("vb", v4("10.77.0.2"), 24).unwrap();
    for (ipr, dev) in [(&mut ipa, "va"), (&mut ipb, "vb")] {
        ipr.link_set_up("lo").unwrap();
        ipr.link_set_up(dev).unwrap();
    }
    Pair { a, b, ipa, ipb }
}

#[test]
fn veth_across_namespaces_carries_udp_and_tcp() {
    let Pair {
        a,
        b,
        mut ipa,
        mut ipb,
    } = pair();

    // What we think, then what `ip` thinks.
    let va = ipa.link_get("va").unwrap();
    assert_eq!(va.kind.as_deref(), Some("veth"));
    assert!(va.up);
    assert_eq!(va.mac.as_ref().map(Vec::len), Some(6));
    assert!(
        va.link_netnsid.is_some(),
        "the peer is in another namespace"
    );
    let vb = ipb.link_get("vb").unwrap();
    assert!(ipa.link_list().unwrap().iter().all(|l| l.name != "vb"));
    let shown = ip(&a, "-j link show dev va");
    assert!(
        shown.contains("\"ifname\":\"va\"") && shown.contains("UP"),
        "{shown}"
    );
    let shown = ip(&b, "-j addr show dev vb");
    assert!(
        shown.contains("\"local\":\"10.77.0.2\",\"prefixlen\":24"),
        "{shown}"
    );
    let addrs = ipb.addr_list_dev(vb.index).unwrap();
    assert!(addrs
        .iter()
        .any(|x| x.address == v4("10.77.0.2") && x.prefix_len == 24));

    // Carrier comes up on both ends once both are up.
    for _ in 0..200 {
        if ipa.link_get("va").unwrap().state == OperState::Up
            && ipb.link_get("vb").unwrap().state == OperState::Up
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(ipb.link_get("vb").unwrap().state, OperState::Up);

    // UDP from a to b.
    let rx = udp_in(&b);
    set_timeout(&rx);
    net::bind(&rx, &SocketAddr::new(v4("10.77.0.2"), 5000)).unwrap();
    let tx = udp_in(&a);
    net::sendto(
        &tx,
        b"over the veth",
        net::SendFlags::empty(),
        &SocketAddr::new(v4("10.77.0.2"), 5000),
    )
    .unwrap();
    let mut buf = [0u8; 64];
    let (n, _, from) = net::recvfrom(&rx, &mut buf[..], net::RecvFlags::empty()).unwrap();
    assert_eq!(&buf[..n], b"over the veth");
    let from = SocketAddr::try_from(from.unwrap()).unwrap();
    assert_eq!(from.ip(), v4("10.77.0.1"));

    // TCP from b to a.
    let listener = netnest::socket(&a, AddressFamily::INET, SocketType::STREAM, None).unwrap();
    net::bind(&listener, &SocketAddr::new(v4("10.77.0.1"), 6000)).unwrap();
    net::listen(&listener, 1).unwrap();
    let client = netnest::socket(&b, AddressFamily::INET, SocketType::STREAM, None).unwrap();
    net::connect(&client, &SocketAddr::new(v4("10.77.0.1"), 6000)).unwrap();
    let server = net::accept(&listener).unwrap();
    set_timeout(&server);
    net::send(&client, b"tcp", net::SendFlags::empty()).unwrap();
    let (n, _) = net::recv(&server, &mut buf[..], net::RecvFlags::empty()).unwrap();
    assert_eq!(&buf[..n], b"tcp");

    // Deleting one end deletes the pair.
    ipa.link_del("va").unwrap();
    assert_eq!(
        ipb.link_get("vb").unwrap_err().raw_os_error(),
        Some(libc::ENODEV)
    );
    assert!(!ip(&b, "-j link show").contains("\"vb\""));
}

#[test]
fn link_settings_bridge_macvlan() {
    let ns = NetNs::new().unwrap();
    let mut ipr = IpRoute::in_netns(&ns).unwrap();
    ipr.link_add_veth("x0", "x1", None).unwrap();
    ipr.link_set_mtu("x0", 1400).unwrap();
    assert_eq!(ipr.link_get("x0").unwrap().mtu, Some(1400));
    assert!(ip(&ns, "-j link show dev x0").contains("\"mtu\":1400"));

    ipr.link_set_name("x0", "renamed").unwrap();
    assert!(ipr.link_get("x0").is_err());
    let renamed = ipr.link_get("renamed").unwrap();
    assert!(ip(&ns, "-j link show").contains("\"ifname\":\"renamed\""));

    ipr.link_add_bridge("br0").unwrap();
    let br = ipr.link_get("br0").unwrap();
    assert_eq!(br.kind.as_deref(), Some("bridge"));
    ipr.link_set_master(&renamed, "br0").unwrap();
    assert_eq!(ipr.link_get("renamed").unwrap().master, Some(br.index));
    assert!(ip(&ns, "-j link show dev renamed").contains("\"master\":\"br0\""));
    ipr.link_set_nomaster("renamed").unwrap();
    assert_eq!(ipr.link_get("renamed").unwrap().master, None);

    ipr.link_add_macvlan("mv0", "x1", MacVlanMode::Bridge)
        .unwrap();
    let mv = ipr.link_get("mv0").unwrap();
    assert_eq!(mv.kind.as_deref(), Some("macvlan"));
    assert_eq!(mv.link, Some(ipr.link_get("x1").unwrap().index));
    assert!(ip(&ns, "-d -j link show dev mv0").contains("\"mode\":\"bridge\""));

    ipr.link_set_up("br0").unwrap();
    assert!(ipr.link_get("br0").unwrap().up);
    ipr.link_set_down("br0").unwrap();
    assert!(!ipr.link_get("br0").unwrap().up);

    // Errors keep their extended ACK where the kernel gives one.
    let e = ipr.link_add_bridge("br0").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));
    let e = ipr.link_del("nonesuch").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENODEV));

    for dev in ["mv0", "br0", "renamed"] {
        ipr.link_del(dev).unwrap();
    }
    let names: Vec<String> = ipr
        .link_list()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["lo"]);
}

#[test]
fn move_links_by_fd_and_pid() {
    let a = NetNs::new().unwrap();
    let b = NetNs::new().unwrap();
    let mut ipa = IpRoute::in_netns(&a).unwrap();
    let mut ipb = IpRoute::in_netns(&b).unwrap();

    ipa.link_add_veth("m0", "m1", None).unwrap();
    ipa.link_set_netns("m1", (&b).into()).unwrap();
    assert!(ipa.link_get("m1").is_err());
    assert_eq!(ipb.link_get("m1").unwrap().kind.as_deref(), Some("veth"));
    assert!(ip(&b, "-j link show").contains("\"ifname\":\"m1\""));

    // By pid: a process living in b.
    let path = format!("/proc/{}/fd/{}", std::process::id(), b.as_fd().as_raw_fd());
    let mut sleeper = Command::new("nsenter")
        .arg(format!("--net={path}"))
        .args(["sleep", "30"])
        .spawn()
        .unwrap();
    let pid = sleeper.id();
    // Wait until nsenter has entered b and exec'd sleep.
    for _ in 0..500 {
        if NetNs::from_pid(pid).map(|ns| ns == b).unwrap_or(false) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    ipa.link_set_netns("m0", NetNsRef::Pid(pid)).unwrap();
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    assert!(ipa.link_get("m0").is_err());
    assert!(ipb.link_get("m0").is_ok());
}

#[test]
fn addresses_and_routes_v4_v6() {
    let Pair {
        a, b: _b, mut ipa, ..
    } = pair();

    ipa.addr_add("va", "fd00:77::1".parse().unwrap(), 64)
        .unwrap();
    let addrs = ipa.addr_list().unwrap();
    assert!(addrs
        .iter()
        .any(|x| x.address == "fd00:77::1".parse::<IpAddr>().unwrap() && x.prefix_len == 64));
    assert!(ip(&a, "-j -6 addr show dev va").contains("\"local\":\"fd00:77::1\""));

    // ip route add default via 10.77.0.2; ip route add 192.168.77.0/24 dev va; metric.
    ipa.route_add(&RouteSpec::default_v4().via(v4("10.77.0.2")))
        .unwrap();
    ipa.route_add(&RouteSpec::to(v4("192.168.77.0"), 24).dev("va"))
        .unwrap();
    ipa.route_add(
        &RouteSpec::to(v4("192.168.78.0"), 24)
            .via(v4("10.77.0.2"))
            .metric(7),
    )
    .unwrap();
    let e = ipa
        .route_add(&RouteSpec::default_v4().via(v4("10.77.0.2")))
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));

    let routes = ipa.route_list().unwrap();
    let va = ipa.link_index("va").unwrap();
    let default = routes
        .iter()
        .find(|r| r.is_default() && r.table == 254 && r.gateway.is_some())
        .unwrap();
    assert_eq!(default.gateway, Some(v4("10.77.0.2")));
    assert_eq!(default.oif, Some(va));
    let direct = routes
        .iter()
        .find(|r| r.destination == Some(v4("192.168.77.0")))
        .unwrap();
    assert_eq!(
        (direct.prefix_len, direct.gateway, direct.oif),
        (24, None, Some(va))
    );
    assert!(routes
        .iter()
        .any(|r| r.destination == Some(v4("192.168.78.0")) && r.priority == Some(7)));
    let shown = ip(&a, "-j route show");
    assert!(
        shown.contains("\"dst\":\"default\",\"gateway\":\"10.77.0.2\""),
        "{shown}"
    );
    assert!(
        shown.contains("\"dst\":\"192.168.77.0/24\",\"dev\":\"va\""),
        "{shown}"
    );

    // ip -6 route add default dev va
    ipa.route_add(&RouteSpec::default_v6().dev("va")).unwrap();
    assert!(ip(&a, "-j -6 route show").contains("\"dst\":\"default\""));

    ipa.route_del(&RouteSpec::default_v4()).unwrap();
    ipa.route_del(&RouteSpec::to(v4("192.168.77.0"), 24))
        .unwrap();
    let e = ipa
        .route_del(&RouteSpec::to(v4("192.168.77.0"), 24))
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ESRCH));
    let shown = ip(&a, "-j route show");
    assert!(
        !shown.contains("default") && !shown.contains("192.168.77.0"),
        "{shown}"
    );

    ipa.addr_del("va", "fd00:77::1".parse().unwrap(), 64)
        .unwrap();
    ipa.addr_del("va", v4("10.77.0.1"), 24).unwrap();
    assert!(!ip(&a, "-j addr show dev va").contains("10.77.0.1"));
    assert!(ipa
        .addr_list_dev("va")
        .unwrap()
        .iter()
        .all(|x| x.address != v4("10.77.0.1")));
}

/// Names the kernel would truncate or refuse, and prefixes longer than the address, fail before
/// anything is sent, naming the bad value; nothing is made.
#[test]
fn bad_names_and_prefixes_are_refused_before_the_kernel() {
    use netnest::{ErrorKind, InvalidInput};
    let ns = NetNs::new().unwrap();
    let mut ipr = IpRoute::in_netns(&ns).unwrap();
    let before = ipr.link_list().unwrap().len();
    // The kernel cuts IFLA_IFNAME at the NUL: this made "ab" and returned Ok.
    let e = ipr.link_add_bridge("ab\0cd").unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Invalid(InvalidInput::InterfaceName {
            name: "ab\0cd".into(),
            reason: "holds a NUL byte"
        })
    );
    let e = ipr
        .link_add_veth("va", "veth-0123456789ab", None)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("\"veth-0123456789ab\": longer than 15 bytes"),
        "{e}"
    );
    // Before, the kernel answered ERANGE ("Numerical result out of range"), naming nothing.
    let e = ipr.link_get("veth-0123456789ab").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Invalid(_)), "{e:?}");
    assert_eq!(ipr.link_list().unwrap().len(), before, "nothing was made");
    assert_eq!(ip(&ns, "-o link show").lines().count(), before);

    ipr.link_set_up("lo").unwrap();
    let e = ipr.addr_add("lo", v4("10.1.2.3"), 33).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Invalid(InvalidInput::PrefixLength {
            prefix: 33,
            max: 32
        })
    );
    let e = ipr
        .route_add(&RouteSpec::to(v4("10.9.0.0"), 33).dev("lo"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot accept the input: invalid prefix length 33: longer than 32"
    );
    let e = ipr
        .route_add(&RouteSpec::to("fd00::".parse().unwrap(), 129).dev("lo"))
        .unwrap_err();
    assert!(matches!(
        e.kind(),
        ErrorKind::Invalid(InvalidInput::PrefixLength { max: 128, .. })
    ));
    ipr.route_add(&RouteSpec::to(v4("10.9.0.0"), 16).dev("lo"))
        .unwrap();
    assert!(ip(&ns, "route show").contains("10.9.0.0/16 dev lo"));
    assert!(!ip(&ns, "address show dev lo").contains("10.1.2.3"));
}

/// What the kernel refuses comes back as a kind to match on, with the extended ACK.
#[test]
fn kernel_refusals_have_kinds() {
    use netnest::ErrorKind;
    let ns = NetNs::new().unwrap();
    let mut ipr = IpRoute::in_netns(&ns).unwrap();
    let e = ipr.link_get("nosuch0").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound, "{e}");
    ipr.link_add_bridge("br0").unwrap();
    let e = ipr.link_add_bridge("br0").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::AlreadyExists, "{e}");
    ipr.link_set_up("lo").unwrap();
    let e = ipr
        .route_add(&RouteSpec::to(v4("10.1.0.0"), 16).via(v4("10.9.9.9")))
        .unwrap_err();
    match e.kind() {
        ErrorKind::Kernel(k) => {
            assert_eq!(Some(k.errno), e.raw_os_error());
            assert!(k.message.is_some(), "an extended ACK: {k:?}");
        }
        other => panic!("{other:?}: {e}"),
    }
}

/// Standard sockets bound inside a namespace: UDP from `a` to `b`, TCP from `b`'s listener,
/// each socket in the namespace it was bound in; an address the namespace lacks is refused.
#[test]
fn bound_std_sockets_live_in_their_namespace() {
    use std::io::{Read, Write};
    let p = pair();
    let udp_b = netnest::bind_udp(&p.b, "10.77.0.2:0".parse().unwrap()).unwrap();
    let udp_a = netnest::bind_udp(&p.a, "10.77.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(NetNs::of_socket(&udp_a).unwrap(), p.a);
    assert_eq!(NetNs::of_socket(&udp_b).unwrap(), p.b);
    udp_b
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    udp_a.send_to(b"ping", udp_b.local_addr().unwrap()).unwrap();
    let mut buf = [0; 16];
    let (n, from) = udp_b.recv_from(&mut buf).unwrap();
    assert_eq!(
        (&buf[..n], from),
        (&b"ping"[..], udp_a.local_addr().unwrap())
    );

    let listener = netnest::bind_tcp_listener(&p.b, "10.77.0.2:0".parse().unwrap()).unwrap();
    assert_eq!(NetNs::of_socket(&listener).unwrap(), p.b);
    let to = listener.local_addr().unwrap();
    let mut client = netnest::try_run(&p.a, || std::net::TcpStream::connect(to)).unwrap();
    let (mut served, _) = listener.accept().unwrap();
    assert_eq!(NetNs::of_socket(&served).unwrap(), p.b);
    client.write_all(b"hello").unwrap();
    let mut got = [0; 5];
    served.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hello");

    let e = netnest::bind_udp(&p.a, "10.77.0.2:0".parse().unwrap()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{e}");
}

/// Alternative names: added and removed through the library, seen by `ip`, and the ones `ip`
/// adds are in `Link::altnames`.
#[test]
fn altnames_round_trip_with_ip() {
    let ns = NetNs::new().unwrap();
    let mut ipr = IpRoute::in_netns(&ns).unwrap();
    ipr.link_add_bridge("br0").unwrap();
    ipr.link_add_altname("br0", "the-long-bridge-name-0")
        .unwrap();
    assert!(ip(&ns, "link show dev br0").contains("altname the-long-bridge-name-0"));
    ip(&ns, "link property add dev br0 altname second-name");
    let link = ipr.link_get("br0").unwrap();
    assert_eq!(link.altnames, ["the-long-bridge-name-0", "second-name"]);
    // The kernel finds a link by an altname given where a name is wanted.
    assert_eq!(ipr.link_get("second-name").unwrap().index, link.index);
    ipr.link_del_altname("br0", "the-long-bridge-name-0")
        .unwrap();
    assert_eq!(ipr.link_get("br0").unwrap().altnames, ["second-name"]);
    let e = ipr.link_add_altname("br0", "a\0b").unwrap_err();
    assert!(matches!(e.kind(), netnest::ErrorKind::Invalid(_)), "{e}");
}

/// Link, address and route events on the sync socket, typed, in the namespace subscribed to.
#[test]
fn events_announce_links_addresses_and_routes() {
    use netnest::netlink::{Event, Events, Group};
    let ns = NetNs::new().unwrap();
    let mut events = Events::open_in(&ns, &Group::ALL).unwrap();
    set_timeout(&events.socket().as_fd().try_clone_to_owned().unwrap());
    let mut ipr = IpRoute::in_netns(&ns).unwrap();
    ipr.link_add_bridge("br0").unwrap();
    ipr.link_set_up("br0").unwrap();
    ipr.addr_add("br0", v4("10.5.0.1"), 24).unwrap();
    ipr.link_del("br0").unwrap();
    let (mut new_link, mut new_addr, mut new_route, mut del_link) = (false, false, false, false);
    while !(new_link && new_addr && new_route && del_link) {
        match events.next_event().expect("an event within 5 s") {
            Event::NewLink(l) if l.name == "br0" => new_link = true,
            Event::NewAddress(a) if a.address == v4("10.5.0.1") => new_addr = true,
            Event::NewRoute(r) if r.destination == Some(v4("10.5.0.0")) => new_route = true,
            Event::DelLink(l) if l.name == "br0" => del_link = true,
            _ => {}
        }
    }
    // Events of another namespace do not arrive here.
    let other = NetNs::new().unwrap();
    IpRoute::in_netns(&other)
        .unwrap()
        .link_add_bridge("elsewhere")
        .unwrap();
    ipr.link_add_bridge("br1").unwrap();
    loop {
        match events.next_event().unwrap() {
            Event::NewLink(l) if l.name == "elsewhere" => panic!("an event from another namespace"),
            Event::NewLink(l) if l.name == "br1" => break,
            _ => {}
        }
    }
}
