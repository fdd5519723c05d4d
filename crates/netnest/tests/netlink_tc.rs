// SPDX-License-Identifier: MIT OR Apache-2.0
//! Traffic control, link groups and probes against the real kernel, in the sandbox of
//! `netnest_testkit::main!` and anonymous namespaces: a `tbf` checked with `tc` and by the rate
//! a transfer gets, `netem` where the kernel has it, `ip link delete group`, ICMP echo and TCP
//! connect from inside a namespace.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::os::fd::{AsFd, AsRawFd};
use std::process::Command;
use std::time::{Duration, Instant};

use netnest::netlink::{Netem, Qdisc, QdiscParent, Tbf};
use netnest::probe::{self, TcpOutcome};
use netnest::{IpRoute, NetNs};

/// Runs a program inside `ns` (through `/proc/PID/fd/N`) and returns its stdout.
fn inside(ns: &NetNs, program: &str, args: &str) -> String {
    let path = format!("/proc/{}/fd/{}", std::process::id(), ns.as_fd().as_raw_fd());
    let out = Command::new("nsenter")
        .arg(format!("--net={path}"))
        .arg(program)
        .args(args.split_whitespace())
        .output()
        .unwrap();
    assert!(out.status.success(), "{program} {args}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// Two namespaces joined by `va` (10.9.0.1/24, fd09::1/64) – `vb` (10.9.0.2/24, fd09::2/64).
struct Pair {
    a: NetNs,
    b: NetNs,
    ipa: IpRoute,
}

fn pair() -> Pair {
    let a = NetNs::new().unwrap();
    let b = NetNs::new().unwrap();
    let mut ipa = IpRoute::in_netns(&a).unwrap();
    let mut ipb = IpRoute::in_netns(&b).unwrap();
    ipa.link_add_veth("va", "vb", Some((&b).into())).unwrap();
    for (ipr, dev, last) in [(&mut ipa, "va", "1"), (&mut ipb, "vb", "2")] {
        ipr.link_set_up("lo").unwrap();
        ipr.addr_add(dev, ip(&format!("10.9.0.{last}")), 24)
            .unwrap();
        ipr.link_set_up(dev).unwrap();
    }
    // IPv6 addresses without duplicate address detection, usable at once.
    inside(&a, "/usr/sbin/ip", "addr add fd09::1/64 dev va nodad");
    inside(&b, "/usr/sbin/ip", "addr add fd09::2/64 dev vb nodad");
    Pair { a, b, ipa }
}

fn tbf_is_added_replaced_listed_and_removed() {
    let Pair { a, b: _b, mut ipa } = pair();
    let tbf = Qdisc::Tbf(Tbf::new(10_000_000));
    ipa.qdisc_add("va", QdiscParent::Root, 1, &tbf).unwrap();
    let shown = inside(&a, "/usr/sbin/tc", "qdisc show dev va");
    assert!(shown.contains("qdisc tbf 1: root"), "{shown}");
    assert!(shown.contains("rate 10Mbit"), "{shown}");
    let listed = ipa.qdisc_list(Some("va".into())).unwrap();
    assert!(
        listed
            .iter()
            .any(|q| q.kind == "tbf" && q.root && q.handle == 1),
        "{listed:?}"
    );
    // A second add fails; a replace changes the rate.
    let again = ipa.qdisc_add("va", QdiscParent::Root, 1, &tbf).unwrap_err();
    assert_eq!(again.raw_os_error(), Some(libc::EEXIST));
    let slower = Qdisc::Tbf(Tbf::new(2_000_000).burst(20_000));
    ipa.qdisc_replace("va", QdiscParent::Root, 1, &slower)
        .unwrap();
    let shown = inside(&a, "/usr/sbin/tc", "qdisc show dev va");
    assert!(shown.contains("rate 2Mbit"), "{shown}");
    ipa.qdisc_del_root("va").unwrap();
    let shown = inside(&a, "/usr/sbin/tc", "qdisc show dev va");
    assert!(!shown.contains("tbf"), "{shown}");
    let none = ipa.qdisc_del_root("va").unwrap_err();
    assert_eq!(none.raw_os_error(), Some(libc::ENOENT));
}

/// Sends `bytes` over TCP from `a` to `b` (10.9.0.2) and returns how long the receiver took to
/// get them all.
fn transfer(a: &NetNs, b: &NetNs, bytes: usize) -> Duration {
    let listener = netnest::run(b, || TcpListener::bind("10.9.0.2:5001"))
        .unwrap()
        .unwrap();
    let receiver = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let start = Instant::now();
        let mut got = 0;
        let mut buf = vec![0u8; 64 * 1024];
        while got < bytes {
            match conn.read(&mut buf).unwrap() {
                0 => break,
                n => got += n,
            }
        }
        assert_eq!(got, bytes);
        start.elapsed()
    });
    let mut conn = netnest::run(a, || std::net::TcpStream::connect("10.9.0.2:5001"))
        .unwrap()
        .unwrap();
    conn.write_all(&vec![7u8; bytes]).unwrap();
    drop(conn);
    receiver.join().unwrap()
}

fn tbf_limits_a_transfer_to_its_rate() {
    let Pair { a, b, mut ipa } = pair();
    // 16 Mbit/s = 2 MB/s; 3 MB take about 1.5 s (less the first burst of 20 KB).
    let rate = 16_000_000u64;
    let bytes = 3_000_000usize;
    let unlimited = transfer(&a, &b, bytes);
    let tbf = Qdisc::Tbf(Tbf::new(rate).burst(20_000));
    ipa.qdisc_add("va", QdiscParent::Root, 1, &tbf).unwrap();
    let limited = transfer(&a, &b, bytes);
    let expected = Duration::from_secs_f64(bytes as f64 * 8.0 / rate as f64);
    let measured = bytes as f64 * 8.0 / limited.as_secs_f64();
    eprintln!(
        "tbf {rate} bit/s: {bytes} bytes in {limited:?} ({measured:.0} bit/s; {unlimited:?} without)"
    );
    assert!(
        limited >= expected.mul_f64(0.9),
        "faster than the rate: {limited:?} < {expected:?}"
    );
    assert!(
        limited <= expected.mul_f64(2.0),
        "far slower than the rate: {limited:?} > 2 × {expected:?}"
    );
}

fn netem_delays_echo_replies_or_is_reported_missing() {
    let Pair { a, b: _b, mut ipa } = pair();
    let netem = Qdisc::Netem(Netem {
        delay: Duration::from_millis(50),
        ..Netem::new()
    });
    if !netnest::netlink::netem_available().unwrap() {
        // The kernel says which qdisc it lacks, and nothing was added.
        let e = ipa
            .qdisc_add("va", QdiscParent::Root, 1, &netem)
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT), "{e}");
        assert!(ipa
            .qdisc_list(Some("va".into()))
            .unwrap()
            .iter()
            .all(|q| q.kind != "netem"));
        netnest_testkit::kernel_lacks(
            "no netem in this kernel (checked: the kernel refuses it, and nothing was added)",
        );
    }
    ipa.qdisc_add("va", QdiscParent::Root, 1, &netem).unwrap();
    let rtt = probe::ping(&a, &[ip("10.9.0.2")], Duration::from_secs(2)).unwrap()[0];
    assert!(rtt.unwrap() >= Duration::from_millis(50), "{rtt:?}");
}

fn link_group_deletes_only_its_links_in_one_request() {
    let Pair { a, b, mut ipa } = pair();
    let mut ipb = IpRoute::in_netns(&b).unwrap();
    for n in 0..5 {
        ipa.link_add_veth(&format!("g{n}"), &format!("p{n}"), Some((&b).into()))
            .unwrap();
        ipa.link_set_group(format!("g{n}").as_str(), 4242).unwrap();
    }
    ipa.link_add_bridge("gbr").unwrap();
    ipa.link_set_group("gbr", 4242).unwrap();
    ipa.link_add_bridge("other").unwrap();
    ipa.link_set_group("other", 4243).unwrap();
    let grouped = ipa.link_list_group(4242).unwrap();
    assert_eq!(grouped.len(), 6, "{grouped:?}");
    let shown = inside(&a, "/usr/sbin/ip", "-o link show group 4242");
    assert_eq!(shown.lines().count(), 6, "{shown}");

    ipa.link_del_group(4242).unwrap();
    let left: Vec<String> = ipa
        .link_list()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(left, ["lo", "va", "other"], "only group 4242 went");
    let peers: Vec<String> = ipb
        .link_list()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(peers, ["lo", "vb"], "the veths' peers went with them");
    // An empty group is no error; the default group is refused.
    ipa.link_del_group(4242).unwrap();
    let e = ipa
        .link_del_group(netnest::netlink::DEFAULT_GROUP)
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
    assert!(ipa.link_get("va").is_ok());
}

fn ping_reaches_neighbours_on_both_families_and_not_strangers() {
    let Pair { a, b: _b, .. } = pair();
    let targets = [
        ip("10.9.0.2"),
        ip("fd09::2"),
        ip("10.9.0.99"), // on the link, nobody there
        ip("192.0.2.1"), // no route
        ip("127.0.0.1"),
    ];
    let start = Instant::now();
    let rtts = probe::ping(&a, &targets, Duration::from_millis(500)).unwrap();
    let took = start.elapsed();
    assert!(rtts[0].is_some(), "{rtts:?}");
    assert!(rtts[1].is_some(), "{rtts:?}");
    assert!(rtts[2].is_none(), "{rtts:?}");
    assert!(rtts[3].is_none(), "{rtts:?}");
    assert!(rtts[4].is_some(), "{rtts:?}");
    assert!(took < Duration::from_secs(2), "one wait for all: {took:?}");
    // The probe's sockets were made inside `a`: a namespace with the address down answers not.
    let lonely = NetNs::new().unwrap();
    let rtts = probe::ping(&lonely, &[ip("10.9.0.2")], Duration::from_millis(100)).unwrap();
    assert_eq!(rtts, [None]);
}

fn tcp_connect_tells_listening_closed_and_unreachable_apart() {
    let Pair { a, b, .. } = pair();
    let listener = netnest::run(&b, || TcpListener::bind("[fd09::2]:7000"))
        .unwrap()
        .unwrap();
    let t = Duration::from_secs(1);
    let open: SocketAddr = "[fd09::2]:7000".parse().unwrap();
    assert_eq!(
        probe::tcp_connect(&a, open, t).unwrap(),
        TcpOutcome::Connected
    );
    let closed: SocketAddr = "10.9.0.2:7001".parse().unwrap();
    assert_eq!(
        probe::tcp_connect(&a, closed, t).unwrap(),
        TcpOutcome::Refused
    );
    let nowhere: SocketAddr = "192.0.2.1:80".parse().unwrap();
    assert!(matches!(
        probe::tcp_connect(&a, nowhere, t).unwrap(),
        TcpOutcome::Unreachable(_)
    ));
    let silent: SocketAddr = "10.9.0.99:80".parse().unwrap();
    let outcome = probe::tcp_connect(&a, silent, Duration::from_millis(300)).unwrap();
    assert!(
        matches!(outcome, TcpOutcome::TimedOut | TcpOutcome::Unreachable(_)),
        "{outcome:?}"
    );
    drop(listener);
}

netnest_testkit::main!(
    tbf_is_added_replaced_listed_and_removed,
    tbf_limits_a_transfer_to_its_rate,
    netem_delays_echo_replies_or_is_reported_missing,
    link_group_deletes_only_its_links_in_one_request,
    ping_reaches_neighbours_on_both_families_and_not_strangers,
    tcp_connect_tells_listening_closed_and_unreachable_apart,
);
