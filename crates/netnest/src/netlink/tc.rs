// SPDX-License-Identifier: MIT OR Apache-2.0
//! Traffic control: a root queueing discipline on a link, `tbf` (a rate) and `netem` (delay,
//! jitter, loss, duplication, corruption, reordering), as `tc qdisc add/replace/del` make them.
//!
//! `netlink-packet-route` models tc messages but not these two qdiscs' options, so their
//! `TCA_OPTIONS` are written here byte for byte after the kernel's uapi layouts
//! (`include/uapi/linux/pkt_sched.h`: `struct tc_tbf_qopt`, `struct tc_netem_qopt` and the
//! `TCA_TBF_*` / `TCA_NETEM_*` attributes). Errors stay typed and keep the kernel's extended ACK.
//!
//! Not every kernel has every qdisc (`CONFIG_NET_SCH_NETEM` is often left out):
//! [`netem_available`] asks the kernel once.

use std::sync::OnceLock;
use std::time::Duration;

use netlink_packet_core::{DefaultNla, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::tc::{TcAttribute, TcHandle, TcMessage};
use netlink_packet_route::RouteNetlinkMessage;

use super::iproute::IpRoute;
use super::link::LinkRef;
use crate::error::Result;
use crate::NetNs;

const TCA_OPTIONS: u16 = 2;
const TCA_TBF_PARMS: u16 = 1;
const TCA_TBF_RATE64: u16 = 4;
const TCA_TBF_BURST: u16 = 6;
const TCA_NETEM_REORDER: u16 = 3;
const TCA_NETEM_CORRUPT: u16 = 4;
const TCA_NETEM_LATENCY64: u16 = 10;
const TCA_NETEM_JITTER64: u16 = 11;
/// `TC_LINKLAYER_ETHERNET`: with it the kernel needs no rate table (`TCA_TBF_RTAB`).
const LINKLAYER_ETHERNET: u8 = 1;
/// The kernel's scheduler clock counts in units of 64 ns (`PSCHED_SHIFT` = 6), the unit of the
/// time fields of `tc_tbf_qopt` and `tc_netem_qopt`.
const PSCHED_TICK_NS: u128 = 64;

/// A token bucket filter (`tc qdisc … tbf rate RATE burst BURST limit LIMIT`): the link sends
/// at most `rate` on average, in bursts of at most `burst` bytes, and queues at most `limit`
/// bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tbf {
    /// The rate, in bits per second (`tc`'s `rate 10mbit` is 10 000 000).
    pub rate_bps: u64,
    /// The bucket's size, in bytes.
    pub burst: u32,
    /// How many bytes may wait in the queue.
    pub limit: u32,
}

impl Tbf {
    /// A rate of `rate_bps` bits per second with a burst of 10 ms of traffic (at least 16 KiB)
    /// and a queue of 50 ms of traffic beyond it, as `tc … tbf rate R burst B latency 50ms`.
    pub fn new(rate_bps: u64) -> Tbf {
        let bytes_per_sec = rate_bps / 8;
        let burst = (bytes_per_sec / 100).clamp(16 * 1024, u32::MAX as u64 / 2) as u32;
        let limit = (bytes_per_sec / 20)
            .saturating_add(burst as u64)
            .min(u32::MAX as u64) as u32;
        Tbf {
            rate_bps,
            burst,
            limit,
        }
    }

    /// Sets the bucket's size in bytes.
    pub fn burst(mut self, burst: u32) -> Tbf {
        self.burst = burst;
        self
    }

    /// Sets the queue's size in bytes.
    pub fn limit(mut self, limit: u32) -> Tbf {
        self.limit = limit;
        self
    }

    /// `TCA_OPTIONS`: `TCA_TBF_PARMS` (`struct tc_tbf_qopt`), `TCA_TBF_BURST`, and
    /// `TCA_TBF_RATE64` when the rate does not fit the 32-bit field.
    pub(crate) fn options(&self) -> Vec<u8> {
        let bytes_per_sec = (self.rate_bps / 8).max(1);
        let rate32 = u32::try_from(bytes_per_sec).unwrap_or(u32::MAX);
        let buffer_ns = self.burst as u128 * 1_000_000_000 / bytes_per_sec as u128;
        let buffer_ticks = u32::try_from(buffer_ns / PSCHED_TICK_NS).unwrap_or(u32::MAX);
        let mut parms = Vec::with_capacity(36);
        ratespec(&mut parms, rate32); // rate
        ratespec(&mut parms, 0); // peakrate: none
        parms.extend_from_slice(&self.limit.to_ne_bytes());
        parms.extend_from_slice(&buffer_ticks.to_ne_bytes());
        parms.extend_from_slice(&0u32.to_ne_bytes()); // mtu: only with a peak rate
        let mut out = Vec::with_capacity(64);
        nla(&mut out, TCA_TBF_PARMS, &parms);
        nla(&mut out, TCA_TBF_BURST, &self.burst.to_ne_bytes());
        if rate32 == u32::MAX {
            nla(&mut out, TCA_TBF_RATE64, &bytes_per_sec.to_ne_bytes());
        }
        out
    }
}

/// `struct tc_ratespec`: cell_log, linklayer, overhead, cell_align, mpu, rate (bytes/s).
fn ratespec(out: &mut Vec<u8>, rate: u32) {
    let linklayer = if rate == 0 { 0 } else { LINKLAYER_ETHERNET };
    out.extend_from_slice(&[0, linklayer]);
    out.extend_from_slice(&0u16.to_ne_bytes());
    out.extend_from_slice(&0i16.to_ne_bytes());
    out.extend_from_slice(&0u16.to_ne_bytes());
    out.extend_from_slice(&rate.to_ne_bytes());
}

/// Appends one netlink attribute (header, payload, padding to 4 bytes).
fn nla(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    out.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize((out.len() + 3) & !3, 0);
}

/// A network emulator (`tc qdisc … netem delay D [J] loss L% duplicate D% corrupt C%
/// reorder R% limit N`). Percentages are of packets, from 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Netem {
    /// Added delay.
    pub delay: Duration,
    /// Random variation of the delay (uniform, ±).
    pub jitter: Duration,
    /// Packets dropped, in percent.
    pub loss: f64,
    /// Packets sent twice, in percent.
    pub duplicate: f64,
    /// Packets with one bit flipped, in percent.
    pub corrupt: f64,
    /// Packets sent at once, ahead of the delayed others, in percent (needs a delay).
    pub reorder: f64,
    /// How many packets may wait (0: the kernel's default, 1000).
    pub limit: u32,
}

/// A percentage as the kernel's probability: a fraction of `u32::MAX`.
fn probability(percent: f64) -> u32 {
    (percent.clamp(0.0, 100.0) / 100.0 * u32::MAX as f64).round() as u32
}

fn ticks(d: Duration) -> u32 {
    u32::try_from(d.as_nanos() / PSCHED_TICK_NS).unwrap_or(u32::MAX)
}

fn nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

impl Netem {
    /// No impairment; set the fields wanted.
    pub fn new() -> Netem {
        Netem::default()
    }

    /// `TCA_OPTIONS`: `struct tc_netem_qopt` (latency, limit, loss, gap, duplicate, jitter)
    /// followed by the attributes for what the struct cannot say (64-bit nanosecond delays,
    /// corruption, reordering).
    pub(crate) fn options(&self) -> Vec<u8> {
        let limit = if self.limit == 0 { 1000 } else { self.limit };
        let reorder = probability(self.reorder);
        // Reordering needs a gap: every packet but the reordered ones is delayed.
        let gap = u32::from(reorder != 0);
        let mut out = Vec::with_capacity(96);
        for field in [
            ticks(self.delay),
            limit,
            probability(self.loss),
            gap,
            probability(self.duplicate),
            ticks(self.jitter),
        ] {
            out.extend_from_slice(&field.to_ne_bytes());
        }
        nla(
            &mut out,
            TCA_NETEM_LATENCY64,
            &nanos(self.delay).to_ne_bytes(),
        );
        nla(
            &mut out,
            TCA_NETEM_JITTER64,
            &nanos(self.jitter).to_ne_bytes(),
        );
        if reorder != 0 {
            let pair = [reorder.to_ne_bytes(), 0u32.to_ne_bytes()].concat();
            nla(&mut out, TCA_NETEM_REORDER, &pair);
        }
        let corrupt = probability(self.corrupt);
        if corrupt != 0 {
            let pair = [corrupt.to_ne_bytes(), 0u32.to_ne_bytes()].concat();
            nla(&mut out, TCA_NETEM_CORRUPT, &pair);
        }
        out
    }
}

/// A queueing discipline with its options.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Qdisc {
    /// `tbf`: a rate.
    Tbf(Tbf),
    /// `netem`: delay, loss and the like.
    Netem(Netem),
}

impl Qdisc {
    /// The kernel's name of the qdisc (`TCA_KIND`).
    pub fn kind(&self) -> &'static str {
        match self {
            Qdisc::Tbf(_) => "tbf",
            Qdisc::Netem(_) => "netem",
        }
    }

    fn options(&self) -> Vec<u8> {
        match self {
            Qdisc::Tbf(t) => t.options(),
            Qdisc::Netem(n) => n.options(),
        }
    }
}

/// Where a qdisc goes: the link's root, or under the class of another qdisc (the child of a
/// `netem` or a `tbf` is `parent HANDLE:1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QdiscParent {
    /// `root`.
    Root,
    /// `parent MAJOR:1`: under the qdisc whose handle is `MAJOR:`.
    Under(u16),
}

impl QdiscParent {
    fn handle(self) -> TcHandle {
        match self {
            QdiscParent::Root => TcHandle::ROOT,
            QdiscParent::Under(major) => TcHandle { major, minor: 1 },
        }
    }
}

/// An `RTM_NEWQDISC`/`RTM_DELQDISC` message for link `index`.
fn qdisc_message(index: u32, parent: QdiscParent, handle: u16) -> TcMessage {
    let mut m = TcMessage::default();
    m.header.index = index as i32;
    m.header.parent = parent.handle();
    m.header.handle = TcHandle {
        major: handle,
        minor: 0,
    };
    m
}

/// The request that adds (with `flags`) `qdisc` under `parent` with handle `handle:` on link
/// `index`, and its flags; for batching ([`super::Socket::batch`]).
pub fn qdisc_request(
    index: u32,
    parent: QdiscParent,
    handle: u16,
    qdisc: &Qdisc,
    flags: u16,
) -> (RouteNetlinkMessage, u16) {
    let mut m = qdisc_message(index, parent, handle);
    m.attributes
        .push(TcAttribute::Kind(qdisc.kind().to_owned()));
    m.attributes.push(TcAttribute::Other(DefaultNla::new(
        TCA_OPTIONS,
        qdisc.options(),
    )));
    (RouteNetlinkMessage::NewQueueDiscipline(m), flags)
}

/// A queueing discipline as the kernel lists it (`tc qdisc show`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QdiscInfo {
    /// The link's index.
    pub index: u32,
    /// The qdisc's kind (`tbf`, `netem`, `noqueue`…).
    pub kind: String,
    /// Its handle's major number (`1` for `1:`).
    pub handle: u16,
    /// Whether it is the link's root qdisc.
    pub root: bool,
}

impl IpRoute {
    /// Adds `qdisc` under `parent` with handle `handle:`. Equivalent to
    /// `tc qdisc add dev DEV root|parent P:1 handle H: tbf …|netem …`; fails with `EEXIST` if
    /// there already is one. A kind this kernel lacks fails with `ENOENT` ("Specified qdisc kind
    /// is unknown").
    ///
    /// ```no_run
    /// use netnest::netlink::{Qdisc, QdiscParent, Tbf};
    /// let ns = netnest::NetNs::new()?;
    /// let mut ipr = netnest::IpRoute::in_netns(&ns)?;
    /// ipr.qdisc_add("lo", QdiscParent::Root, 1, &Qdisc::Tbf(Tbf::new(10_000_000)))?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "tc qdisc add")]
    pub fn qdisc_add(
        &mut self,
        link: impl Into<LinkRef>,
        parent: QdiscParent,
        handle: u16,
        qdisc: &Qdisc,
    ) -> Result<()> {
        self.qdisc_send(link, parent, handle, qdisc, NLM_F_CREATE | NLM_F_EXCL)
    }

    /// Adds `qdisc`, or replaces the one in its place. Equivalent to
    /// `tc qdisc replace dev DEV root|parent P:1 handle H: …`.
    #[doc(alias = "tc qdisc replace")]
    pub fn qdisc_replace(
        &mut self,
        link: impl Into<LinkRef>,
        parent: QdiscParent,
        handle: u16,
        qdisc: &Qdisc,
    ) -> Result<()> {
        self.qdisc_send(link, parent, handle, qdisc, NLM_F_CREATE | NLM_F_REPLACE)
    }

    fn qdisc_send(
        &mut self,
        link: impl Into<LinkRef>,
        parent: QdiscParent,
        handle: u16,
        qdisc: &Qdisc,
        flags: u16,
    ) -> Result<()> {
        let index = self.link_index(link)?;
        let (m, flags) = qdisc_request(index, parent, handle, qdisc, flags);
        self.socket().ack(m, flags)
    }

    /// Removes the link's root qdisc (and everything under it), back to the default. Equivalent
    /// to `tc qdisc del dev DEV root`; with none in place, fails with `ENOENT`.
    #[doc(alias = "tc qdisc del")]
    pub fn qdisc_del_root(&mut self, link: impl Into<LinkRef>) -> Result<()> {
        let index = self.link_index(link)?;
        let m = qdisc_message(index, QdiscParent::Root, 0);
        self.socket()
            .ack(RouteNetlinkMessage::DelQueueDiscipline(m), 0)
    }

    /// The qdiscs of the namespace, or of one link. Equivalent to `tc qdisc show [dev DEV]`.
    #[doc(alias = "tc qdisc show")]
    pub fn qdisc_list(&mut self, link: Option<LinkRef>) -> Result<Vec<QdiscInfo>> {
        let index = link.map(|l| self.link_index(l)).transpose()?;
        let replies = self
            .socket()
            .dump(RouteNetlinkMessage::GetQueueDiscipline(TcMessage::default()))?;
        let mut out = Vec::new();
        for reply in replies {
            let RouteNetlinkMessage::NewQueueDiscipline(m) = reply else {
                continue;
            };
            let this = m.header.index as u32;
            if index.is_some_and(|i| i != this) {
                continue;
            }
            let kind = m.attributes.iter().find_map(|a| match a {
                TcAttribute::Kind(k) => Some(k.clone()),
                _ => None,
            });
            out.push(QdiscInfo {
                index: this,
                kind: kind.unwrap_or_default(),
                handle: m.header.handle.major,
                root: m.header.parent == TcHandle::ROOT,
            });
        }
        Ok(out)
    }
}

/// Whether this kernel has the `netem` qdisc (`CONFIG_NET_SCH_NETEM`), asked once per process:
/// a `netem` is added to `lo` in a scratch namespace made for the purpose and dropped with it.
/// Only the kernel's "unknown kind" answer (`ENOENT`) means no; any other failure is returned
/// (and asked again next time).
pub fn netem_available() -> Result<bool> {
    static ANSWER: OnceLock<bool> = OnceLock::new();
    if let Some(answer) = ANSWER.get() {
        return Ok(*answer);
    }
    let scratch = NetNs::new()?;
    let mut ipr = IpRoute::in_netns(&scratch)?;
    let netem = Qdisc::Netem(Netem::new());
    let answer = match ipr.qdisc_add(1, QdiscParent::Root, 1, &netem) {
        Ok(()) => true,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => false,
        Err(e) => return Err(e),
    };
    Ok(*ANSWER.get_or_init(|| answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_ne_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn tbf_options_follow_the_uapi_layout() {
        // 8 Mbit/s = 1 000 000 bytes/s; 20 000 bytes of burst = 20 ms = 312 500 ticks.
        let o = Tbf::new(8_000_000).burst(20_000).limit(70_000).options();
        // TCA_TBF_PARMS: 4 bytes of header + 36 of struct tc_tbf_qopt.
        assert_eq!(u16::from_ne_bytes([o[0], o[1]]), 40);
        assert_eq!(u16::from_ne_bytes([o[2], o[3]]), TCA_TBF_PARMS);
        let p = &o[4..40];
        assert_eq!(p[1], LINKLAYER_ETHERNET);
        assert_eq!(u32_at(p, 8), 1_000_000); // rate.rate
        assert_eq!(u32_at(p, 20), 0); // peakrate.rate
        assert_eq!(u32_at(p, 24), 70_000); // limit
        assert_eq!(u32_at(p, 28), 312_500); // buffer
        assert_eq!(u16::from_ne_bytes([o[42], o[43]]), TCA_TBF_BURST);
        assert_eq!(u32_at(&o, 44), 20_000);
        assert_eq!(o.len(), 48, "no RATE64 below 4 GB/s");
        let fast = Tbf::new(100_000_000_000).options();
        assert_eq!(u32_at(&fast, 12), u32::MAX);
        assert_eq!(u16::from_ne_bytes([fast[50], fast[51]]), TCA_TBF_RATE64);
    }

    #[test]
    fn netem_options_follow_the_uapi_layout() {
        let n = Netem {
            delay: Duration::from_millis(20),
            jitter: Duration::from_millis(5),
            loss: 1.0,
            reorder: 25.0,
            ..Netem::new()
        };
        let o = n.options();
        assert_eq!(u32_at(&o, 0), 20_000_000 / 64); // latency, ticks
        assert_eq!(u32_at(&o, 4), 1000); // limit
        assert_eq!(u32_at(&o, 8), (u32::MAX as f64 / 100.0).round() as u32); // loss
        assert_eq!(u32_at(&o, 12), 1); // gap, for reordering
        assert_eq!(u32_at(&o, 20), 5_000_000 / 64); // jitter
        assert_eq!(u16::from_ne_bytes([o[26], o[27]]), TCA_NETEM_LATENCY64);
        assert_eq!(
            i64::from_ne_bytes(o[28..36].try_into().unwrap()),
            20_000_000
        );
        assert_eq!(u16::from_ne_bytes([o[38], o[39]]), TCA_NETEM_JITTER64);
        assert_eq!(u16::from_ne_bytes([o[50], o[51]]), TCA_NETEM_REORDER);
        assert_eq!(u32_at(&o, 52), u32::MAX / 4 + 1);
        assert_eq!(o.len(), 60, "no corruption asked");
    }
}
