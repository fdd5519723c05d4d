// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Socket::batch`]: many requests in one datagram, replies matched by sequence number.

use netlink_packet_core::NLM_F_DUMP;
use netlink_packet_route::RouteNetlinkMessage;

use super::request::Exchange;
use super::socket::{Flow, Socket};
use super::wire::Header;
use crate::error::{Error, Op, Result};

/// At most this many requests are in flight at once: their replies must all fit in the receive
/// buffer, since the kernel answers a whole datagram before `send` returns.
const WINDOW: usize = 256;

/// One request's replies, or its error.
pub type Replies = Result<Vec<RouteNetlinkMessage>>;

/// The requests of one datagram, waiting for their replies.
struct Chunk {
    first_seq: u32,
    exchanges: Vec<Option<Exchange>>,
    replies: Vec<Vec<RouteNetlinkMessage>>,
    results: Vec<Option<Replies>>,
    pending: usize,
}

impl Chunk {
    fn take(&mut self, header: Header, payload: &[u8]) -> Result<Flow> {
        let slot = header.seq.wrapping_sub(self.first_seq) as usize;
        let Some(exchange) = self.exchanges.get_mut(slot).and_then(Option::as_mut) else {
            return Ok(Flow::More); // a stale reply, or one for a finished request
        };
        let replies = &mut self.replies[slot];
        let flow = exchange.take(header, payload, &mut |m| {
            replies.push(m);
            Ok(())
        })?;
        if let Flow::Done = flow {
            let exchange = self.exchanges[slot].take().expect("checked above");
            let replies = std::mem::take(&mut self.replies[slot]);
            self.results[slot] = Some(exchange.finish().map(|_| replies));
            self.pending -= 1;
        }
        Ok(if self.pending == 0 {
            Flow::Done
        } else {
            Flow::More
        })
    }
}

impl Socket {
    /// Sends all `requests` (each a message and its extra `NLM_F_*` flags, as in
    /// [`Socket::request`]) packed into as few datagrams as possible, and returns one result per
    /// request, in order: its replies or its own error. The outer `Err` is for failures of the
    /// socket itself.
    ///
    /// Requests go out in windows of at most 256 (and at most the send buffer's size); the kernel
    /// answers each window before the next is sent. If the receive buffer overflows anyway
    /// (`ENOBUFS`), the requests whose replies were lost fail with `ENOBUFS`, and later windows are
    /// smaller. Dump requests are refused (`EINVAL`, before anything is sent): a socket runs one
    /// dump at a time.
    ///
    /// ```no_run
    /// use netlink_packet_route::{nsid::{NsidAttribute, NsidMessage}, RouteNetlinkMessage};
    /// let mut sock = netnest::netlink::Socket::open()?;
    /// let queries = [1, 2, 3].map(|id| {
    ///     let mut m = NsidMessage::default();
    ///     m.attributes.push(NsidAttribute::Id(id));
    ///     (RouteNetlinkMessage::GetNsId(m), 0)
    /// });
    /// for replies in sock.batch(queries)? {
    ///     println!("{:?}", replies);
    /// }
    /// # Ok::<(), netnest::Error>(())
    /// ```
    pub fn batch(
        &mut self,
        requests: impl IntoIterator<Item = (RouteNetlinkMessage, u16)>,
    ) -> Result<Vec<Replies>> {
        let requests: Vec<_> = requests.into_iter().collect();
        if requests.iter().any(|(_, f)| f & NLM_F_DUMP == NLM_F_DUMP) {
            return Err(Error::errno(Op::Netlink, rustix::io::Errno::INVAL));
        }
        let mut results = Vec::with_capacity(requests.len());
        let mut window = WINDOW;
        let limit = super::options::DEFAULT_SNDBUF / 2;
        let mut datagram = Vec::with_capacity(limit + 256);
        let mut flags_of = Vec::with_capacity(WINDOW);
        let mut requests = requests.into_iter().peekable();
        while requests.peek().is_some() {
            datagram.clear();
            flags_of.clear();
            let mut first_seq = None;
            while flags_of.len() < window && (datagram.len() < limit || flags_of.is_empty()) {
                let Some((msg, flags)) = requests.next() else {
                    break;
                };
                let seq = self.encode(msg, flags, &mut datagram);
                first_seq.get_or_insert(seq);
                flags_of.push(flags);
            }
            let first_seq = first_seq.expect("at least one request");
            if self.run_chunk(first_seq, &flags_of, &datagram, &mut results)? {
                window = (window / 2).max(1);
            }
        }
        Ok(results)
    }

    /// Sends one window and appends its results; returns whether replies were lost (`ENOBUFS`).
    fn run_chunk(
        &mut self,
        first_seq: u32,
        flags_of: &[u16],
        datagram: &[u8],
        results: &mut Vec<Replies>,
    ) -> Result<bool> {
        let n = flags_of.len();
        let mut chunk = Chunk {
            first_seq,
            exchanges: (0..n)
                .map(|i| Some(Exchange::new(first_seq.wrapping_add(i as u32), flags_of[i])))
                .collect(),
            replies: (0..n).map(|_| Vec::new()).collect(),
            results: (0..n).map(|_| None).collect(),
            pending: n,
        };
        self.send_raw(datagram)?;
        let mut lost = false;
        match self.read_replies(false, |h, p| chunk.take(h, p)) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                // The kernel has answered the whole datagram already: what is queued is all
                // there will be. Read it without waiting; the rest is lost.
                lost = true;
                if chunk.pending > 0 {
                    self.read_replies(true, |h, p| chunk.take(h, p))?;
                }
            }
            Err(e) => return Err(e),
        }
        results.extend(chunk.results.into_iter().map(|r| {
            r.unwrap_or_else(|| Err(Error::errno(Op::Netlink, rustix::io::Errno::NOBUFS)))
        }));
        Ok(lost)
    }
}
