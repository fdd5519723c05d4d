// SPDX-License-Identifier: MIT OR Apache-2.0
//! One request at a time: [`Socket::request`], [`Socket::ack`], [`Socket::get`], [`Socket::dump`].

use netlink_packet_core::{NLM_F_ACK, NLM_F_DUMP};
use netlink_packet_route::RouteNetlinkMessage;

use super::socket::{decode, Flow, Socket};
use super::wire::{self, Header};
use crate::error::ErrorSite;
use crate::error::{Error, Op, Result};

/// How many times [`Socket::dump`] restarts a dump the kernel marked `NLM_F_DUMP_INTR`.
const DUMP_INTR_RETRIES: usize = 4;

/// How one request's replies ended.
pub(crate) struct Outcome {
    /// A message carried `NLM_F_DUMP_INTR`: the dump may be inconsistent.
    pub interrupted: bool,
}

/// Follows the replies to one request (sequence number `seq`) and decides when they are complete.
pub(crate) struct Exchange {
    seq: u32,
    dump: bool,
    want_ack: bool,
    interrupted: bool,
    error: Option<Error>,
}

impl Exchange {
    pub(crate) fn new(seq: u32, flags: u16) -> Exchange {
        Exchange {
            seq,
            dump: flags & NLM_F_DUMP == NLM_F_DUMP,
            want_ack: flags & NLM_F_ACK != 0,
            interrupted: false,
            error: None,
        }
    }

    fn fail(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// Takes one message of this exchange; gives the decoded ones to `on_msg`.
    pub(crate) fn take(
        &mut self,
        header: Header,
        payload: &[u8],
        on_msg: &mut dyn FnMut(RouteNetlinkMessage) -> Result<()>,
    ) -> Result<Flow> {
        if header.seq != self.seq {
            return Ok(Flow::More); // a late reply to an earlier request
        }
        if header.flags & wire::NLM_F_DUMP_INTR != 0 {
            self.interrupted = true;
        }
        match header.kind {
            wire::NLMSG_ERROR => {
                let site = if self.dump {
                    ErrorSite::Dump
                } else {
                    ErrorSite::Ack
                };
                match wire::parse_error(header.flags, payload, site) {
                    Ok(Ok(_warning)) => {}
                    Ok(Err(k)) => self.fail(Error::kernel(k)),
                    Err(_) => self.fail(super::socket::malformed()),
                }
                Ok(Flow::Done)
            }
            wire::NLMSG_DONE => {
                if let Err(k) = wire::parse_done(header.flags, payload) {
                    self.fail(Error::kernel(k));
                }
                Ok(Flow::Done)
            }
            _ => {
                match decode(header, payload).and_then(&mut *on_msg) {
                    Ok(()) => {}
                    Err(e) => self.fail(e),
                }
                let last = !self.dump && !self.want_ack && header.flags & wire::NLM_F_MULTI == 0;
                Ok(if last { Flow::Done } else { Flow::More })
            }
        }
    }

    pub(crate) fn finish(self) -> Result<Outcome> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(Outcome {
                interrupted: self.interrupted,
            }),
        }
    }
}

impl Socket {
    /// Sends `msg` with `NLM_F_REQUEST | flags` and hands each reply to `on_msg`, until the
    /// exchange is complete (an ACK or error with `NLM_F_ACK`, `NLMSG_DONE` for a dump, otherwise
    /// the first reply). The whole reply is always read, even after an error.
    pub(crate) fn exchange(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
        on_msg: &mut dyn FnMut(RouteNetlinkMessage) -> Result<()>,
    ) -> Result<Outcome> {
        let mut datagram = Vec::with_capacity(64);
        let seq = self.encode(msg, flags, &mut datagram);
        self.send_raw(&datagram)?;
        let mut exchange = Exchange::new(seq, flags);
        self.read_replies(false, |header, payload| {
            exchange.take(header, payload, on_msg)
        })?;
        exchange.finish()
    }

    /// Sends a request with `NLM_F_REQUEST | flags` and returns the messages the kernel answered
    /// with (none for a bare ACK). The raw interface under the typed methods.
    ///
    /// An error reply becomes an [`Error`] with [`Op::Netlink`], its errno and its extended ACK
    /// ([`Error::kernel_error`]). With `NLM_F_DUMP`, this is [`Socket::dump`].
    pub fn request(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        if flags & NLM_F_DUMP == NLM_F_DUMP {
            return self.dump_flags(msg, flags);
        }
        let mut replies = Vec::new();
        self.exchange(msg, flags, &mut |m| {
            replies.push(m);
            Ok(())
        })?;
        Ok(replies)
    }

    /// Sends a request with `NLM_F_REQUEST | NLM_F_ACK | flags` and waits for the kernel's ACK:
    /// how `ip link add`, `ip netns set` and every other change is made. Pass `NLM_F_CREATE |
    /// NLM_F_EXCL` and the like in `flags`.
    pub fn ack(&mut self, msg: RouteNetlinkMessage, flags: u16) -> Result<()> {
        self.exchange(msg, NLM_F_ACK | flags, &mut |_| Ok(()))
            .map(drop)
    }

    /// Sends a query (`NLM_F_REQUEST` only) and returns the kernel's one reply, such as the
    /// `RTM_NEWNSID` answering an `RTM_GETNSID`.
    pub fn get(&mut self, msg: RouteNetlinkMessage) -> Result<RouteNetlinkMessage> {
        let mut reply = None;
        self.exchange(msg, 0, &mut |m| {
            reply.get_or_insert(m);
            Ok(())
        })?;
        reply.ok_or_else(|| Error::errno(Op::Netlink, rustix::io::Errno::NODATA))
    }

    /// Dumps (`NLM_F_REQUEST | NLM_F_DUMP`) and returns every message.
    ///
    /// If the kernel marks the dump `NLM_F_DUMP_INTR` (the table changed while it was read), the
    /// dump is restarted, a few times; if it stays inconsistent, the error is `EINTR`.
    pub fn dump(&mut self, msg: RouteNetlinkMessage) -> Result<Vec<RouteNetlinkMessage>> {
        self.dump_flags(msg, NLM_F_DUMP)
    }

    fn dump_flags(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        for _ in 0..DUMP_INTR_RETRIES {
            let mut all = Vec::new();
            let outcome = self.exchange(msg.clone(), flags | NLM_F_DUMP, &mut |m| {
                all.push(m);
                Ok(())
            })?;
            if !outcome.interrupted {
                return Ok(all);
            }
        }
        Err(Error::errno(Op::Netlink, rustix::io::Errno::INTR))
    }

    /// Dumps and hands each message to `f` as it arrives, without collecting them.
    ///
    /// If `f` fails, the rest of the dump is still read (so the socket stays usable) and `f`'s
    /// first error is returned. If the dump was marked `NLM_F_DUMP_INTR`, every message is still
    /// delivered and then the error is `EINTR` (iproute2's "Dump was interrupted and may be
    /// inconsistent.").
    pub fn dump_each(
        &mut self,
        msg: RouteNetlinkMessage,
        mut f: impl FnMut(RouteNetlinkMessage) -> Result<()>,
    ) -> Result<()> {
        let outcome = self.exchange(msg, NLM_F_DUMP, &mut f)?;
        if outcome.interrupted {
            return Err(Error::errno(Op::Netlink, rustix::io::Errno::INTR));
        }
        Ok(())
    }
}
