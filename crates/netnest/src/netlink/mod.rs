// SPDX-License-Identifier: MIT OR Apache-2.0
//! A small synchronous route-netlink client, and what is built on it: nsids, and links,
//! addresses and routes inside any namespace ([`IpRoute`]).
//!
//! # What it does
//!
//! * [`Socket`]: a `NETLINK_ROUTE` socket opened in the calling thread's namespace or inside any
//!   [`NetNs`](crate::NetNs) (created on a short-lived thread by [`crate::socket`], then usable
//!   from any thread). Sequence numbers are checked, multipart dumps collected, `NLM_F_DUMP_INTR`
//!   reported, and error replies keep the kernel's extended ACK ([`KernelError`], reachable from
//!   [`crate::Error::kernel_error`]), which the upstream crates drop. [`Socket::batch`] sends
//!   many requests in one datagram.
//! * nsids ([`Socket::nsid_of`], [`Socket::nsids_of`], [`Socket::set_nsid`],
//!   [`Socket::nsid_lookup`], [`Socket::nsid_dump`], [`NsidMonitor`]): `ip netns set`,
//!   `ip netns list-id`, `ip monitor nsid`.
//! * [`IpRoute`]: what pyroute2's `IPRoute(netns=…)` / `NetNS(…)` offer, typed: links
//!   ([`Link`]), addresses ([`Address`]) and routes ([`Route`]) in one namespace, with methods
//!   named after `ip link`, `ip address` and `ip route`.
//! * Traffic control ([`IpRoute::qdisc_add`], [`Tbf`], [`Netem`], [`netem_available`]) and
//!   link groups ([`IpRoute::link_del_group`]: many links removed in one request).
//! * With the `tokio` feature, `netlink::tokio::{connection, handle}`: an
//!   [`rtnetlink::Handle`](https://docs.rs/rtnetlink) for any namespace.
//!
//! Messages are `netlink-packet-route`'s types; the socket loop and the extended-ACK parsing are
//! ours.
//!
//! # What it does not do
//!
//! It never calls `setns` (only [`crate::socket`] does, on its own thread), keeps no global
//! socket, and does not print: turning a [`KernelError`] into `Error: <msg>.` or
//! `RTNETLINK answers: <strerror>` is the command's job.

mod addr;
mod batch;
mod captured;
mod events;
#[doc(hidden)]
pub mod fuzz;
mod iproute;
mod link;
mod link_add;
mod link_group;
mod monitor;
mod netns_ref;
mod nsid;
mod nsid_batch;
mod options;
mod request;
mod route;
mod socket;
mod sys;
mod tc;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
mod validate;
mod wire;

pub use crate::error::{ErrorSite, KernelError};
pub use addr::Address;
pub use batch::Replies;
pub use events::{Event, Events, Group};
pub use iproute::IpRoute;
pub use link::{Link, LinkRef, OperState};
pub use link_add::MacVlanMode;
pub use link_group::DEFAULT_GROUP;
pub use monitor::{NsidEvent, NsidMonitor};
pub use netns_ref::NetNsRef;
pub use nsid::NsidRecord;
pub use options::{SocketOptions, DEFAULT_RCVBUF, DEFAULT_SNDBUF};
pub use route::{Route, RouteSpec};
pub use socket::Socket;
pub use tc::{netem_available, qdisc_request, Netem, Qdisc, QdiscInfo, QdiscParent, Tbf};

/// The message crates this module speaks, re-exported for raw access ([`Socket::request`]).
///
/// `netlink-packet-core` and `netlink-packet-route` are 0.x crates: their types appear in the
/// raw-access methods ([`Socket::request`], [`IpRoute::link_add_message`], the `message` fields
/// of [`Link`], [`Address`], [`Route`]) and in [`OperState`] and [`MacVlanMode`], so a new
/// release of theirs can mean a new release of netnest. The typed methods ([`IpRoute`]'s
/// `link_*`, `addr_*`, `route_*`, [`Events`], nsids) take and return netnest's own types or
/// std's.
pub use netlink_packet_core as core;
/// The route-netlink message types ([`Socket::request`] takes and returns them); a 0.x crate (see
/// [`core`]).
pub use netlink_packet_route as route_messages;
