// SPDX-License-Identifier: MIT OR Apache-2.0
//! Link impairment: what an interface's egress does to its packets. A rate (the kernel's
//! `tbf`), and delay, jitter, loss, duplication, corruption and reordering (`netem`), set on
//! each end separately (an end shapes what it sends).
//!
//! Values are written as `tc` writes them: rates `10mbit`, `512kbit`, `1gbit` (powers of
//! 1000, bits per second); times `20ms`, `500us`, `1s`; percentages `1%` (or `1`, 0–100).
//!
//! On the kernel, an impairment is one root qdisc per interface: `tbf` for a rate alone,
//! `netem` otherwise, with a `tbf` under it (`parent 1:1`) when both are asked.

use std::fmt;
use std::time::Duration;

use netnest::netlink::core::{NLM_F_ACK, NLM_F_CREATE, NLM_F_REPLACE};
use netnest::netlink::{qdisc_request, Netem, Qdisc, QdiscParent, Tbf};
use netnest::IpRoute;

/// An impairment of one interface's egress. Every field is optional; an empty one means
/// none (the kernel's default qdisc).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Impairment {
    /// The rate, in bits per second (`tbf`).
    pub rate_bps: Option<u64>,
    /// Added delay (`netem`).
    pub delay: Option<Duration>,
    /// Random variation of the delay (`netem`; needs a delay).
    pub jitter: Option<Duration>,
    /// Packets lost, percent (`netem`).
    pub loss: Option<f64>,
    /// Packets duplicated, percent (`netem`).
    pub duplicate: Option<f64>,
    /// Packets corrupted, percent (`netem`).
    pub corrupt: Option<f64>,
    /// Packets reordered, percent (`netem`; needs a delay).
    pub reorder: Option<f64>,
}

// The values are never NaN (every parser refuses it), so equality is an equivalence.
impl Eq for Impairment {}

/// The keys of an impairment, in the order they are written.
pub const KEYS: [&str; 7] = [
    "rate",
    "delay",
    "jitter",
    "loss",
    "duplicate",
    "corrupt",
    "reorder",
];

/// Parses a rate: `10mbit`, `512kbit`, `1gbit`, `100bit` (bits per second, powers of 1000).
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_ascii_lowercase();
    let units = [
        ("tbit", 1_000_000_000_000u64),
        ("gbit", 1_000_000_000),
        ("mbit", 1_000_000),
        ("kbit", 1_000),
        ("bit", 1),
    ];
    for (unit, scale) in units {
        if let Some(number) = lower.strip_suffix(unit) {
            let value: f64 = number
                .trim()
                .parse()
                .map_err(|_| format!("invalid rate {text:?} (expected e.g. 10mbit)"))?;
            let bps = value * scale as f64;
            if !(bps >= 8.0 && bps < u64::MAX as f64) {
                return Err(format!("rate {text:?} out of range (8bit and up)"));
            }
            return Ok(bps as u64);
        }
    }
    Err(format!(
        "invalid rate {text:?} (a number and bit, kbit, mbit, gbit or tbit: 10mbit)"
    ))
}

/// Parses a time: `20ms`, `500us`, `1.5s`.
pub fn parse_time(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(format!(
            "invalid time {text:?} (a number and us, ms or s: 20ms)"
        ));
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("invalid time {text:?} (expected e.g. 20ms)"))?;
    if !(0.0..=3600.0).contains(&(value * scale)) {
        return Err(format!("time {text:?} out of range (0 to 3600s)"));
    }
    Ok(Duration::from_secs_f64(value * scale))
}

/// Parses a percentage: `1%`, `0.5%`, `1` (0 to 100).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let value: f64 = t
        .strip_suffix('%')
        .unwrap_or(t)
        .trim()
        .parse()
        .map_err(|_| format!("invalid percentage {text:?} (expected e.g. 1%)"))?;
    if !(0.0..=100.0).contains(&value) {
        return Err(format!("percentage {text:?} out of range (0% to 100%)"));
    }
    Ok(value)
}

impl Impairment {
    /// Sets `key` (one of [`KEYS`]) from its text.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "rate" => self.rate_bps = Some(parse_rate(value)?),
            "delay" => self.delay = Some(parse_time(value)?),
            "jitter" => self.jitter = Some(parse_time(value)?),
            "loss" => self.loss = Some(parse_percent(value)?),
            "duplicate" => self.duplicate = Some(parse_percent(value)?),
            "corrupt" => self.corrupt = Some(parse_percent(value)?),
            "reorder" => self.reorder = Some(parse_percent(value)?),
            other => {
                return Err(format!(
                    "unknown impairment {other:?} (one of: {})",
                    KEYS.join(", ")
                ))
            }
        }
        Ok(())
    }

    /// Parses `KEY VALUE …` words, as `netnest lab link … set delay 20ms loss 1%` takes them.
    pub fn from_words<S: AsRef<str>>(words: &[S]) -> Result<Impairment, String> {
        if words.is_empty() {
            return Err(format!(
                "nothing to set (give one or more of: {})",
                KEYS.join(", ")
            ));
        }
        let mut out = Impairment::default();
        for pair in words.chunks(2) {
            let key = pair[0].as_ref();
            let Some(value) = pair.get(1) else {
                return Err(format!("{key:?} needs a value"));
            };
            out.set(key, value.as_ref())?;
        }
        out.check()?;
        Ok(out)
    }

    /// The rules between fields: jitter and reordering need a delay.
    pub fn check(&self) -> Result<(), String> {
        let no_delay = self.delay.is_none_or(|d| d.is_zero());
        if self.jitter.is_some() && no_delay {
            return Err("jitter needs a delay".into());
        }
        if self.reorder.is_some_and(|r| r > 0.0) && no_delay {
            return Err(
                "reorder needs a delay (reordered packets are the ones not delayed)".into(),
            );
        }
        Ok(())
    }

    /// Whether nothing is asked.
    pub fn is_empty(&self) -> bool {
        *self == Impairment::default()
    }

    /// Whether this needs the kernel's `netem` (anything but a rate).
    pub fn needs_netem(&self) -> bool {
        self.delay.is_some()
            || self.jitter.is_some()
            || self.loss.is_some()
            || self.duplicate.is_some()
            || self.corrupt.is_some()
            || self.reorder.is_some()
    }

    fn netem(&self) -> Netem {
        Netem {
            delay: self.delay.unwrap_or_default(),
            jitter: self.jitter.unwrap_or_default(),
            loss: self.loss.unwrap_or_default(),
            duplicate: self.duplicate.unwrap_or_default(),
            corrupt: self.corrupt.unwrap_or_default(),
            reorder: self.reorder.unwrap_or_default(),
            limit: 0,
        }
    }

    /// The requests that put this impairment on interface `index` (replacing what is there),
    /// for a batch; empty for an empty impairment.
    pub fn requests(
        &self,
        index: u32,
    ) -> Vec<(netnest::netlink::route_messages::RouteNetlinkMessage, u16)> {
        let flags = NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
        let tbf = self.rate_bps.map(|r| Qdisc::Tbf(Tbf::new(r)));
        let mut out = Vec::new();
        if self.needs_netem() {
            let netem = Qdisc::Netem(self.netem());
            out.push(qdisc_request(index, QdiscParent::Root, 1, &netem, flags));
            if let Some(tbf) = tbf {
                out.push(qdisc_request(index, QdiscParent::Under(1), 2, &tbf, flags));
            }
        } else if let Some(tbf) = tbf {
            out.push(qdisc_request(index, QdiscParent::Root, 1, &tbf, flags));
        }
        out
    }

    /// Puts this impairment on interface `index` of `ipr`'s namespace, replacing any; an
    /// empty impairment removes the one there (back to the kernel's default).
    pub fn apply(&self, ipr: &mut IpRoute, index: u32) -> netnest::Result<()> {
        // Start from the default: a netem root cannot be replaced by a tbf in place.
        match ipr.qdisc_del_root(index) {
            Err(e) if e.raw_os_error() != Some(libc_enoent()) => return Err(e),
            _ => {}
        }
        for (m, flags) in self.requests(index) {
            ipr.socket().ack(m, flags & !NLM_F_ACK)?;
        }
        Ok(())
    }
}

fn libc_enoent() -> i32 {
    netnest::rustix::io::Errno::NOENT.raw_os_error()
}

impl fmt::Display for Impairment {
    /// `rate 10mbit delay 20ms loss 1%`, the words [`Impairment::from_words`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut words = Vec::new();
        if let Some(r) = self.rate_bps {
            words.push(format!("rate {}", format_rate(r)));
        }
        let time = |d: Duration| {
            if d.subsec_micros() % 1000 != 0 {
                format!("{}us", d.as_micros())
            } else {
                format!("{}ms", d.as_millis())
            }
        };
        if let Some(d) = self.delay {
            words.push(format!("delay {}", time(d)));
        }
        if let Some(d) = self.jitter {
            words.push(format!("jitter {}", time(d)));
        }
        for (key, value) in [
            ("loss", self.loss),
            ("duplicate", self.duplicate),
            ("corrupt", self.corrupt),
            ("reorder", self.reorder),
        ] {
            if let Some(p) = value {
                words.push(format!("{key} {p}%"));
            }
        }
        f.write_str(&words.join(" "))
    }
}

/// A rate in the largest unit that keeps it whole: `10mbit`, `1500kbit`.
pub fn format_rate(bps: u64) -> String {
    for (unit, scale) in [
        ("gbit", 1_000_000_000),
        ("mbit", 1_000_000),
        ("kbit", 1_000),
    ] {
        if bps >= scale && bps % scale == 0 {
            return format!("{}{unit}", bps / scale);
        }
    }
    format!("{bps}bit")
}

/// What to say when the kernel lacks `netem` and an impairment needs it.
pub fn no_netem_message() -> &'static str {
    "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set), which delay, jitter, loss, duplicate, corrupt and reorder need; only rate (tbf) works here"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_tc_writes_them() {
        assert_eq!(parse_rate("10mbit"), Ok(10_000_000));
        assert_eq!(parse_rate("1.5Gbit"), Ok(1_500_000_000));
        assert_eq!(parse_rate("512kbit"), Ok(512_000));
        assert!(parse_rate("10mb").is_err());
        assert!(parse_rate("0bit").is_err());
        assert_eq!(parse_time("20ms"), Ok(Duration::from_millis(20)));
        assert_eq!(parse_time("500us"), Ok(Duration::from_micros(500)));
        assert_eq!(parse_time("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_time("20").is_err());
        assert_eq!(parse_percent("1%"), Ok(1.0));
        assert_eq!(parse_percent("0.5"), Ok(0.5));
        assert!(parse_percent("101%").is_err());
    }

    #[test]
    fn words_round_trip_and_rules_hold() {
        let i = Impairment::from_words(&["delay", "20ms", "loss", "1%", "rate", "10mbit"]).unwrap();
        assert!(i.needs_netem());
        assert_eq!(i.to_string(), "rate 10mbit delay 20ms loss 1%");
        let again: Vec<&str> = i.to_string().leak().split(' ').collect();
        assert_eq!(Impairment::from_words(&again).unwrap(), i);
        assert!(!Impairment::from_words(&["rate", "1mbit"])
            .unwrap()
            .needs_netem());
        assert!(Impairment::from_words(&["jitter", "5ms"]).is_err());
        assert!(Impairment::from_words(&["delay"]).is_err());
        assert!(Impairment::from_words(&["speed", "1"]).is_err());
        assert_eq!(
            Impairment::from_words::<&str>(&[])
                .unwrap_err()
                .split(' ')
                .next(),
            Some("nothing")
        );
    }

    #[test]
    fn requests_stack_tbf_under_netem() {
        let rate = Impairment::from_words(&["rate", "1mbit"]).unwrap();
        assert_eq!(rate.requests(3).len(), 1);
        let both = Impairment::from_words(&["rate", "1mbit", "delay", "5ms"]).unwrap();
        assert_eq!(both.requests(3).len(), 2);
        assert!(Impairment::default().requests(3).is_empty());
    }
}
