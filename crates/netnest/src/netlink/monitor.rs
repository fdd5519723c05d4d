// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NsidMonitor`]: nsid events (`RTM_NEWNSID` / `RTM_DELNSID` on `RTNLGRP_NSID`), as
//! `ip monitor nsid` prints them.

use std::collections::VecDeque;

use netlink_packet_route::RouteNetlinkMessage;

use super::nsid::NsidRecord;
use super::options::SocketOptions;
use super::socket::{decode, Socket};
use crate::error::Result;
use crate::netns::NetNs;

/// `RTNLGRP_NSID`.
const RTNLGRP_NSID: u32 = 28;
/// `RTM_NEWNSID`.
const RTM_NEWNSID: u16 = 88;
/// `RTM_DELNSID`.
const RTM_DELNSID: u16 = 89;

/// One change to an nsid table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NsidEvent {
    /// `RTM_NEWNSID`: a peer got an id.
    New(NsidRecord),
    /// `RTM_DELNSID`: an id went away (its namespace died); iproute2 prints `Deleted `.
    Deleted(NsidRecord),
}

impl NsidEvent {
    /// The record, whichever the kind.
    pub fn record(&self) -> NsidRecord {
        match *self {
            NsidEvent::New(r) | NsidEvent::Deleted(r) => r,
        }
    }
}

/// A subscription to the nsid events of one namespace's table: a blocking iterator.
///
/// Each `next()` waits for the next event. If the kernel had to drop events because they were not
/// read fast enough, `next()` yields an `ENOBUFS` error once, and goes on with the later events.
///
/// ```no_run
/// for event in netnest::netlink::NsidMonitor::open()? {
///     println!("{:?}", event?);
/// }
/// # Ok::<(), netnest::Error>(())
/// ```
#[derive(Debug)]
#[doc(alias = "ip monitor nsid")]
pub struct NsidMonitor {
    socket: Socket,
    queue: VecDeque<NsidEvent>,
}

impl NsidMonitor {
    /// Watches the nsid table of the calling thread's namespace.
    pub fn open() -> Result<NsidMonitor> {
        NsidMonitor::on(SocketOptions::new().open()?)
    }

    /// Watches the nsid table of `ns`.
    pub fn open_in(ns: &NetNs) -> Result<NsidMonitor> {
        NsidMonitor::on(SocketOptions::new().open_in(ns)?)
    }

    /// Watches on `socket`, which should not be used for requests any more.
    pub fn on(socket: Socket) -> Result<NsidMonitor> {
        socket.add_membership(RTNLGRP_NSID)?;
        Ok(NsidMonitor {
            socket,
            queue: VecDeque::new(),
        })
    }

    /// Waits for the next event.
    pub fn next_event(&mut self) -> Result<NsidEvent> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(event);
            }
            let queue = &mut self.queue;
            self.socket.recv_each(|header, payload| {
                if header.kind != RTM_NEWNSID && header.kind != RTM_DELNSID {
                    return Ok(());
                }
                let record = match decode(header, payload)? {
                    RouteNetlinkMessage::NewNsId(m) | RouteNetlinkMessage::DelNsId(m) => {
                        NsidRecord::from_message(&m)
                    }
                    _ => None,
                };
                if let Some(record) = record {
                    queue.push_back(if header.kind == RTM_NEWNSID {
                        NsidEvent::New(record)
                    } else {
                        NsidEvent::Deleted(record)
                    });
                }
                Ok(())
            })?;
        }
    }

    /// The socket, e.g. to poll it for readability before calling [`NsidMonitor::next_event`].
    pub fn socket(&self) -> &Socket {
        &self.socket
    }
}

impl Iterator for NsidMonitor {
    type Item = Result<NsidEvent>;

    fn next(&mut self) -> Option<Result<NsidEvent>> {
        Some(self.next_event())
    }
}
