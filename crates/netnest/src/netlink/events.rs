// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Events`]: link, address and route events (`ip monitor link address route`), what pyroute2's
//! `IPRoute.bind()` gives, typed.

use std::collections::VecDeque;

use netlink_packet_route::RouteNetlinkMessage;

use super::addr::Address;
use super::link::Link;
use super::options::SocketOptions;
use super::route::Route;
use super::socket::{decode, Socket};
use crate::error::Result;
use crate::netns::NetNs;

/// A multicast group of route netlink to subscribe to (`RTNLGRP_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Group {
    /// `RTNLGRP_LINK`: links made, changed, removed.
    Link,
    /// `RTNLGRP_IPV4_IFADDR`: IPv4 addresses.
    Ipv4Address,
    /// `RTNLGRP_IPV6_IFADDR`: IPv6 addresses.
    Ipv6Address,
    /// `RTNLGRP_IPV4_ROUTE`: IPv4 routes.
    Ipv4Route,
    /// `RTNLGRP_IPV6_ROUTE`: IPv6 routes.
    Ipv6Route,
}

impl Group {
    /// Links, addresses and routes, IPv4 and IPv6: what `ip monitor` shows by default.
    pub const ALL: [Group; 5] = [
        Group::Link,
        Group::Ipv4Address,
        Group::Ipv6Address,
        Group::Ipv4Route,
        Group::Ipv6Route,
    ];

    /// The group's number (`RTNLGRP_*` in `<linux/rtnetlink.h>`).
    pub fn number(self) -> u32 {
        match self {
            Group::Link => 1,
            Group::Ipv4Address => 5,
            Group::Ipv4Route => 7,
            Group::Ipv6Address => 9,
            Group::Ipv6Route => 11,
        }
    }
}

/// One change the kernel announced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// `RTM_NEWLINK`: a link was made or changed.
    NewLink(Link),
    /// `RTM_DELLINK`: a link was removed.
    DelLink(Link),
    /// `RTM_NEWADDR`.
    NewAddress(Address),
    /// `RTM_DELADDR`.
    DelAddress(Address),
    /// `RTM_NEWROUTE`.
    NewRoute(Route),
    /// `RTM_DELROUTE`.
    DelRoute(Route),
}

/// A subscription to link, address and route events of one namespace: a blocking iterator.
///
/// Each `next()` waits for the next event. If the kernel had to drop events because they were
/// not read fast enough, `next()` yields an `ENOBUFS` error once, and goes on with later events.
/// To wait with a time-out or in a poll loop, use [`Events::socket`] (it is an `AsFd`).
///
/// ```no_run
/// use netnest::netlink::{Events, Group};
/// let ns = netnest::NetNs::new()?;
/// for event in Events::open_in(&ns, &Group::ALL)? {
///     println!("{:?}", event?);
/// }
/// # Ok::<(), netnest::Error>(())
/// ```
#[derive(Debug)]
#[doc(alias = "bind", alias = "ip monitor")]
pub struct Events {
    socket: Socket,
    queue: VecDeque<Event>,
}

impl Events {
    /// Subscribes to `groups` in the calling thread's namespace.
    pub fn open(groups: &[Group]) -> Result<Events> {
        Events::on(SocketOptions::new().open()?, groups)
    }

    /// Subscribes to `groups` in `ns`.
    pub fn open_in(ns: &NetNs, groups: &[Group]) -> Result<Events> {
        Events::on(SocketOptions::new().open_in(ns)?, groups)
    }

    /// Subscribes `socket` to `groups`; it should not be used for requests any more.
    pub fn on(socket: Socket, groups: &[Group]) -> Result<Events> {
        for group in groups {
            socket.add_membership(group.number())?;
        }
        Ok(Events {
            socket,
            queue: VecDeque::new(),
        })
    }

    /// Waits for the next event.
    pub fn next_event(&mut self) -> Result<Event> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(event);
            }
            let queue = &mut self.queue;
            self.socket.recv_each(|header, payload| {
                let event = match decode(header, payload) {
                    Ok(RouteNetlinkMessage::NewLink(m)) => {
                        Some(Event::NewLink(Link::from_message(m)))
                    }
                    Ok(RouteNetlinkMessage::DelLink(m)) => {
                        Some(Event::DelLink(Link::from_message(m)))
                    }
                    Ok(RouteNetlinkMessage::NewAddress(m)) => {
                        Address::from_message(m).map(Event::NewAddress)
                    }
                    Ok(RouteNetlinkMessage::DelAddress(m)) => {
                        Address::from_message(m).map(Event::DelAddress)
                    }
                    Ok(RouteNetlinkMessage::NewRoute(m)) => {
                        Some(Event::NewRoute(Route::from_message(m)))
                    }
                    Ok(RouteNetlinkMessage::DelRoute(m)) => {
                        Some(Event::DelRoute(Route::from_message(m)))
                    }
                    // Other messages (and kinds this crate cannot decode) are not events asked for.
                    _ => None,
                };
                queue.extend(event);
                Ok(())
            })?;
        }
    }

    /// The socket, e.g. to poll it for readability before calling [`Events::next_event`].
    pub fn socket(&self) -> &Socket {
        &self.socket
    }
}

impl Iterator for Events {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        Some(self.next_event())
    }
}
