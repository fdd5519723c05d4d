// SPDX-License-Identifier: MIT OR Apache-2.0
//! Links: [`Link`], and `ip link show/set/delete` on [`IpRoute`].

use netlink_packet_route::link::{
    InfoKind, LinkAttribute, LinkFlags, LinkInfo, LinkMessage, Prop, State,
};
use netlink_packet_route::RouteNetlinkMessage;

use super::iproute::IpRoute;
use super::netns_ref::NetNsRef;
use super::validate;
use crate::error::{Error, Op, Result};

/// The operational state of a link (`IFLA_OPERSTATE`: `UP`, `DOWN`, `LOWERLAYERDOWN`,
/// `UNKNOWN`…), as `ip link` shows it after `state`.
pub use netlink_packet_route::link::State as OperState;

/// A link as the kernel reports it (`ip link show`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Link {
    /// The interface index.
    pub index: u32,
    /// The name (`IFLA_IFNAME`).
    pub name: String,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// The `IFF_*` flags.
    pub flags: LinkFlags,
    /// Administratively up (`IFF_UP`).
    pub up: bool,
    /// The operational state (`IFLA_OPERSTATE`).
    pub state: OperState,
    /// The index of the bridge (or other controller) this link is enslaved to (`IFLA_MASTER`).
    pub master: Option<u32>,
    /// The link-layer address (`IFLA_ADDRESS`), six bytes for Ethernet.
    pub mac: Option<Vec<u8>>,
    /// The kind (`IFLA_INFO_KIND`): `veth`, `bridge`, `macvlan`…; `None` for `lo` and physical
    /// devices.
    pub kind: Option<String>,
    /// `IFLA_LINK`: the peer of a veth, the parent of a macvlan (an index in `link_netnsid`'s
    /// namespace when that is set).
    pub link: Option<u32>,
    /// `IFLA_LINK_NETNSID`: the nsid of the namespace holding [`Link::link`], if not this one.
    pub link_netnsid: Option<i32>,
    /// The alternative names (`IFLA_PROP_LIST` / `IFLA_ALT_IFNAME`), as `ip link` shows them
    /// after `altname`.
    pub altnames: Vec<String>,
    /// The whole message, for anything not extracted above.
    pub message: LinkMessage,
}

impl Link {
    /// Extracts the fields of an `RTM_NEWLINK` message.
    pub fn from_message(message: LinkMessage) -> Link {
        let mut link = Link {
            index: message.header.index,
            name: String::new(),
            mtu: None,
            flags: message.header.flags,
            up: message.header.flags.contains(LinkFlags::Up),
            state: State::Unknown,
            master: None,
            mac: None,
            kind: None,
            link: None,
            link_netnsid: None,
            altnames: Vec::new(),
            message: LinkMessage::default(),
        };
        for attr in &message.attributes {
            match attr {
                LinkAttribute::IfName(name) => link.name = name.clone(),
                LinkAttribute::Mtu(mtu) => link.mtu = Some(*mtu),
                LinkAttribute::OperState(state) => link.state = *state,
                LinkAttribute::Controller(master) => link.master = Some(*master),
                LinkAttribute::Address(mac) => link.mac = Some(mac.clone()),
                LinkAttribute::Link(index) => link.link = Some(*index),
                LinkAttribute::LinkNetNsId(id) => link.link_netnsid = Some(*id),
                LinkAttribute::PropList(props) => {
                    link.altnames.extend(props.iter().filter_map(|p| match p {
                        Prop::AltIfName(name) => Some(name.clone()),
                        _ => None,
                    }))
                }
                LinkAttribute::LinkInfo(infos) => {
                    for info in infos {
                        if let LinkInfo::Kind(kind) = info {
                            link.kind = Some(kind_name(kind));
                        }
                    }
                }
                _ => {}
            }
        }
        link.message = message;
        link
    }
}

/// The kernel's name of a link kind (`IFLA_INFO_KIND`).
fn kind_name(kind: &InfoKind) -> String {
    match kind {
        InfoKind::Other(name) => name.clone(),
        known => known.to_string(),
    }
}

/// A link named by index or by name, as `ip link … dev DEV` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkRef {
    /// By interface index.
    Index(u32),
    /// By name.
    Name(String),
}

impl From<u32> for LinkRef {
    fn from(index: u32) -> LinkRef {
        LinkRef::Index(index)
    }
}

impl From<&str> for LinkRef {
    fn from(name: &str) -> LinkRef {
        LinkRef::Name(name.to_owned())
    }
}

impl From<String> for LinkRef {
    fn from(name: String) -> LinkRef {
        LinkRef::Name(name)
    }
}

impl From<&Link> for LinkRef {
    fn from(link: &Link) -> LinkRef {
        LinkRef::Index(link.index)
    }
}

impl LinkRef {
    /// A link message that designates this link: the index, or `IFLA_IFNAME` with index 0. A
    /// name is checked first (the kernel would cut it at a NUL byte and find another link).
    pub(crate) fn message(&self) -> Result<LinkMessage> {
        let mut m = LinkMessage::default();
        match self {
            LinkRef::Index(index) => m.header.index = *index,
            LinkRef::Name(name) => {
                validate::ifname(name)?;
                m.attributes.push(LinkAttribute::IfName(name.clone()))
            }
        }
        Ok(m)
    }
}

fn not_a_link() -> Error {
    Error::errno(Op::Netlink, rustix::io::Errno::BADMSG)
}

impl IpRoute {
    /// Every link of the namespace. Equivalent to `ip link show`.
    #[doc(alias = "ip link show", alias = "dump")]
    pub fn link_list(&mut self) -> Result<Vec<Link>> {
        let request = RouteNetlinkMessage::GetLink(LinkMessage::default());
        self.socket()
            .dump(request)?
            .into_iter()
            .map(|m| match m {
                RouteNetlinkMessage::NewLink(m) => Ok(Link::from_message(m)),
                _ => Err(not_a_link()),
            })
            .collect()
    }

    /// One link, by index or name. Equivalent to `ip link show dev DEV`; a missing link fails
    /// with `ENODEV`.
    pub fn link_get(&mut self, link: impl Into<LinkRef>) -> Result<Link> {
        let request = RouteNetlinkMessage::GetLink(link.into().message()?);
        match self.socket().get(request)? {
            RouteNetlinkMessage::NewLink(m) => Ok(Link::from_message(m)),
            _ => Err(not_a_link()),
        }
    }

    /// The index of a link (no request when it is already an index).
    pub fn link_index(&mut self, link: impl Into<LinkRef>) -> Result<u32> {
        match link.into() {
            LinkRef::Index(index) => Ok(index),
            name => Ok(self.link_get(name)?.index),
        }
    }

    /// Sends `RTM_NEWLINK` (no create flags: a change) for `link` with `edit` applied.
    fn link_change(
        &mut self,
        link: impl Into<LinkRef>,
        edit: impl FnOnce(&mut LinkMessage),
    ) -> Result<()> {
        let mut m = link.into().message()?;
        edit(&mut m);
        self.socket().ack(RouteNetlinkMessage::NewLink(m), 0)
    }

    /// Brings a link up. Equivalent to `ip link set DEV up`.
    pub fn link_set_up(&mut self, link: impl Into<LinkRef>) -> Result<()> {
        self.link_change(link, |m| {
            m.header.flags = LinkFlags::Up;
            m.header.change_mask = LinkFlags::Up;
        })
    }

    /// Brings a link down. Equivalent to `ip link set DEV down`.
    pub fn link_set_down(&mut self, link: impl Into<LinkRef>) -> Result<()> {
        self.link_change(link, |m| {
            m.header.flags = LinkFlags::empty();
            m.header.change_mask = LinkFlags::Up;
        })
    }

    /// Sets the MTU. Equivalent to `ip link set DEV mtu MTU`.
    pub fn link_set_mtu(&mut self, link: impl Into<LinkRef>, mtu: u32) -> Result<()> {
        self.link_change(link, |m| m.attributes.push(LinkAttribute::Mtu(mtu)))
    }

    /// Renames a link (it must be down). Equivalent to `ip link set DEV name NEW`.
    pub fn link_set_name(&mut self, link: impl Into<LinkRef>, name: &str) -> Result<()> {
        validate::ifname(name)?;
        let index = self.link_index(link)?;
        self.link_change(index, |m| {
            m.attributes.push(LinkAttribute::IfName(name.into()))
        })
    }

    /// Gives a link an alternative name (up to 127 bytes). Equivalent to
    /// `ip link property add dev DEV altname NAME`.
    pub fn link_add_altname(&mut self, link: impl Into<LinkRef>, altname: &str) -> Result<()> {
        let m = self.altname_message(link, altname)?;
        self.socket().ack(
            RouteNetlinkMessage::NewLinkProp(m),
            netlink_packet_core::NLM_F_CREATE | netlink_packet_core::NLM_F_EXCL,
        )
    }

    /// Removes an alternative name. Equivalent to `ip link property del dev DEV altname NAME`.
    pub fn link_del_altname(&mut self, link: impl Into<LinkRef>, altname: &str) -> Result<()> {
        let m = self.altname_message(link, altname)?;
        self.socket().ack(RouteNetlinkMessage::DelLinkProp(m), 0)
    }

    fn altname_message(&mut self, link: impl Into<LinkRef>, altname: &str) -> Result<LinkMessage> {
        validate::altname(altname)?;
        let mut m = LinkMessage::default();
        m.header.index = self.link_index(link)?;
        m.attributes
            .push(LinkAttribute::PropList(vec![Prop::AltIfName(
                altname.to_owned(),
            )]));
        Ok(m)
    }

    /// Enslaves a link to a bridge. Equivalent to `ip link set DEV master MASTER`.
    pub fn link_set_master(
        &mut self,
        link: impl Into<LinkRef>,
        master: impl Into<LinkRef>,
    ) -> Result<()> {
        let master = self.link_index(master)?;
        self.link_change(link, |m| {
            m.attributes.push(LinkAttribute::Controller(master))
        })
    }

    /// Releases a link from its bridge. Equivalent to `ip link set DEV nomaster`.
    pub fn link_set_nomaster(&mut self, link: impl Into<LinkRef>) -> Result<()> {
        self.link_change(link, |m| m.attributes.push(LinkAttribute::Controller(0)))
    }

    /// Moves a link into another namespace, given by handle, pid or name. Equivalent to
    /// `ip link set DEV netns NS` (pyroute2's `link('set', index=…, net_ns_fd=…/net_ns_pid=…)`).
    ///
    /// Moving costs the kernel far more (milliseconds) than creating a veth's peer directly in
    /// the other namespace ([`IpRoute::link_add_veth`] with `peer_netns`).
    #[doc(alias = "net_ns_fd", alias = "net_ns_pid")]
    pub fn link_set_netns(&mut self, link: impl Into<LinkRef>, netns: NetNsRef<'_>) -> Result<()> {
        let target = netns.resolve()?;
        let attr = target.attribute();
        self.link_change(link, |m| m.attributes.push(attr))
    }

    /// Deletes a link (for a veth, both ends). Equivalent to `ip link delete DEV`.
    pub fn link_del(&mut self, link: impl Into<LinkRef>) -> Result<()> {
        let request = RouteNetlinkMessage::DelLink(link.into().message()?);
        self.socket().ack(request, 0)
    }
}
