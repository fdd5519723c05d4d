// SPDX-License-Identifier: MIT OR Apache-2.0
//! The lab's own link group in the host: every host interface a lab makes (bridges, veth ends)
//! is created in a group no other link of the host is in, recorded, so that `down` removes them
//! all with one `ip link delete group N` (one request, one kernel batch) instead of one request
//! per interface (each waiting for its own RCU grace period, ~25 ms).
//!
//! Identity first: `down` deletes the group in one request only if every link in it is one the
//! lab made (named in its record, and marked with its alias or the peer of a veth in one of its
//! namespaces). If anything else has joined the group, the lab's interfaces are deleted one by
//! one and the rest is left alone.

use std::collections::HashSet;

use netnest::netlink::Link;
use netnest::IpRoute;

/// The first group tried for a lab: groups below are left to people (`/etc/iproute2/group`
/// names small numbers).
const FIRST: u32 = 0x4e4e_0000;

/// A group for a new lab called `lab`: derived from its name and this process, moved on until
/// no link of the host is in it.
pub(crate) fn choose(lab: &str, host: &mut IpRoute) -> netnest::Result<u32> {
    let taken: HashSet<u32> = host.link_list()?.iter().map(Link::group).collect();
    // FNV-1a of the name and the pid: labs built side by side start far apart.
    let mut h: u32 = 0x811c_9dc5;
    for b in lab.bytes().chain(std::process::id().to_ne_bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    let mut group = FIRST | (h & 0xffff);
    while taken.contains(&group) || group == 0 {
        group = FIRST | (group.wrapping_add(1) & 0xffff);
    }
    Ok(group)
}
