//! Rough timings of what `ip netns list` costs per namespace: opening a netlink socket inside a
//! namespace (pyroute2's `IPRoute(netns=…)`, which forks), and looking up the nsids of many
//! namespaces (`ip netns list`'s ` (id: N)`, two round trips per name in iproute2) in one
//! pipelined batch.
//!
//! Only anonymous namespaces are made, and the nsid table used is a private namespace's, so it
//! needs root but no sandbox:
//!
//! ```text
//! cargo run --release -p netnest --example nsid_timing -- 1000
//! ```

use std::os::fd::AsFd;
use std::time::Instant;

use netnest::netlink::{Socket, SocketOptions};
use netnest::NetNs;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(1000), |a| a.parse())?;
    let home = NetNs::new()?;

    const OPENS: u32 = 200;
    let started = Instant::now();
    for _ in 0..OPENS {
        drop(Socket::open_in(&home)?);
    }
    println!(
        "open a netlink socket inside a namespace: {:?} each",
        started.elapsed() / OPENS
    );
    let started = Instant::now();
    for _ in 0..OPENS {
        drop(Socket::open()?);
    }
    println!(
        "open one in the current namespace:        {:?} each",
        started.elapsed() / OPENS
    );

    let peers: Vec<NetNs> = (0..n).map(|_| NetNs::new()).collect::<Result<_, _>>()?;
    let mut sock = SocketOptions::new().strict_check(true).open_in(&home)?;
    for (i, ns) in peers.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        sock.set_nsid(ns, Some(i as i32))?;
    }

    for round in 0..3 {
        let started = Instant::now();
        for ns in &peers {
            sock.nsid_of(ns)?;
        }
        let single = started.elapsed();
        let started = Instant::now();
        let ids = sock.nsids_of(peers.iter().map(|ns| ns.as_fd()))?;
        let batch = started.elapsed();
        let assigned = ids.iter().filter(|r| matches!(r, Ok(Some(_)))).count();
        println!(
            "round {round}: {n} nsid lookups ({assigned} assigned): pipelined {batch:?}, \
             one by one {single:?}"
        );
    }
    Ok(())
}
