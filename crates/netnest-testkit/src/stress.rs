// SPDX-License-Identifier: MIT OR Apache-2.0
//! Scale, seed, figures and a deterministic generator, for the reliability tests and their stress
//! runs (`scripts/stress/*.sh`): the same test binary runs at CI size, or `NETNEST_STRESS_SCALE`
//! times bigger, with the fixed seed or `NETNEST_STRESS_SEED`.

/// `NETNEST_STRESS_SCALE`, at least 1.
pub fn scale() -> usize {
    std::env::var("NETNEST_STRESS_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1usize)
        .max(1)
}

/// `ci` times the scale.
pub fn scaled(ci: usize) -> usize {
    ci * scale()
}

/// `NETNEST_STRESS_SEED`, or `fixed`.
pub fn seed(fixed: u64) -> u64 {
    std::env::var("NETNEST_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(fixed)
}

/// Prints one `figures:` line: the test's name and its counts, for docs/reliability.md.
pub fn figures(test: &str, pairs: &[(&str, String)]) {
    let mut line = format!("figures: {test} scale={}", scale());
    for (k, v) in pairs {
        line.push_str(&format!(" {k}={v}"));
    }
    println!("{line}");
}

/// A small deterministic generator (splitmix64): the same seed gives the same run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A new generator for a worker, derived from this one.
    pub fn fork(&mut self) -> Rng {
        Rng(self.next_u64())
    }
}
