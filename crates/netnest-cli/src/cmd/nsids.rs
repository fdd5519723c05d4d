// SPDX-License-Identifier: MIT OR Apache-2.0
//! What `list`, `list-id` and `set` share: the netlink socket, and what `ip` does with the nsid of
//! every entry of the run directory (found by [`netnest::Registry::list_with_nsids_on`], one
//! pipelined batch where iproute2 asks twice per entry, one round trip each).

use std::ffi::OsString;

use netnest::netlink::{Socket, SocketOptions};
use netnest::{Error, NsidEntry, Op};

use super::{Ctx, Status};
use crate::messages;

/// A netlink socket in the current namespace, as `ip`'s `rth` (strict checking) or `rtnsh` (not).
/// On failure, `ip`'s messages are printed and the status to return is given.
pub fn socket(strict: bool) -> Result<Socket, Status> {
    SocketOptions::new()
        .strict_check(strict)
        .open()
        .map_err(|e| {
            messages::netlink_open_failed(&e);
            Status::FAILED
        })
}

/// The entry's id, if it has one.
pub fn id(entry: &NsidEntry) -> Option<i32> {
    entry.nsid.as_ref().ok().copied().flatten()
}

/// The kernel's refusal of the entry (a stale file: `Peer netns reference is invalid`), which ip
/// prints; a file that could not be opened has no lookup and no message, as in ip.
pub fn refused(entry: &NsidEntry) -> Option<&Error> {
    entry.nsid.as_ref().err().filter(|e| e.op() != Op::Open)
}

/// The first name (in directory order) of each nsid, as iproute2's `netns_map_init` keeps them.
pub fn first_names(entries: &[NsidEntry]) -> Vec<(i32, OsString)> {
    let mut map: Vec<(i32, OsString)> = Vec::new();
    for entry in entries {
        if let Some(id) = id(entry) {
            if !map.iter().any(|(known, _)| *known == id) {
                map.push((id, entry.name.clone()));
            }
        }
    }
    map
}

/// `netns_map_init`: the first `list`/`list-id` of the process fills the name cache from this
/// run's `entries`, printing the error of each stale entry; later ones do nothing. Nothing is
/// done when the run directory could not be read (`readable`), so a later command fills it.
/// The names are kept only if a later command of this process can use them (`keep`).
pub fn map_init(ctx: &mut Ctx, readable: bool, entries: &[NsidEntry], keep: bool) {
    if ctx.names.is_some() || !readable {
        return;
    }
    for e in entries.iter().filter_map(refused) {
        messages::netlink_talk(e);
    }
    ctx.names = Some(if keep {
        first_names(entries)
    } else {
        Vec::new()
    });
}
