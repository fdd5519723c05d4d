// SPDX-License-Identifier: MIT OR Apache-2.0
//! Addresses: [`Address`], and `ip address show/add/delete` on [`IpRoute`].

use std::net::IpAddr;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::address::{AddressAttribute, AddressMessage, AddressScope};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use super::iproute::IpRoute;
use super::link::LinkRef;
use super::validate;
use crate::error::{Error, Op, Result};

/// An address as the kernel reports it (`ip address show`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Address {
    /// The index of the link it is on.
    pub index: u32,
    /// The address (`IFA_LOCAL` when present, as `ip` shows it, else `IFA_ADDRESS`).
    pub address: IpAddr,
    /// The prefix length.
    pub prefix_len: u8,
    /// The peer or destination address (`IFA_ADDRESS`) when it differs from the local one.
    pub peer: Option<IpAddr>,
    /// The label (`IFA_LABEL`, IPv4 only).
    pub label: Option<String>,
    /// The scope (`global`, `link`, `host`…).
    pub scope: AddressScope,
    /// The whole message.
    pub message: AddressMessage,
}

impl Address {
    /// Extracts the fields of an `RTM_NEWADDR` message; `None` if it has no address.
    pub fn from_message(message: AddressMessage) -> Option<Address> {
        let mut local = None;
        let mut address = None;
        let mut label = None;
        for attr in &message.attributes {
            match attr {
                AddressAttribute::Local(ip) => local = Some(*ip),
                AddressAttribute::Address(ip) => address = Some(*ip),
                AddressAttribute::Label(l) => label = Some(l.clone()),
                _ => {}
            }
        }
        let shown = local.or(address)?;
        Some(Address {
            index: message.header.index,
            address: shown,
            prefix_len: message.header.prefix_len,
            peer: address.filter(|a| *a != shown),
            label,
            scope: message.header.scope,
            message,
        })
    }
}

fn family(ip: &IpAddr) -> AddressFamily {
    match ip {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    }
}

impl IpRoute {
    /// Every address of the namespace, IPv4 and IPv6. Equivalent to `ip address show`.
    pub fn addr_list(&mut self) -> Result<Vec<Address>> {
        let request = RouteNetlinkMessage::GetAddress(AddressMessage::default());
        let mut all = Vec::new();
        for m in self.socket().dump(request)? {
            match m {
                RouteNetlinkMessage::NewAddress(m) => all.extend(Address::from_message(m)),
                _ => return Err(Error::errno(Op::Netlink, rustix::io::Errno::BADMSG)),
            }
        }
        Ok(all)
    }

    /// The addresses of one link. Equivalent to `ip address show dev DEV`.
    pub fn addr_list_dev(&mut self, link: impl Into<LinkRef>) -> Result<Vec<Address>> {
        let index = self.link_index(link)?;
        let mut all = self.addr_list()?;
        all.retain(|a| a.index == index);
        Ok(all)
    }

    fn addr_message(
        &mut self,
        link: impl Into<LinkRef>,
        address: IpAddr,
        prefix_len: u8,
    ) -> Result<AddressMessage> {
        validate::prefix(address, prefix_len)?;
        let mut m = AddressMessage::default();
        m.header.family = family(&address);
        m.header.prefix_len = prefix_len;
        m.header.index = self.link_index(link)?;
        m.attributes.push(AddressAttribute::Local(address));
        m.attributes.push(AddressAttribute::Address(address));
        Ok(m)
    }

    /// Adds `address/prefix_len` to a link. Equivalent to
    /// `ip address add ADDRESS/PREFIX dev DEV` (IPv4 or IPv6; IPv6 addresses go through
    /// duplicate address detection and are `tentative` for a moment, as with `ip`).
    pub fn addr_add(
        &mut self,
        link: impl Into<LinkRef>,
        address: IpAddr,
        prefix_len: u8,
    ) -> Result<()> {
        let m = self.addr_message(link, address, prefix_len)?;
        self.socket().ack(
            RouteNetlinkMessage::NewAddress(m),
            NLM_F_CREATE | NLM_F_EXCL,
        )
    }

    /// Removes `address/prefix_len` from a link. Equivalent to
    /// `ip address delete ADDRESS/PREFIX dev DEV`.
    pub fn addr_del(
        &mut self,
        link: impl Into<LinkRef>,
        address: IpAddr,
        prefix_len: u8,
    ) -> Result<()> {
        let m = self.addr_message(link, address, prefix_len)?;
        self.socket().ack(RouteNetlinkMessage::DelAddress(m), 0)
    }
}
