// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns list-id [target-nsid N] [nsid M]`: the nsid table of the current namespace (or, with
//! `target-nsid`, of the peer with that id), each id with the name of its namespace when it has
//! one here.
//!
//! Two fixes of 6.1: an argument error never names `(null)` or the word after the value (6.1
//! passes `argv[1]` to `invarg`), it names the value; and with a target, a record's name is the
//! peer's: found by its id here (`current-nsid`) or, when it has none here, by its id in the
//! target's own table, where 6.1's fallback looks the target-relative id up in the current table
//! and can print another namespace's name. With several names for one namespace, the first in
//! directory order is shown, as by `identify`.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::netlink::NsidRecord;
use netnest::NsidEntry;

use super::nsids;
use super::{Ctx, Status};
use crate::args::parse_s32;
use crate::messages;
use crate::output::Printer;

/// Which filters were given.
#[derive(Debug, Default)]
struct Filters {
    target: Option<i32>,
    nsid: Option<i32>,
}

/// Parses the filters (exact keywords), then dumps or queries.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let mut rtnsh = match nsids::socket(false) {
        Ok(sock) => sock,
        Err(status) => return status,
    };
    let listed = ctx.registry.list_with_nsids_on(&mut rtnsh);
    let readable = listed.is_ok();
    let entries = listed.unwrap_or_default();
    // ip's netns_map_init (once per process): one message per stale entry.
    nsids::map_init(ctx, readable, &entries, true);
    // As in ip, the name cache is made (and its errors printed) before the arguments are read.
    let filters = match parse(args) {
        Ok(filters) => filters,
        Err(status) => return status,
    };
    let names_by_id = nsids::first_names(&entries);
    // With a target, the records' `nsid`s are the target's ids: names for those come from the
    // target's own table (asked through a socket opened inside it), when the target has a name.
    let target_lookups = filters
        .target
        .and_then(|t| names_by_id.iter().find(|(id, _)| *id == t).cloned())
        .and_then(|(_, name)| {
            ctx.registry
                .open(&netnest::Name::new(name.as_os_str()).ok()?)
                .ok()
        })
        .and_then(|ns| netnest::netlink::Socket::open_in(&ns).ok())
        .and_then(|mut sock| ctx.registry.list_with_nsids_on(&mut sock).ok())
        .unwrap_or_default();
    let target_names = nsids::first_names(&target_lookups);
    let records = match filters.nsid {
        Some(nsid) => match rtnsh.nsid_lookup(nsid, filters.target) {
            Ok(record) => vec![record],
            Err(e) => {
                messages::netlink_talk(&e);
                return Status::Fail(2);
            }
        },
        None => {
            let mut rth = match nsids::socket(true) {
                Ok(sock) => sock,
                Err(status) => return status,
            };
            match rth.nsid_dump(filters.target) {
                Ok(records) => records,
                Err(e) => {
                    // ip closes the JSON array (`[]`) before it says the dump failed.
                    let format = ctx.format();
                    Printer::new(&mut ctx.out, format).finish();
                    messages::netlink_dump(&e);
                    messages::say("Dump terminated");
                    return Status::Exit(1);
                }
            }
        }
    };
    let format = ctx.format();
    let mut cache = ctx.names.take().unwrap_or_default();
    let mut out = Printer::new(&mut ctx.out, format);
    for record in &records {
        // The name shown: the peer's, by its id here if it has one, else by its id in the
        // target's table.
        let name = match record.current_nsid {
            Some(current) if current >= 0 => find(&names_by_id, current),
            Some(_) => find(&target_names, record.nsid),
            None => find(&names_by_id, record.nsid),
        };
        print(&mut out, record, name.as_ref(), || {
            remember(&mut cache, record, &entries)
        });
    }
    out.finish();
    ctx.names = Some(cache);
    Status::Ok
}

/// What ip's name cache does for a record, for the messages it prints and the names it keeps
/// for the rest of a batch: a name found in the cache (by `current-nsid`, else `nsid`) is taken
/// out; otherwise ip rescans the directory for an entry with the record's `nsid`, printing the
/// error of each stale entry before it, and puts what it finds back (without a target).
fn remember(cache: &mut Vec<(i32, OsString)>, record: &NsidRecord, entries: &[NsidEntry]) {
    let key = record.current_nsid.unwrap_or(record.nsid);
    if let Some(at) = cache.iter().position(|(id, _)| *id == key) {
        cache.remove(at);
        return;
    }
    for entry in entries {
        if let Some(e) = nsids::refused(entry) {
            messages::netlink_talk(e);
        } else if nsids::id(entry) == Some(record.nsid) {
            if record.current_nsid.is_none() {
                cache.push((record.nsid, entry.name.clone()));
            }
            return;
        }
    }
}

/// The name that has `id` in `names`.
fn find(names: &[(i32, OsString)], id: i32) -> Option<OsString> {
    names
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, name)| name.clone())
}

/// One record, as `print_nsid` writes it (and flushes it), with the name found for it; `lookup`
/// runs where ip looks the name up (its messages land there on a terminal).
fn print(
    out: &mut Printer<'_>,
    record: &NsidRecord,
    name: Option<&OsString>,
    lookup: impl FnOnce(),
) {
    out.open();
    match record.assigned() {
        Some(nsid) => out.int("nsid", "nsid ", nsid.into(), " "),
        None => out.plain("nsid unassigned "),
    }
    if let Some(current) = record.current_nsid {
        if current < 0 {
            out.plain("current-nsid unassigned ");
        } else {
            out.int("current-nsid", "current-nsid ", current.into(), " ");
        }
    }
    lookup();
    if let Some(name) = name {
        out.plain("(iproute2 netns name: ");
        out.string("name", name.as_bytes());
        out.plain(")");
    }
    out.plain("\n");
    out.close();
    out.flush();
}

/// `target-nsid N` and `nsid M`, each at most once; anything else is the usage (rc 255).
fn parse(args: &[OsString]) -> Result<Filters, Status> {
    let mut filters = Filters::default();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let (key, slot) = match word.as_bytes() {
            b"target-nsid" => ("target-nsid", &mut filters.target),
            b"nsid" => ("nsid", &mut filters.nsid),
            _ => {
                messages::usage();
                return Err(Status::Exit(255));
            }
        };
        if slot.is_some() {
            messages::duparg(key, word.as_bytes());
            return Err(Status::Exit(255));
        }
        let Some(value) = words.next() else {
            messages::incomplete();
            return Err(Status::Exit(255));
        };
        match parse_s32(value.as_bytes()) {
            None => {
                messages::invarg(&format!("\"{key}\" value is invalid"), value.as_bytes());
                return Err(Status::Exit(255));
            }
            Some(v) if v < 0 => {
                messages::invarg(&format!("\"{key}\" value should be >= 0"), value.as_bytes());
                return Err(Status::Exit(255));
            }
            Some(v) => *slot = Some(v),
        }
    }
    Ok(filters)
}
