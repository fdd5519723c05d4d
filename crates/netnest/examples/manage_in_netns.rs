// SPDX-License-Identifier: MIT OR Apache-2.0
//! Manage interfaces inside a namespace (pyroute2's netns guide: `IPRoute(netns='test')` /
//! `NetNS('test')`).
//!
//! The same as:
//!
//! ```text
//! ip netns add test                         # IPRoute(netns='test') creates it if missing
//! ip -n test link add br0 type bridge
//! ip -n test link add veth0 type veth peer name veth1
//! ip -n test link set veth1 master br0
//! ip -n test addr add 10.9.0.1/24 dev br0
//! ip -n test addr add fd00:9::1/64 dev br0
//! ip -n test link set lo up; ip -n test link set br0 up; ip -n test link set veth1 up
//! ip -n test route add default via 10.9.0.254
//! ip -n test addr show; ip -n test route show
//! ip netns delete test
//! ```
//!
//! Only the namespace `test` is touched, but it is a named one, so run it in a sandbox:
//!
//! ```text
//! cargo build -p netnest --example manage_in_netns
//! sudo unshare -m --propagation private sh -c \
//!     'mount -t tmpfs none /run && target/debug/examples/manage_in_netns'
//! ```

use netnest::netlink::RouteSpec;
use netnest::{CreateMode, IpRoute, Name, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::default();
    let test = Name::new("test")?;
    // pyroute2: IPRoute(netns='test') (flags=O_CREAT: create it if missing)
    let mut ipr = IpRoute::open(&registry, &test, CreateMode::CreateOrOpen)?;

    ipr.link_add_bridge("br0")?;
    ipr.link_add_veth("veth0", "veth1", None)?;
    ipr.link_set_master("veth1", "br0")?;
    ipr.addr_add("br0", "10.9.0.1".parse()?, 24)?;
    ipr.addr_add("br0", "fd00:9::1".parse()?, 64)?;
    for dev in ["lo", "br0", "veth1"] {
        ipr.link_set_up(dev)?;
    }
    ipr.route_add(&RouteSpec::default_v4().via("10.9.0.254".parse()?))?;

    for link in ipr.link_list()? {
        let master = link
            .master
            .map(|m| format!(" master {m}"))
            .unwrap_or_default();
        println!(
            "{}: {} mtu {:?}{master} up={}",
            link.index, link.name, link.mtu, link.up
        );
    }
    for addr in ipr.addr_list()? {
        println!("  {}/{} on {}", addr.address, addr.prefix_len, addr.index);
    }
    for route in ipr.route_list()?.into_iter().filter(|r| r.table == 254) {
        let dst = match route.destination {
            Some(d) => format!("{d}/{}", route.prefix_len),
            None => "default".to_owned(),
        };
        println!("  route {dst} via {:?} dev {:?}", route.gateway, route.oif);
    }

    drop(ipr);
    // pyroute2: NetNS('test').remove()
    registry.delete(&test)?;
    Ok(())
}
