// SPDX-License-Identifier: MIT OR Apache-2.0
//! Link groups (`IFLA_GROUP`): `ip link set DEV group N`, `ip link show group N` and
//! `ip link delete group N`, which removes every link of the group in one request and one kernel
//! batch (one RCU grace period for all, where deleting them one by one waits for one each).

use netlink_packet_route::link::{LinkAttribute, LinkMessage};
use netlink_packet_route::RouteNetlinkMessage;

use super::iproute::IpRoute;
use super::link::{Link, LinkRef};
use crate::error::Result;

/// The group every link is in unless told otherwise (`default` in `/etc/iproute2/group`).
/// [`IpRoute::link_del_group`] refuses it.
pub const DEFAULT_GROUP: u32 = 0;

impl Link {
    /// The link's group (`IFLA_GROUP`), 0 unless set.
    pub fn group(&self) -> u32 {
        self.message
            .attributes
            .iter()
            .find_map(|a| match a {
                LinkAttribute::Group(g) => Some(*g),
                _ => None,
            })
            .unwrap_or(DEFAULT_GROUP)
    }
}

impl IpRoute {
    /// Puts a link in group `group`. Equivalent to `ip link set DEV group N`.
    pub fn link_set_group(&mut self, link: impl Into<LinkRef>, group: u32) -> Result<()> {
        let mut m = link.into().message()?;
        m.attributes.push(LinkAttribute::Group(group));
        self.socket().ack(RouteNetlinkMessage::NewLink(m), 0)
    }

    /// The links of group `group`. Equivalent to `ip link show group N`.
    pub fn link_list_group(&mut self, group: u32) -> Result<Vec<Link>> {
        Ok(self
            .link_list()?
            .into_iter()
            .filter(|l| l.group() == group)
            .collect())
    }

    /// Deletes every link of group `group` in one request (for a veth, both ends, wherever the
    /// peer is). Equivalent to `ip link delete group N`. Group 0, where every link starts, is
    /// refused with `EINVAL` before anything is sent. An empty group is no error.
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// let mut ipr = netnest::IpRoute::in_netns(&ns)?;
    /// ipr.link_add_bridge("br0")?;
    /// ipr.link_set_group("br0", 77)?;
    /// ipr.link_del_group(77)?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "ip link delete group")]
    pub fn link_del_group(&mut self, group: u32) -> Result<()> {
        if group == DEFAULT_GROUP {
            return Err(crate::error::Error::errno(
                crate::error::Op::Netlink,
                rustix::io::Errno::INVAL,
            ));
        }
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::Group(group));
        match self.socket().ack(RouteNetlinkMessage::DelLink(m), 0) {
            // The kernel answers ENODEV when no link is in the group.
            Err(e) if e.raw_os_error() == Some(libc::ENODEV) => Ok(()),
            other => other,
        }
    }
}
