// SPDX-License-Identifier: MIT OR Apache-2.0
//! Fuzzing the netlink reply parsing: random and mutated replies fed to the parser, no
//! panic, no hang, and results that hold together.
//!
//! The parser of the replies (`netlink/wire.rs`: `frames`, `parse_error`, `parse_done` and the
//! extended-ACK attributes) is crate-private (the fuzz entry point only wraps it), and a `Socket` can only be made on a real netlink
//! socket that takes replies from the kernel alone. So this file does two things:
//!
//! * **the parser itself, on bytes**: the library's own reply parser, reached through its hidden
//!   `netnest::netlink::fuzz` entry point, fed random datagrams and mutations of the datagrams
//!   captured from iproute2 6.1 talking to this kernel (the library's `netlink/captured.rs`) (bit flips, byte changes, truncation, junk appended, length fields and flags
//!   rewritten, frames repeated). For every frame `frames` yields, the payload lies inside the
//!   datagram and the frames never overlap; a malformed frame ends the datagram; `parse_error`
//!   and `parse_done` never panic, an error's errno is the negated code, a message is text found
//!   in the bytes. The route-netlink payloads (`RTM_NEWNSID`) go through
//!   `netlink-packet-route`'s deserializer, as `Socket` does: errors, never panics.
//! * **the public `Socket` API, with the kernel as the fuzzer's partner**: in a private network
//!   namespace, random `RTM_GETNSID` / `RTM_NEWNSID` requests and dumps with random attributes
//!   (any type, any length, any bytes), on sockets with every combination of extended ACK, capped
//!   ACK and strict checking. The kernel's error replies then echo our random bytes (uncapped),
//!   carry extended-ACK messages and offsets, or come in `NLMSG_DONE`: every call ends (a receive
//!   time-out turns a hang into a failure) with a reply or an `Op::Netlink` error carrying a
//!   kernel errno, never "malformed", and the socket still answers a plain query afterwards.
//!

use std::os::fd::AsFd;
use std::time::Duration;

use netnest::netlink::core::{NetlinkDeserializable, NetlinkHeader};
use netnest::netlink::route_messages::nsid::{NsidAttribute, NsidMessage};
use netnest::netlink::route_messages::RouteNetlinkMessage;
use netnest::netlink::SocketOptions;
use netnest::{NetNs, Op};

use netnest::netlink::fuzz::{frames, parse_done, parse_error, Header, CAPTURED, HEADER_LEN};
use netnest::netlink::ErrorSite;
use netnest_testkit::stress::{scaled, seed, Rng};

/// The generator for one test: its fixed seed, or `NETNEST_STRESS_SEED`.
fn rng(fixed: u64) -> Rng {
    Rng::new(seed(fixed))
}

// ---------------------------------------------------------------------------------------------
// The parser on bytes.

/// What one datagram gave.
#[derive(Debug, Default)]
struct Seen {
    frames: usize,
    malformed: usize,
    errors: usize,
    messages: usize,
    decoded: usize,
}

/// Feeds `buf` to the parser as `Socket` does, checking what must hold; counts what it saw.
fn feed(buf: &[u8], seen: &mut Seen) {
    let shown = || format!("\"{}\"", buf.escape_ascii());
    let mut it = frames(buf);
    let mut used = 0usize;
    while let Some(frame) = it.next() {
        let (header, payload) = match frame {
            Ok(f) => f,
            Err(_) => {
                seen.malformed += 1;
                assert!(
                    it.next().is_none(),
                    "frames go on after a malformed one: {}",
                    shown()
                );
                break;
            }
        };
        seen.frames += 1;
        // The payload is the frame's own bytes, inside the datagram, after the previous frames.
        let start = payload.as_ptr() as usize - buf.as_ptr() as usize;
        assert_eq!(
            start,
            used + HEADER_LEN,
            "frame at the wrong place: {}",
            shown()
        );
        assert_eq!(
            header.len as usize,
            HEADER_LEN + payload.len(),
            "{}",
            shown()
        );
        assert!(start + payload.len() <= buf.len(), "{}", shown());
        used = (start + payload.len() + 3) & !3;

        check_status(header, payload, buf);
        if let Ok(msg) = decode(header, payload) {
            seen.decoded += 1;
            drop(msg);
        }
        for site in [ErrorSite::Ack, ErrorSite::Dump] {
            if let Ok(Err(k)) = parse_error(header.flags, payload, site) {
                seen.errors += 1;
                seen.messages += usize::from(k.message.is_some());
            }
        }
    }
}

/// `parse_error` and `parse_done` on one payload: no panic, and what they say holds.
fn check_status(header: Header, payload: &[u8], buf: &[u8]) {
    let code = payload
        .get(..4)
        .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
    let text_in_buf = |m: &str| {
        // The message is the bytes up to a NUL, made UTF-8 (lossily): its valid parts are there.
        m.split('\u{fffd}')
            .filter(|part| !part.is_empty())
            .all(|part| buf.windows(part.len()).any(|w| w == part.as_bytes()))
    };
    match parse_error(header.flags, payload, ErrorSite::Ack) {
        Err(_) => {} // malformed: the caller reports it
        Ok(Ok(warning)) => {
            assert_eq!(code, Some(0));
            assert!(warning.as_deref().is_none_or(text_in_buf));
        }
        Ok(Err(k)) => {
            let code = code.expect("an error needs a code");
            assert_ne!(code, 0);
            assert_eq!(k.errno, code.checked_neg().unwrap_or(i32::MAX));
            assert!(k.message.as_deref().is_none_or(text_in_buf));
        }
    }
    match parse_done(header.flags, payload) {
        Ok(warning) => {
            assert!(code.unwrap_or(0) == 0);
            assert!(warning.as_deref().is_none_or(text_in_buf));
        }
        Err(k) => {
            assert_eq!(k.errno, code.unwrap().checked_neg().unwrap_or(i32::MAX));
            assert_eq!(k.site, ErrorSite::DumpDone);
        }
    }
}

/// `Socket`'s decoding of a route-netlink message, with the public message types.
fn decode(header: Header, payload: &[u8]) -> Result<RouteNetlinkMessage, String> {
    let mut h = NetlinkHeader::default();
    h.length = header.len;
    h.message_type = header.kind;
    h.flags = header.flags;
    h.sequence_number = header.seq;
    h.port_number = header.port;
    RouteNetlinkMessage::deserialize(&h, payload).map_err(|e| e.to_string())
}

/// One mutation of `buf`.
fn mutate(rng: &mut Rng, buf: &mut Vec<u8>) {
    let at = |rng: &mut Rng, buf: &Vec<u8>| rng.below(buf.len().max(1));
    match rng.below(10) {
        0 if !buf.is_empty() => {
            let i = at(rng, buf);
            buf[i] ^= 1 << rng.below(8);
        }
        1 if !buf.is_empty() => {
            let i = at(rng, buf);
            buf[i] = rng.below(256) as u8;
        }
        2 => {
            let cut = rng.below(buf.len() + 1);
            buf.truncate(cut);
        }
        3 => {
            let n = rng.below(40);
            let junk = rng.bytes(n);
            buf.extend(junk);
        }
        // A frame's length field: anything, or off by a little.
        4 if buf.len() >= 4 => {
            let len = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]);
            let new = match rng.below(4) {
                0 => rng.next_u64() as u32,
                1 => len.wrapping_add(rng.below(9) as u32).wrapping_sub(4),
                2 => rng.below(HEADER_LEN + 1) as u32,
                _ => buf.len() as u32 + rng.below(8) as u32,
            };
            buf[..4].copy_from_slice(&new.to_ne_bytes());
        }
        // Flags: toggle ACK_TLVS (0x200), CAPPED (0x100), MULTI (2), DUMP_INTR (0x10).
        5 if buf.len() >= 8 => {
            let bit = [0x200u16, 0x100, 0x2, 0x10][rng.below(4)];
            let flags = u16::from_ne_bytes([buf[6], buf[7]]) ^ bit;
            buf[6..8].copy_from_slice(&flags.to_ne_bytes());
        }
        // The echoed request's length, or an attribute length, inside the payload.
        6 if buf.len() >= 24 => {
            let i = 16 + rng.below(buf.len() - 17);
            let v = rng.below(0x1_0000) as u16;
            buf[i..i + 2].copy_from_slice(&v.to_ne_bytes());
        }
        // The error code.
        7 if buf.len() >= 20 => {
            let code = [0i32, -1, -22, i32::MIN, i32::MAX, rng.next_u64() as i32][rng.below(6)];
            buf[16..20].copy_from_slice(&code.to_ne_bytes());
        }
        // Frames repeated (a multipart datagram).
        8 => {
            let copy = buf.clone();
            buf.extend(copy);
        }
        _ => {
            let i = rng.below(buf.len() + 1);
            let v = rng.below(256) as u8;
            buf.insert(i, v);
        }
    }
}

#[test]
fn captured_replies_mutated() {
    let mut rng = rng(0x6e6c_6d75_7461_7465);
    let mut seen = Seen::default();
    let mut datagrams = 0;
    // The captured replies as they are first: nothing malformed, what the unit tests say.
    for buf in CAPTURED {
        let mut s = Seen::default();
        feed(buf, &mut s);
        assert_eq!(s.malformed, 0);
    }
    for _ in 0..scaled(60_000) {
        let mut buf = CAPTURED[rng.below(CAPTURED.len())].to_vec();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut buf);
        }
        feed(&buf, &mut seen);
        datagrams += 1;
    }
    assert!(seen.malformed > 0 && seen.errors > 0 && seen.messages > 0 && seen.decoded > 0);
    println!(
        "figures: fuzz_netlink.captured_replies_mutated datagrams={datagrams} frames={} \
         malformed={} errors={} with_message={} decoded={}",
        seen.frames, seen.malformed, seen.errors, seen.messages, seen.decoded
    );
}

/// A header with a plausible length, then random bytes, several to a datagram.
fn random_datagram(rng: &mut Rng) -> Vec<u8> {
    let mut buf = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let payload = rng.below(80);
        let len = if rng.chance(1, 5) {
            rng.next_u64() as u32
        } else {
            (HEADER_LEN + payload) as u32
        };
        let kind = [2u16, 3, 1, 4, 88, 89, 16, rng.below(0x1_0000) as u16][rng.below(8)];
        let flags = rng.below(0x1_0000) as u16;
        buf.extend_from_slice(&len.to_ne_bytes());
        buf.extend_from_slice(&kind.to_ne_bytes());
        buf.extend_from_slice(&flags.to_ne_bytes());
        buf.extend(rng.bytes(8));
        let mut body = rng.bytes(payload);
        // Sometimes an extended ACK that looks right: a message attribute, an offset.
        if rng.chance(1, 3) && body.len() >= 24 {
            let at = 4 + rng.below(body.len() - 23);
            body[at..at + 4].copy_from_slice(&[12, 0, 1, 0]);
            body[at + 4..at + 12].copy_from_slice(b"bad\0pad!");
        }
        buf.extend(body);
        while buf.len() % 4 != 0 && rng.chance(3, 4) {
            buf.push(0);
        }
    }
    buf
}

#[test]
fn random_datagrams() {
    let mut rng = rng(0x6e6c_7261_6e64_6f6d);
    let mut seen = Seen::default();
    let n = scaled(60_000);
    for _ in 0..n {
        let buf = random_datagram(&mut rng);
        feed(&buf, &mut seen);
        // Pure noise too.
        let len = rng.below(64);
        feed(&rng.bytes(len), &mut seen);
    }
    println!(
        "figures: fuzz_netlink.random_datagrams datagrams={} frames={} malformed={} errors={}",
        2 * n,
        seen.frames,
        seen.malformed,
        seen.errors
    );
}

/// `RTM_NEWNSID` payloads (as `list`, `set` and the nsid monitor read them), mutated, through
/// the route-netlink deserializer: an error or a message, never a panic.
#[test]
fn nsid_payloads_mutated() {
    let mut rng = rng(0x6e73_6964_7061_796c);
    // The first message of the captured dump of one nsid (the last captured datagram).
    let base = &CAPTURED[3][..28];
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..scaled(60_000) {
        let mut buf = base.to_vec();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut buf);
        }
        if buf.len() < HEADER_LEN {
            continue;
        }
        let header = Header {
            len: buf.len() as u32,
            kind: [88u16, 89, 90][rng.below(3)],
            flags: 0,
            seq: 1,
            port: 0,
        };
        match decode(header, &buf[HEADER_LEN..]) {
            Ok(_) => ok += 1,
            Err(_) => bad += 1,
        }
    }
    assert!(ok > 0 && bad > 0);
    println!("figures: fuzz_netlink.nsid_payloads_mutated decoded={ok} refused={bad}");
}

// ---------------------------------------------------------------------------------------------
// The public Socket API, the kernel answering random requests.

fn random_attributes(rng: &mut Rng, ns: &NetNs) -> Vec<NsidAttribute> {
    use std::os::fd::AsRawFd;
    (0..rng.below(4))
        .map(|_| match rng.below(7) {
            0 => NsidAttribute::Id(rng.below(300) as i32 - 2),
            1 => NsidAttribute::Pid(rng.below(5) as u32),
            2 => NsidAttribute::Fd(if rng.chance(1, 2) {
                ns.as_fd().as_raw_fd() as u32
            } else {
                rng.below(64) as u32
            }),
            3 => NsidAttribute::TargetNsid(rng.below(10) as i32 - 2),
            4 => NsidAttribute::CurrentNsid(rng.below(10) as i32),
            _ => {
                let kind = rng.below(0x1_0000) as u16;
                let len = rng.below(24);
                NsidAttribute::Other(netnest::netlink::core::DefaultNla::new(
                    kind,
                    rng.bytes(len),
                ))
            }
        })
        .collect()
}

fn message(attributes: Vec<NsidAttribute>) -> NsidMessage {
    let mut m = NsidMessage::default();
    m.attributes = attributes;
    m
}

#[test]
fn random_requests_to_the_kernel() {
    if let Some(why) = netnest_testkit::needs_root() {
        panic!("cannot run here: {why}");
    }
    let ns = NetNs::new().expect("a private network namespace");
    let peer = NetNs::new().expect("a peer namespace");
    let mut rng = rng(0x6e6c_6b65_726e_656c);
    let (mut replies, mut errors, mut with_message) = (0usize, 0usize, 0usize);
    let requests = scaled(1_500);
    for i in 0..requests {
        let options = SocketOptions::new()
            .ext_ack(rng.chance(3, 4))
            .cap_ack(rng.chance(1, 2))
            .strict_check(rng.chance(1, 2));
        let mut sock = options.open_in(&ns).expect("socket");
        // A hang becomes EAGAIN, and a failure below.
        netnest::rustix::net::sockopt::set_socket_timeout(
            &sock,
            netnest::rustix::net::sockopt::Timeout::Recv,
            Some(Duration::from_secs(2)),
        )
        .unwrap();
        for _ in 0..4 {
            let attrs = random_attributes(&mut rng, &peer);
            let shown = format!("{attrs:?} on {options:?}");
            let result = match rng.below(3) {
                0 => sock
                    .request(RouteNetlinkMessage::GetNsId(message(attrs)), 0)
                    .map(|r| r.len()),
                1 => sock
                    .ack(RouteNetlinkMessage::NewNsId(message(attrs)), 0)
                    .map(|()| 0),
                _ => sock
                    .dump(RouteNetlinkMessage::GetNsId(message(attrs)))
                    .map(|r| r.len()),
            };
            match result {
                Ok(_) => replies += 1,
                Err(e) => {
                    errors += 1;
                    assert_eq!(e.op(), Op::Netlink, "{shown}: {e:?}");
                    let errno = e.raw_os_error();
                    assert!(
                        errno.is_some_and(|n| n > 0 && n != libc::EAGAIN),
                        "{shown}: no kernel errno (hang or malformed reply): {e:?}"
                    );
                    if let Some(k) = e.kernel_error() {
                        with_message += usize::from(k.message.is_some());
                    } else {
                        panic!("{shown}: an error that is not the kernel's: {e:?}");
                    }
                }
            }
            // The socket still works: a plain query of the peer's nsid.
            sock.nsid_of(&peer)
                .unwrap_or_else(|e| panic!("request {i}: socket unusable after {shown}: {e:?}"));
        }
    }
    assert!(replies > 0 && errors > 0 && with_message > 0);
    println!(
        "figures: fuzz_netlink.random_requests_to_the_kernel requests={} replies={replies} \
         errors={errors} with_extack_message={with_message}",
        requests * 4
    );
}
