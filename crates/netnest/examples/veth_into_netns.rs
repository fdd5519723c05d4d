// SPDX-License-Identifier: MIT OR Apache-2.0
//! Create a veth pair and move the peer into a namespace (pyroute2's netns guide, first recipe).
//!
//! The same as:
//!
//! ```text
//! ip netns add test
//! ip link add v0p0 type veth peer name v0p1
//! ip link set v0p1 netns test
//! ip -n test link show
//! ```
//!
//! or, in pyroute2, `netns.create('test')`, `ipr.link('add', ifname='v0p0', kind='veth',
//! peer='v0p1')`, `ipr.link('set', index=idx, net_ns_fd='test')`.
//!
//! It also shows the faster way: creating the peer directly inside the namespace
//! (`ip link add v1p0 type veth peer name v1p1 netns test`), and cleans up after itself.
//! It changes the current namespace's links and `/run/netns`, so run it in a sandbox:
//!
//! ```text
//! cargo build -p netnest --example veth_into_netns
//! sudo unshare -m -n --propagation private sh -c \
//!     'mount -t tmpfs none /run && target/debug/examples/veth_into_netns'
//! ```

use std::time::Instant;

use netnest::netlink::NetNsRef;
use netnest::{CreateMode, IpRoute, Name, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::default();
    let test = Name::new("test")?;
    // ip netns add test
    let ns = registry.create(&test, CreateMode::CreateNew)?;
    let mut here = IpRoute::new()?;
    let mut inside = IpRoute::in_netns(&ns)?;

    // ip link add v0p0 type veth peer name v0p1; ip link set v0p1 netns test
    let started = Instant::now();
    here.link_add_veth("v0p0", "v0p1", None)?;
    here.link_set_netns(
        "v0p1",
        NetNsRef::Named {
            registry: &registry,
            name: &test,
        },
    )?;
    println!("create + move:  {:?}", started.elapsed());

    // ip link add v1p0 type veth peer name v1p1 netns test
    let started = Instant::now();
    here.link_add_veth("v1p0", "v1p1", Some((&ns).into()))?;
    println!("create inside:  {:?}", started.elapsed());

    // ip -n test link show
    for link in inside.link_list()? {
        println!(
            "{}: {} kind={} up={} state={:?}",
            link.index,
            link.name,
            link.kind.as_deref().unwrap_or("-"),
            link.up,
            link.state
        );
    }

    // ip link delete v0p0; ip link delete v1p0; ip netns delete test
    here.link_del("v0p0")?;
    here.link_del("v1p0")?;
    registry.delete(&test)?;
    Ok(())
}
