// SPDX-License-Identifier: MIT OR Apache-2.0
//! Waiting for the kernel's asynchronous namespace teardown.
//!
//! A deleted namespace is freed later, by a kernel worker that batches every pending namespace
//! (0.4–1.1 s after deleting a thousand; creation is 30–60 % slower meanwhile). The number of
//! `net_namespace` objects the slab allocator holds (`/sys/kernel/slab/net_namespace/objects`)
//! drops when a batch is freed, so [`Settler::settle`] waits until it is back near where it was
//! when the settler was made (other processes on the machine make namespaces too: the wait is
//! bounded). Without that file it sleeps a fixed time.

use std::time::{Duration, Instant};

const SLAB: &str = "/sys/kernel/slab/net_namespace/objects";
/// How far above the baseline counts as settled (slab counts move by whole slabs; other
/// processes hold namespaces).
const SLACK: u64 = 16;

/// Waits for teardown back to a baseline.
#[derive(Debug, Clone)]
pub struct Settler {
    base: Option<u64>,
    max: Duration,
}

/// The number of live `net_namespace` objects, as the slab allocator counts them.
pub fn netns_objects() -> Option<u64> {
    let text = std::fs::read_to_string(SLAB).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

impl Settler {
    /// Takes the current count as the baseline; waits at most `max` each time.
    pub fn new(max: Duration) -> Settler {
        Settler {
            base: netns_objects(),
            max,
        }
    }

    /// Takes the current count as the new baseline (after making namespaces that stay).
    pub fn rebase(&mut self) {
        self.base = netns_objects();
    }

    /// Waits until the count is back near the baseline, or `max` passed. Returns the time waited.
    pub fn settle(&self) -> Duration {
        let start = Instant::now();
        let Some(base) = self.base else {
            std::thread::sleep(self.max.min(Duration::from_millis(1200)));
            return start.elapsed();
        };
        // Give the worker a moment to start, even when nothing seems pending.
        std::thread::sleep(Duration::from_millis(20));
        while start.elapsed() < self.max {
            match netns_objects() {
                Some(n) if n <= base + SLACK => break,
                None => break,
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        start.elapsed()
    }
}
