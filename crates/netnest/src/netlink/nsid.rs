// SPDX-License-Identifier: MIT OR Apache-2.0
//! nsids: the numbers a namespace gives its peers (`ip netns set`, `ip netns list-id`, the
//! `(id: N)` of `ip netns list`).
//!
//! An nsid table belongs to a namespace: the table used is the one of the namespace the
//! [`Socket`] was opened in (`ip -n NAME netns list-id` is [`Socket::open_in`] then
//! [`Socket::nsid_dump`]).
//!
//! Messages are `RTM_GETNSID` (90) / `RTM_NEWNSID` (88) / `RTM_DELNSID` (89): an `rtgenmsg`
//! padded to 4 bytes, then `NETNSA_NSID` (1, s32), `NETNSA_PID` (2, u32), `NETNSA_FD` (3, u32),
//! `NETNSA_TARGET_NSID` (4, s32), `NETNSA_CURRENT_NSID` (5, s32).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::RouteNetlinkMessage;

use super::socket::Socket;
use crate::error::{Error, Op, Result};

/// A record of the nsid table, as `RTM_NEWNSID` / `RTM_DELNSID` carry it. The numbers are the
/// kernel's: `-1` means "not assigned" (printed `unassigned` by iproute2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NsidRecord {
    /// `NETNSA_NSID`: the id (in the target's table when a target was given), or `-1`.
    pub nsid: i32,
    /// `NETNSA_CURRENT_NSID`: present when the request named a target; the peer's id in the
    /// table of the socket's namespace, or `-1`.
    pub current_nsid: Option<i32>,
}

impl NsidRecord {
    /// A record with these numbers (`-1` for unassigned).
    pub fn new(nsid: i32, current_nsid: Option<i32>) -> NsidRecord {
        NsidRecord { nsid, current_nsid }
    }

    /// [`NsidRecord::nsid`], or `None` if it is not assigned.
    pub fn assigned(&self) -> Option<i32> {
        (self.nsid >= 0).then_some(self.nsid)
    }

    pub(crate) fn from_message(message: &NsidMessage) -> Option<NsidRecord> {
        let mut nsid = None;
        let mut current_nsid = None;
        for attr in &message.attributes {
            match attr {
                NsidAttribute::Id(id) => nsid = Some(*id),
                NsidAttribute::CurrentNsid(id) => current_nsid = Some(*id),
                _ => {}
            }
        }
        Some(NsidRecord {
            nsid: nsid?,
            current_nsid,
        })
    }
}

/// Builds an nsid message with `attributes`.
pub(crate) fn message(attributes: Vec<NsidAttribute>) -> NsidMessage {
    let mut m = NsidMessage::default();
    m.attributes = attributes;
    m
}

/// `RTM_GETNSID` for the namespace behind `fd` (28 bytes on the wire).
pub(crate) fn get_by_fd(fd: BorrowedFd<'_>) -> RouteNetlinkMessage {
    RouteNetlinkMessage::GetNsId(message(vec![NsidAttribute::Fd(fd.as_raw_fd() as u32)]))
}

/// `RTM_NEWNSID` assigning `nsid` (`-1`: the lowest free one) to the namespace behind `fd`.
pub(crate) fn set_by_fd(fd: BorrowedFd<'_>, nsid: i32) -> RouteNetlinkMessage {
    RouteNetlinkMessage::NewNsId(message(vec![
        NsidAttribute::Fd(fd.as_raw_fd() as u32),
        NsidAttribute::Id(nsid),
    ]))
}

/// The record in a reply, or `EBADMSG` if the reply is not one.
fn record(reply: &RouteNetlinkMessage) -> Result<NsidRecord> {
    match reply {
        RouteNetlinkMessage::NewNsId(m) | RouteNetlinkMessage::DelNsId(m) => {
            NsidRecord::from_message(m)
        }
        _ => None,
    }
    .ok_or_else(|| Error::errno(Op::Netlink, rustix::io::Errno::BADMSG))
}

impl Socket {
    /// The nsid that the socket's namespace gives the namespace `ns` (an open [`crate::NetNs`],
    /// or any nsfs fd), or `None` if it has none.
    ///
    /// What `ip netns list` shows as ` (id: N)`. A file that is not a namespace fails with
    /// `EINVAL` and the message `Peer netns reference is invalid`.
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// let mut sock = netnest::netlink::Socket::open()?;
    /// assert_eq!(sock.nsid_of(&ns)?, None);
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "RTM_GETNSID", alias = "get_netnsid", alias = "GetNetNsIdByFd")]
    pub fn nsid_of(&mut self, ns: impl AsFd) -> Result<Option<i32>> {
        let reply = self.get(get_by_fd(ns.as_fd()))?;
        Ok(record(&reply)?.assigned())
    }

    /// The nsid given to the namespace of process `pid` (`NETNSA_PID`), or `None`.
    #[doc(alias = "GetNetNsIdByPid")]
    pub fn nsid_of_pid(&mut self, pid: u32) -> Result<Option<i32>> {
        let request = RouteNetlinkMessage::GetNsId(message(vec![NsidAttribute::Pid(pid)]));
        let reply = self.get(request)?;
        Ok(record(&reply)?.assigned())
    }

    /// Gives the namespace `ns` the id `nsid` in the socket's namespace, or the lowest free id
    /// when `nsid` is `None` (`ip netns set NAME auto`).
    ///
    /// Equivalent to `ip netns set NAME NSID`. The kernel's refusals keep their extended ACK:
    /// `EEXIST` with `Peer netns already has a nsid assigned` or
    /// `The specified nsid is already used`, `EINVAL` with `Peer netns reference is invalid`.
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// let mut sock = netnest::netlink::SocketOptions::new().strict_check(true).open()?;
    /// sock.set_nsid(&ns, Some(7))?;
    /// assert_eq!(sock.nsid_of(&ns)?, Some(7));
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "RTM_NEWNSID", alias = "set_netnsid", alias = "SetNetNsIdByFd")]
    pub fn set_nsid(&mut self, ns: impl AsFd, nsid: Option<i32>) -> Result<()> {
        self.ack(set_by_fd(ns.as_fd(), nsid.unwrap_or(-1)), 0)
    }

    /// The peer that has id `nsid` in the socket's namespace: with `target`, the id that the
    /// namespace with (current) id `target` gives that peer, plus `current_nsid` = `nsid`.
    ///
    /// Equivalent to `ip netns list-id [target-nsid TARGET] nsid NSID`. An unknown id fails with
    /// `ENOENT` and the message `Peer netns reference is invalid`.
    pub fn nsid_lookup(&mut self, nsid: i32, target: Option<i32>) -> Result<NsidRecord> {
        let mut attributes = vec![NsidAttribute::Id(nsid)];
        attributes.extend(target.map(NsidAttribute::TargetNsid));
        let reply = self.get(RouteNetlinkMessage::GetNsId(message(attributes)))?;
        record(&reply)
    }

    /// The nsid table of the socket's namespace, in ascending nsid order; with `target`, the
    /// table of the peer whose id is `target`, each record also giving the peer's id here
    /// (`current_nsid`).
    ///
    /// Equivalent to `ip netns list-id [target-nsid TARGET]`. The target filter needs a socket
    /// opened with [`SocketOptions::strict_check`](super::SocketOptions::strict_check) (the kernel
    /// ignores it otherwise, so this fails with `EINVAL` before sending). A bad target fails with
    /// `EINVAL` and `Invalid target network namespace id`, delivered in `NLMSG_DONE`
    /// ([`ErrorSite::DumpDone`](super::ErrorSite::DumpDone)).
    ///
    /// Kernel 6.18 ends this dump after its first buffer, about 134 records: larger tables come
    /// back truncated, as they do for iproute2.
    #[doc(alias = "list-id")]
    pub fn nsid_dump(&mut self, target: Option<i32>) -> Result<Vec<NsidRecord>> {
        if target.is_some() && !self.strict_check() {
            return Err(Error::errno(Op::Netlink, rustix::io::Errno::INVAL));
        }
        let attributes = target.map(NsidAttribute::TargetNsid).into_iter().collect();
        let mut records = Vec::new();
        self.dump_each(RouteNetlinkMessage::GetNsId(message(attributes)), |m| {
            records.push(record(&m)?);
            Ok(())
        })?;
        Ok(records)
    }
}

#[cfg(test)]
#[path = "nsid_tests.rs"]
mod tests;
