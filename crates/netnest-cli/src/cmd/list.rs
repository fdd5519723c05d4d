// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns list` (`show`, `lst`, or no subcommand at all): the entries of the run directory in
//! directory order, unsorted, of every file type, each with ` (id: N)` when the namespace has an
//! nsid here.
//!
//! `ip` asks the kernel for every entry's nsid twice (once to fill its name cache, once to print),
//! one round trip each; netnest asks once, in pipelined batches, and prints what `ip` prints,
//! including the extack error of a stale entry twice (once per `ip` pass).

use std::os::unix::ffi::OsStrExt;

use super::nsids;
use super::{Ctx, Status};
use crate::messages;
use crate::output::Printer;

/// Lists the names, one a line, or as a JSON array with `-j`. A run directory that cannot be read
/// (missing, not a directory) prints nothing at all, not even `[]`.
pub fn run(ctx: &mut Ctx) -> Status {
    let mut sock = match nsids::socket(false) {
        Ok(sock) => sock,
        Err(status) => return status,
    };
    let entries = match ctx.registry.list_with_nsids_on(&mut sock) {
        Ok(entries) => entries,
        Err(e) if e.op() == netnest::Op::ReadDir => return Status::Ok,
        Err(e) => {
            messages::netlink_talk(&e);
            return Status::FAILED;
        }
    };
    // ip's first pass (netns_map_init, once per process): one message per stale entry. The
    // names are only needed by a later list-id of a batch.
    let keep = ctx.in_batch;
    nsids::map_init(ctx, true, &entries, keep);
    let format = ctx.format();
    let mut printer = Printer::new(&mut ctx.out, format);
    for entry in &entries {
        printer.open();
        printer.string("name", entry.name.as_bytes());
        // ip's second pass, printed where ip prints it: after the name, before the newline.
        if let Some(e) = nsids::refused(entry) {
            messages::netlink_talk(e);
        } else if let Some(id) = nsids::id(entry) {
            printer.int("id", " (id: ", id.into(), ")");
        }
        printer.plain("\n");
        printer.close();
    }
    printer.finish();
    Status::Ok
}
