// SPDX-License-Identifier: MIT OR Apache-2.0
//! Captured-bytes tests: replies recorded from iproute2 6.1 talking to this machine's kernel
//! (the bytes are in `captured.rs`).

use super::*;
use crate::netlink::captured::{DUMP_BAD_TARGET, DUMP_ONE, SET_NSID_USED, SET_PEER_HAS_NSID};

fn one(buf: &[u8]) -> (Header, &[u8]) {
    let mut it = frames(buf);
    let frame = it.next().unwrap().unwrap();
    assert!(it.next().is_none());
    frame
}

#[test]
fn nsid_already_used() {
    let (h, payload) = one(&SET_NSID_USED);
    assert_eq!(
        (h.kind, h.flags, h.seq, h.port),
        (NLMSG_ERROR, NLM_F_ACK_TLVS, 0x6b04_0596, 5639)
    );
    let e = parse_error(h.flags, payload, ErrorSite::Ack)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.errno, libc::EEXIST);
    assert_eq!(
        e.message.as_deref(),
        Some("The specified nsid is already used")
    );
    assert_eq!(e.offset, Some(28));
    assert_eq!(e.site, ErrorSite::Ack);
}

#[test]
fn peer_already_has_nsid() {
    let (h, payload) = one(&SET_PEER_HAS_NSID);
    let e = parse_error(h.flags, payload, ErrorSite::Ack)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.errno, libc::EEXIST);
    assert_eq!(
        e.message.as_deref(),
        Some("Peer netns already has a nsid assigned")
    );
    assert_eq!(e.offset, Some(20));
}

#[test]
fn error_in_done() {
    let (h, payload) = one(&DUMP_BAD_TARGET);
    assert_eq!(h.kind, NLMSG_DONE);
    let e = parse_done(h.flags, payload).unwrap_err();
    assert_eq!(e.errno, libc::EINVAL);
    assert_eq!(
        e.message.as_deref(),
        Some("Invalid target network namespace id")
    );
    assert_eq!(e.offset, Some(20));
    assert_eq!(e.site, ErrorSite::DumpDone);
}

#[test]
fn two_messages_in_one_datagram() {
    let all: Vec<_> = frames(&DUMP_ONE).map(Result::unwrap).collect();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].0.kind, all[0].0.flags), (88, NLM_F_MULTI));
    assert_eq!(all[0].1, &DUMP_ONE[16..28]);
    assert_eq!(all[1].0.kind, NLMSG_DONE);
    assert_eq!(parse_done(all[1].0.flags, all[1].1), Ok(None));
}

/// The same error as [`SET_NSID_USED`], as a `NETLINK_CAP_ACK` socket gets it: only the request's
/// header is echoed and `NLM_F_CAPPED` says so.
#[test]
fn capped_error() {
    let mut buf = Vec::new();
    let tlvs = &SET_NSID_USED[56..];
    let len = (HEADER_LEN + 4 + HEADER_LEN + tlvs.len()) as u32;
    put_header(
        &mut buf,
        Header {
            len,
            kind: NLMSG_ERROR,
            flags: NLM_F_ACK_TLVS | NLM_F_CAPPED,
            seq: 1,
            port: 7,
        },
    );
    buf.extend_from_slice(&SET_NSID_USED[16..36]);
    buf.extend_from_slice(tlvs);
    let (h, payload) = one(&buf);
    let e = parse_error(h.flags, payload, ErrorSite::Ack)
        .unwrap()
        .unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some("The specified nsid is already used")
    );
    assert_eq!(e.offset, Some(28));
}

#[test]
fn plain_ack_and_plain_error() {
    let mut ack = 0i32.to_ne_bytes().to_vec();
    ack.extend_from_slice(&SET_NSID_USED[20..36]);
    assert_eq!(
        parse_error(NLM_F_CAPPED, &ack, ErrorSite::Ack),
        Ok(Ok(None))
    );
    let mut eperm = (-libc::EPERM).to_ne_bytes().to_vec();
    eperm.extend_from_slice(&SET_NSID_USED[20..56]);
    let e = parse_error(0, &eperm, ErrorSite::Ack).unwrap().unwrap_err();
    assert_eq!((e.errno, e.message), (libc::EPERM, None));
    assert_eq!(parse_done(NLM_F_MULTI, &[]), Ok(None));
}

#[test]
fn truncated_input_is_malformed_not_a_panic() {
    for cut in 0..SET_NSID_USED.len() {
        let _ = frames(&SET_NSID_USED[..cut]).count();
        if cut >= HEADER_LEN {
            let _ = parse_error(
                NLM_F_ACK_TLVS,
                &SET_NSID_USED[HEADER_LEN..cut],
                ErrorSite::Ack,
            );
            let _ = parse_done(NLM_F_ACK_TLVS, &SET_NSID_USED[HEADER_LEN..cut]);
        }
    }
    assert_eq!(parse_error(0, &[1, 2], ErrorSite::Ack), Err(Malformed));
    let mut bad = SET_NSID_USED;
    bad[0] = 0xff;
    assert_eq!(frames(&bad).next(), Some(Err(Malformed)));
}
