// SPDX-License-Identifier: MIT OR Apache-2.0
//! nsids against the real kernel: set, get, auto, duplicates, lookups, dumps with targets, the
//! pipelined batch, the monitor; errors with their exact extended-ACK texts.
//!
//! Every test works in the nsid table of a private namespace (a socket opened inside a fresh
//! `NetNs`), never in the host's.

use std::os::fd::AsFd;
use std::time::Duration;

use netnest::netlink::{ErrorSite, NsidEvent, NsidMonitor, NsidRecord, Socket, SocketOptions};
use netnest::{NetNs, Op};

/// A private namespace and a strict-check socket on its nsid table (like iproute2's `rth`).
fn private_table() -> (NetNs, Socket) {
    let home = NetNs::new().unwrap();
    let sock = SocketOptions::new()
        .strict_check(true)
        .open_in(&home)
        .unwrap();
    (home, sock)
}

fn kernel_message(e: &netnest::Error) -> Option<&str> {
    e.kernel_error().and_then(|k| k.message.as_deref())
}

#[test]
fn socket_lives_in_its_namespace() {
    let (home, sock) = private_table();
    assert_eq!(sock.netns().unwrap(), home);
    assert_ne!(Socket::open().unwrap().netns().unwrap(), home);
}

#[test]
fn set_get_auto_and_duplicates() {
    let (_home, mut sock) = private_table();
    let a = NetNs::new().unwrap();
    let b = NetNs::new().unwrap();
    let c = NetNs::new().unwrap();

    assert_eq!(sock.nsid_of(&a).unwrap(), None);
    sock.set_nsid(&a, Some(5)).unwrap();
    assert_eq!(sock.nsid_of(&a).unwrap(), Some(5));

    // `ip netns set b 5`: the id is taken.
    let e = sock.set_nsid(&b, Some(5)).unwrap_err();
    assert_eq!(e.op(), Op::Netlink);
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));
    assert_eq!(
        kernel_message(&e),
        Some("The specified nsid is already used")
    );
    assert_eq!(e.kernel_error().unwrap().site, ErrorSite::Ack);

    // `ip netns set a 6`: a already has one.
    let e = sock.set_nsid(&a, Some(6)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));
    assert_eq!(
        kernel_message(&e),
        Some("Peer netns already has a nsid assigned")
    );
    assert!(e
        .to_string()
        .contains("Peer netns already has a nsid assigned"));

    // `ip netns set b auto` takes the lowest free id; c gets the next one.
    sock.set_nsid(&b, None).unwrap();
    assert_eq!(sock.nsid_of(&b).unwrap(), Some(0));
    sock.set_nsid(&c, None).unwrap();
    assert_eq!(sock.nsid_of(&c).unwrap(), Some(1));

    let table = sock.nsid_dump(None).unwrap();
    let ids: Vec<i32> = table.iter().map(|r| r.nsid).collect();
    assert_eq!(ids, [0, 1, 5]);
    assert!(table.iter().all(|r| r.current_nsid.is_none()));

    // The same table through a non-strict socket, and by the pid-less lookup.
    let mut loose = Socket::open_in(&sock.netns().unwrap()).unwrap();
    assert_eq!(loose.nsid_dump(None).unwrap(), table);
    let r = sock.nsid_lookup(5, None).unwrap();
    assert_eq!((r.nsid, r.current_nsid), (5, None));
}

#[test]
fn stale_file_is_an_invalid_peer() {
    let (_home, mut sock) = private_table();
    let file = std::fs::File::open("/proc/self/stat").unwrap();
    let e = sock.nsid_of(&file).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
    assert_eq!(kernel_message(&e), Some("Peer netns reference is invalid"));
    let e = sock.set_nsid(&file, Some(3)).unwrap_err();
    assert_eq!(kernel_message(&e), Some("Peer netns reference is invalid"));
    // `ip netns list-id nsid 7` for an unknown id (ENOENT, and the same message).
    let e = sock.nsid_lookup(7, None).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT), "{e}");
    assert_eq!(kernel_message(&e), Some("Peer netns reference is invalid"));
    // The socket is still in step afterwards.
    let a = NetNs::new().unwrap();
    assert_eq!(sock.nsid_of(&a).unwrap(), None);
}

#[test]
fn targets_and_relative_tables() {
    // home: a = 5, b = 6. In a's own table (`ip -n a netns set b 9`): b = 9.
    let (_home, mut sock) = private_table();
    let a = NetNs::new().unwrap();
    let b = NetNs::new().unwrap();
    sock.set_nsid(&a, Some(5)).unwrap();
    sock.set_nsid(&b, Some(6)).unwrap();
    let mut in_a = SocketOptions::new().strict_check(true).open_in(&a).unwrap();
    in_a.set_nsid(&b, Some(9)).unwrap();
    assert_eq!(in_a.nsid_of(&b).unwrap(), Some(9));
    assert_eq!(sock.nsid_of(&b).unwrap(), Some(6));

    // `ip netns list-id target-nsid 5`: a's table, with our ids alongside.
    let records = sock.nsid_dump(Some(5)).unwrap();
    assert!(records.contains(&record(9, Some(6))), "{records:?}");

    // `ip netns list-id target-nsid 5 nsid 6`: what a calls our 6.
    assert_eq!(sock.nsid_lookup(6, Some(5)).unwrap(), record(9, Some(6)));
    // `target-nsid 5 nsid 5`: a has no id for itself.
    assert_eq!(sock.nsid_lookup(5, Some(5)).unwrap(), record(-1, Some(5)));

    // A bad target: the error comes in NLMSG_DONE, as iproute2's "Dump terminated" case.
    let e = sock.nsid_dump(Some(99)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
    let k = e.kernel_error().unwrap();
    assert_eq!(
        k.message.as_deref(),
        Some("Invalid target network namespace id")
    );
    assert_eq!(k.site, ErrorSite::DumpDone);

    // Without strict checking the kernel would ignore the target: refused up front.
    let mut loose = Socket::open_in(&sock.netns().unwrap()).unwrap();
    let e = loose.nsid_dump(Some(5)).unwrap_err();
    assert_eq!(
        (e.raw_os_error(), e.kernel_error()),
        (Some(libc::EINVAL), None)
    );
}

fn record(nsid: i32, current_nsid: Option<i32>) -> NsidRecord {
    NsidRecord::new(nsid, current_nsid)
}

#[test]
fn pipelined_lookup_of_many() {
    const N: usize = 200;
    let (_home, mut sock) = private_table();
    let peers: Vec<NetNs> = (0..N).map(|_| NetNs::new().unwrap()).collect();
    for (i, ns) in peers.iter().enumerate().filter(|(i, _)| i % 3 != 0) {
        sock.set_nsid(ns, Some(1000 + i as i32)).unwrap();
    }
    let stale = std::fs::File::open("/proc/self/stat").unwrap();
    let mut fds: Vec<_> = peers.iter().map(|ns| ns.as_fd()).collect();
    fds.insert(N / 2, stale.as_fd());
    let results = sock.nsids_of(fds).unwrap();
    assert_eq!(results.len(), N + 1);
    let mut results = results.into_iter();
    for (i, r) in (0..N + 1).map(|i| (i, results.next().unwrap())) {
        if i == N / 2 {
            let e = r.unwrap_err();
            assert_eq!(kernel_message(&e), Some("Peer netns reference is invalid"));
            continue;
        }
        let peer = if i < N / 2 { i } else { i - 1 };
        let expected = (peer % 3 != 0).then_some(1000 + peer as i32);
        assert_eq!(r.unwrap(), expected, "peer {peer}");
    }
    // Sequential lookups agree, and the socket is in step after the batch.
    assert_eq!(sock.nsid_of(&peers[1]).unwrap(), Some(1001));

    // The dump of a table this size comes back in ascending order; this kernel stops after its
    // first buffer (about 134 records), so it may be a prefix of the table.
    let dumped = sock.nsid_dump(None).unwrap();
    let assigned = (0..N).filter(|i| i % 3 != 0).count();
    assert!(
        dumped.len() <= assigned && dumped.len() >= 100,
        "{}",
        dumped.len()
    );
    assert!(dumped.windows(2).all(|w| w[0].nsid < w[1].nsid));
}

#[test]
fn monitor_sees_new_and_deleted() {
    let (home, mut sock) = private_table();
    let mut monitor = NsidMonitor::open_in(&home).unwrap();
    rustix::net::sockopt::set_socket_timeout(
        monitor.socket(),
        rustix::net::sockopt::Timeout::Recv,
        Some(Duration::from_secs(10)),
    )
    .unwrap();
    let peer = NetNs::new().unwrap();
    sock.set_nsid(&peer, Some(42)).unwrap();
    match monitor.next_event().unwrap() {
        NsidEvent::New(r) => assert_eq!(r.nsid, 42),
        other => panic!("{other:?}"),
    }
    // When the peer dies, its id goes away.
    drop(peer);
    match monitor.next_event().unwrap() {
        NsidEvent::Deleted(r) => assert_eq!(r.nsid, 42),
        other => panic!("{other:?}"),
    }
    assert_eq!(sock.nsid_dump(None).unwrap(), []);
}

#[test]
fn batch_survives_a_receive_buffer_overflow() {
    // A receive buffer far too small for a window of replies: the kernel drops some (ENOBUFS).
    let home = NetNs::new().unwrap();
    let mut sock = SocketOptions::new().rcvbuf(1).open_in(&home).unwrap();
    let peer = NetNs::new().unwrap();
    sock.set_nsid(&peer, Some(3)).unwrap();
    let fds = vec![peer.as_fd(); 600];
    let results = sock.nsids_of(fds).unwrap();
    assert_eq!(results.len(), 600);
    let mut lost = 0;
    for r in results {
        match r {
            Ok(id) => assert_eq!(id, Some(3)),
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(libc::ENOBUFS));
                lost += 1;
            }
        }
    }
    assert!(lost > 0, "the buffer was expected to overflow");
    // The socket is still in step.
    assert_eq!(sock.nsid_of(&peer).unwrap(), Some(3));
}
