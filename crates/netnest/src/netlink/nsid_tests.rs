// SPDX-License-Identifier: MIT OR Apache-2.0
//! nsid requests compared byte for byte with iproute2 6.1's (captured with `strace -xx`), and
//! replies decoded from captured bytes.

use netlink_packet_core::{NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST};
use netlink_packet_route::nsid::NsidAttribute;
use netlink_packet_route::RouteNetlinkMessage;

use super::{message, record, NsidRecord};
use crate::netlink::captured::{DUMP_ONE, DUMP_TARGET, GET_BY_FD, SET_BY_FD};
use crate::netlink::socket::{decode, encode};
use crate::netlink::wire;

const SEQ: u32 = 0x6b04_0596;

/// A reply to `ip netns list-id target-nsid 5 nsid 5`: an `RTM_NEWNSID` with `NETNSA_NSID` -1
/// and `NETNSA_CURRENT_NSID` 5 (unicast, flags 0). Built by hand on the layout of the captured
/// replies, not captured itself.
const REPLY_UNASSIGNED_WITH_CURRENT: [u8; 36] = [
    0x24, 0x00, 0x00, 0x00, 0x58, 0x00, 0x00, 0x00, 0x97, 0x05, 0x04, 0x6b, 0xce, 0x3b, 0x2c, 0xb7,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x08, 0x00, 0x05, 0x00,
    0x05, 0x00, 0x00, 0x00,
];

fn encoded(msg: RouteNetlinkMessage, flags: u16) -> Vec<u8> {
    let mut out = Vec::new();
    encode(msg, flags, SEQ, &mut out);
    out
}

#[test]
fn get_by_fd_matches_iproute2() {
    let msg = RouteNetlinkMessage::GetNsId(message(vec![NsidAttribute::Fd(6)]));
    assert_eq!(encoded(msg, NLM_F_REQUEST), GET_BY_FD);
}

#[test]
fn set_by_fd_matches_iproute2() {
    let msg =
        RouteNetlinkMessage::NewNsId(message(vec![NsidAttribute::Fd(6), NsidAttribute::Id(5)]));
    assert_eq!(encoded(msg, NLM_F_REQUEST | NLM_F_ACK), SET_BY_FD);
}

#[test]
fn dump_with_target_matches_iproute2() {
    let msg = RouteNetlinkMessage::GetNsId(message(vec![NsidAttribute::TargetNsid(99)]));
    assert_eq!(encoded(msg, NLM_F_REQUEST | NLM_F_DUMP), DUMP_TARGET);
}

#[test]
fn reply_with_current_nsid() {
    let (header, payload) = wire::frames(&REPLY_UNASSIGNED_WITH_CURRENT)
        .next()
        .unwrap()
        .unwrap();
    let r = record(&decode(header, payload).unwrap()).unwrap();
    assert_eq!(
        r,
        NsidRecord {
            nsid: -1,
            current_nsid: Some(5)
        }
    );
    assert_eq!(r.assigned(), None);
}

#[test]
fn dump_record_from_capture() {
    // The first message of `ip netns list-id`'s dump reply.
    let bytes = &DUMP_ONE[..28];
    let (header, payload) = wire::frames(bytes).next().unwrap().unwrap();
    let r = record(&decode(header, payload).unwrap()).unwrap();
    assert_eq!((r.nsid, r.current_nsid, r.assigned()), (5, None, Some(5)));
}
