//! Medians and spread of interleaved samples.

use std::time::Duration;

/// The samples of one case.
#[derive(Debug, Default, Clone)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// Adds one measurement.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.0.clone();
        v.sort();
        v
    }

    /// The median.
    pub fn median(&self) -> Duration {
        let v = self.sorted();
        if v.is_empty() {
            return Duration::ZERO;
        }
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2
        }
    }

    /// The interquartile spread, relative to the median (0.10 = ±10 % around it, roughly).
    pub fn spread(&self) -> f64 {
        let v = self.sorted();
        if v.len() < 4 {
            return 0.0;
        }
        let q1 = v[v.len() / 4].as_secs_f64();
        let q3 = v[v.len() * 3 / 4].as_secs_f64();
        let m = self.median().as_secs_f64();
        if m == 0.0 {
            0.0
        } else {
            (q3 - q1) / 2.0 / m
        }
    }
}

/// A duration for the table: µs below 10 ms, ms above.
pub fn human(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 10_000.0 {
        format!("{us:.1} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}
