// SPDX-License-Identifier: MIT OR Apache-2.0
//! Medians, spreads and ratios of timed samples.
//!
//! The machines are noisy (±30 % from minute to minute), so a figure is only ever a median, its
//! spread is the interquartile range, and a comparison is a ratio of two medians taken in one
//! interleaved run. The paired ratios (sample i of A over sample i of B, taken back to back) give
//! a second view that drift cannot bias: their interquartile range says how sure the ratio is.

use std::time::Duration;

/// The `q`-quantile (0 ≤ q ≤ 1) of sorted values, interpolated linearly.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

fn sorted(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// A series of timings, summarised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// How many samples.
    pub n: usize,
    /// Median, in microseconds.
    pub median: f64,
    /// First quartile, in microseconds.
    pub p25: f64,
    /// Third quartile, in microseconds.
    pub p75: f64,
}

impl Summary {
    /// Summarises `samples`.
    pub fn of(samples: &[Duration]) -> Summary {
        let v = sorted(samples.iter().map(|d| d.as_secs_f64() * 1e6));
        Summary {
            n: v.len(),
            median: quantile(&v, 0.5),
            p25: quantile(&v, 0.25),
            p75: quantile(&v, 0.75),
        }
    }

    /// Half the interquartile range, as a fraction of the median (±).
    pub fn spread(&self) -> f64 {
        (self.p75 - self.p25) / 2.0 / self.median
    }
}

/// How `a` compares with `b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// median(a) / median(b): the figure the targets are judged on.
    pub of_medians: f64,
    /// First quartile of the paired ratios `a[i] / b[i]`.
    pub paired_p25: f64,
    /// Third quartile of the paired ratios.
    pub paired_p75: f64,
}

impl Ratio {
    /// Compares two series measured interleaved (sample i of each taken back to back).
    pub fn of(a: &[Duration], b: &[Duration]) -> Ratio {
        let pairs = sorted(
            a.iter()
                .zip(b)
                .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64()),
        );
        Ratio {
            of_medians: Summary::of(a).median / Summary::of(b).median,
            paired_p25: quantile(&pairs, 0.25),
            paired_p75: quantile(&pairs, 0.75),
        }
    }
}

/// A duration in microseconds, printed with a unit that keeps three significant figures or so.
pub fn human(us: f64) -> String {
    if !us.is_finite() {
        "-".to_string()
    } else if us >= 100_000.0 {
        format!("{:.0} ms", us / 1000.0)
    } else if us >= 10_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else if us >= 10.0 {
        format!("{us:.0} µs")
    } else {
        format!("{us:.2} µs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&x| Duration::from_micros(x)).collect()
    }

    #[test]
    fn quantiles() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), 2.0);
        assert_eq!(quantile(&[7.0], 0.75), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn summary_and_ratio() {
        let a = us(&[10, 30, 20, 40, 50]);
        let b = us(&[20, 60, 40, 80, 100]);
        let s = Summary::of(&a);
        assert_eq!((s.n, s.median, s.p25, s.p75), (5, 30.0, 20.0, 40.0));
        assert!((s.spread() - 1.0 / 3.0).abs() < 1e-9);
        let r = Ratio::of(&a, &b);
        assert_eq!(r.of_medians, 0.5);
        assert_eq!((r.paired_p25, r.paired_p75), (0.5, 0.5));
    }

    #[test]
    fn units() {
        assert_eq!(human(4.9), "4.90 µs");
        assert_eq!(human(354.2), "354 µs");
        assert_eq!(human(1671.0), "1.67 ms");
        assert_eq!(human(13_500.0), "13.5 ms");
        assert_eq!(human(5_840_000.0), "5840 ms");
    }
}
