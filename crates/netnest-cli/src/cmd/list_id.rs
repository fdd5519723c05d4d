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

use super::nsids::{self, Lookup};
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
    let names = ctx.registry.names().unwrap_or_default();
    let mut rtnsh = match nsids::socket(false) {
        Ok(sock) => sock,
        Err(status) => return status,
    };
    let lookups = nsids::lookup_all(ctx, &mut rtnsh, &names);
    // ip's netns_map_init: one message per stale entry.
    for lookup in &lookups {
        if let Lookup::Failed(e) = lookup {
            messages::netlink_talk(e);
        }
    }
    // As in ip, the name cache is made (and its errors printed) before the arguments are read.
    let filters = match parse(args) {
        Ok(filters) => filters,
        Err(status) => return status,
    };
    let names_by_id = nsids::first_names(&names, &lookups);
    // With a target, the records' `nsid`s are the target's ids: names for those come from the
    // target's own table (asked through a socket opened inside it), when the target has a name.
    let target_lookups = filters
        .target
        .and_then(|t| names_by_id.iter().find(|(id, _)| *id == t))
        .and_then(|(_, name)| {
            ctx.registry
                .open(&netnest::Name::new(name.as_os_str()).ok()?)
                .ok()
        })
        .and_then(|ns| netnest::netlink::Socket::open_in(&ns).ok())
        .map(|mut sock| nsids::lookup_all(ctx, &mut sock, &names))
        .unwrap_or_default();
    let target_names = nsids::first_names(&names, &target_lookups);
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
    let mut out = Printer::new(&mut ctx.out, format);
    for record in &records {
        let name = match record.current_nsid {
            // The peer's id here, if it has one; else its id in the target's table.
            Some(current) if current >= 0 => find(&names_by_id, current),
            Some(_) => find(&target_names, record.nsid),
            None => find(&names_by_id, record.nsid),
        };
        print(&mut out, record, name, &lookups);
    }
    out.finish();
    Status::Ok
}

/// The name that has `id` in `names`.
fn find<'a>(names: &[(i32, &'a OsString)], id: i32) -> Option<&'a OsString> {
    names
        .iter()
        .find(|(known, _)| *known == id)
        .map(|&(_, name)| name)
}

/// One record, as `print_nsid` writes it (and flushes it), with the name found for it.
fn print(out: &mut Printer<'_>, record: &NsidRecord, name: Option<&OsString>, lookups: &[Lookup]) {
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
    match name {
        Some(name) => {
            out.plain("(iproute2 netns name: ");
            out.string("name", name.as_bytes());
            out.plain(")");
        }
        // ip rescans the directory here, asking for each entry's id again until one has the
        // record's nsid: its stale entries (those before such a match) say so once more.
        None => {
            for lookup in lookups {
                match lookup {
                    Lookup::Failed(e) => messages::netlink_talk(e),
                    Lookup::Id(Some(id)) if *id == record.nsid => break,
                    _ => {}
                }
            }
        }
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
