// SPDX-License-Identifier: MIT OR Apache-2.0
//! Times each phase of `up` for a topology file, then `down`: what `ip netns add`, `ip link add …
//! type veth peer name … netns …`, `ip address add` and `ip route add` cost in a script, phase by
//! phase. Run as root, in a sandbox:
//!
//! ```text
//! unshare --mount --net -- sh -c 'mount -t tmpfs tmpfs /run && \
//!     cargo run --example phases -- examples/labs/two-hosts-router.toml'
//! ```
//!
//! (The 200-node star and chain of the benchmark are written by `netnest_bench::generate`;
//! `scripts/bench --only lab` times them against the equivalent `ip` scripts.)
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args_os()
        .nth(1)
        .ok_or("usage: phases TOPOLOGY.toml")?;
    let topology = netnest_lab::Topology::from_file(file)?;
    let start = Instant::now();
    let mut last = (None, start);
    let mut spans = Vec::new();
    let lab = topology.up_with(&netnest_lab::Options::new(), &mut |p| {
        if last.0 != Some(p.phase) {
            let now = Instant::now();
            if let Some(phase) = last.0 {
                spans.push((phase, now - last.1));
            }
            last = (Some(p.phase), now);
        }
    })?;
    let up = start.elapsed();
    let down = Instant::now();
    lab.down()?;
    for (phase, took) in spans {
        println!("{phase:?}: {took:?}");
    }
    println!("up {up:?}, down {:?}", down.elapsed());
    Ok(())
}
