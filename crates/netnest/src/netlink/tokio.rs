// SPDX-License-Identifier: MIT OR Apache-2.0
//! An [`rtnetlink`] connection for any namespace (the `tokio` feature).
//!
//! The socket is opened inside the namespace by [`crate::socket`] on a short-lived thread, then
//! handed to `rtnetlink::from_socket`: no runtime thread ever calls `setns`, and every request
//! made through the returned [`rtnetlink::Handle`], from any task on any worker, acts in that
//! namespace. (Never `setns` on a runtime worker or in `spawn_blocking`: those threads are reused
//! and would stay in the namespace.)

use std::io;

use netlink_packet_core::NetlinkMessage;
use netlink_packet_route::RouteNetlinkMessage;
use rustix::net::{AddressFamily, SocketType};

use crate::error::{Error, Op, Result};
use crate::netlink::Group;
use crate::netns::NetNs;

/// The connection future: it drives the socket, and must be spawned (or polled) for the handle
/// to get answers.
pub type Connection = rtnetlink::proto::Connection<RouteNetlinkMessage, netlink_sys::TokioSocket>;

/// Messages the kernel sends unasked (multicast notifications, if the socket joins groups).
pub type Messages = futures_channel::mpsc::UnboundedReceiver<(
    NetlinkMessage<RouteNetlinkMessage>,
    netlink_sys::SocketAddr,
)>;

fn no_runtime() -> Error {
    Error::new(
        Op::Netlink,
        None,
        io::Error::other("netnest::netlink::tokio needs a current tokio runtime"),
    )
}

/// The parts of an rtnetlink connection inside `ns`, as `rtnetlink::new_connection()` returns
/// them for the current namespace. Must be called from within a tokio runtime (the socket is
/// registered with its reactor); spawn the [`Connection`] on it.
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// let ns = netnest::NetNs::new()?;
/// let (connection, handle, _messages) = netnest::netlink::tokio::connection(&ns)?;
/// tokio::spawn(connection);
/// handle.link().set(rtnetlink::LinkUnspec::new_with_name("lo").up().build()).execute().await?;
/// # Ok(()) }
/// ```
pub fn connection(ns: &NetNs) -> Result<(Connection, rtnetlink::Handle, Messages)> {
    connection_with_groups(ns, &[])
}

/// [`connection`], its socket bound and subscribed to the multicast `groups` (links, addresses,
/// routes: the same [`Group`]s as the blocking [`Events`](crate::netlink::Events)) before it is
/// handed to rtnetlink. The kernel's notifications of changes in `ns` then arrive on the
/// returned [`Messages`] receiver, while the handle keeps serving requests. Nothing is left to
/// bind by hand.
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use futures_util::StreamExt;
/// use netnest::netlink::Group;
/// let ns = netnest::NetNs::new()?;
/// let (connection, handle, mut messages) =
///     netnest::netlink::tokio::connection_with_groups(&ns, &[Group::Link])?;
/// tokio::spawn(connection);
/// handle.link().add(rtnetlink::LinkBridge::new("br0").build()).execute().await?;
/// let (message, _from) = messages.next().await.expect("the connection is running");
/// println!("{message:?}");
/// # Ok(()) }
/// ```
#[doc(alias = "bind")]
pub fn connection_with_groups(
    ns: &NetNs,
    groups: &[Group],
) -> Result<(Connection, rtnetlink::Handle, Messages)> {
    ::tokio::runtime::Handle::try_current().map_err(|_| no_runtime())?;
    let fd = crate::socket(ns, AddressFamily::NETLINK, SocketType::RAW, None)?;
    let any = rustix::net::netlink::SocketAddrNetlink::new(0, 0);
    rustix::net::bind(&fd, &any).map_err(|e| Error::errno(Op::Netlink, e))?;
    for group in groups {
        let number = libc_int(group.number());
        super::sys::set_netlink_option(
            std::os::fd::AsFd::as_fd(&fd),
            super::sys::NETLINK_ADD_MEMBERSHIP,
            number,
        )
        .map_err(|e| Error::new(Op::Netlink, None, e))?;
    }
    let socket = super::sys::tokio_socket(fd);
    Ok(rtnetlink::from_socket(socket))
}

/// A group number as `setsockopt` takes it (they are all below 64).
fn libc_int(group: u32) -> i32 {
    i32::try_from(group).unwrap_or(i32::MAX)
}

/// An [`rtnetlink::Handle`] for `ns`, its connection spawned on the current tokio runtime (the
/// task ends when every clone of the handle is dropped). The handle is `Clone + Send`: use it
/// from as many tasks as you like.
///
/// The kernel runs one dump at a time per socket and rtnetlink does not queue them: two tasks
/// dumping (`link().get().execute()`…) at the same time through clones of one handle get
/// `EBUSY`. Let them take turns, or give each concurrent dumper its own handle (opening one is
/// cheap: a short-lived thread and a few system calls). Plain requests may overlap freely.
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use futures_util::TryStreamExt;
/// let ns = netnest::NetNs::new()?;
/// let handle = netnest::netlink::tokio::handle(&ns)?;
/// let mut links = handle.link().get().execute();
/// while let Some(link) = links.try_next().await? {
///     println!("{}", link.header.index);
/// }
/// # Ok(()) }
/// ```
pub fn handle(ns: &NetNs) -> Result<rtnetlink::Handle> {
    let (connection, handle, _messages) = connection(ns)?;
    ::tokio::spawn(connection);
    Ok(handle)
}
