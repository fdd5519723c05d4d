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
    ::tokio::runtime::Handle::try_current().map_err(|_| no_runtime())?;
    let fd = crate::socket(ns, AddressFamily::NETLINK, SocketType::RAW, None)?;
    let socket = super::sys::tokio_socket(fd);
    Ok(rtnetlink::from_socket(socket))
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
