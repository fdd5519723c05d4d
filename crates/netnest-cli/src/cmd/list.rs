//! `ip netns list` (`show`, `lst`, or no subcommand at all): the entries of the run directory in
//! directory order, unsorted, of every file type, each with ` (id: N)` when the namespace has an
//! nsid here.
//!
//! `ip` asks the kernel for every entry's nsid twice (once to fill its name cache, once to print),
//! one round trip each; netnest asks once, in pipelined batches, and prints what `ip` prints,
//! including the extack error of a stale entry twice (once per `ip` pass).

use std::os::unix::ffi::OsStrExt;

use super::nsids::{self, Lookup};
use super::{Ctx, Status};
use crate::messages;
use crate::output::Printer;

/// Lists the names, one a line, or as a JSON array with `-j`. A run directory that cannot be read
/// (missing, not a directory) prints nothing at all, not even `[]`.
pub fn run(ctx: &mut Ctx) -> Status {
    let Ok(names) = ctx.registry.names() else {
        return Status::Ok;
    };
    let lookups = if names.is_empty() {
        Vec::new()
    } else {
        let mut sock = match nsids::socket(false) {
            Ok(sock) => sock,
            Err(status) => return status,
        };
        nsids::lookup_all(ctx, &mut sock, &names)
    };
    // ip's first pass (netns_map_init, once per process): one message per stale entry.
    nsids::map_init(ctx, true, &names, &lookups);
    let format = ctx.format();
    let mut printer = Printer::new(&mut ctx.out, format);
    for (i, name) in names.iter().enumerate() {
        printer.open();
        printer.string("name", name.as_bytes());
        match lookups.get(i) {
            // ip's second pass, printed where ip prints it: after the name, before the newline.
            Some(Lookup::Failed(e)) => messages::netlink_talk(e),
            Some(Lookup::Id(Some(id))) => printer.int("id", " (id: ", (*id).into(), ")"),
            _ => {}
        }
        printer.plain("\n");
        printer.close();
    }
    printer.finish();
    Status::Ok
}
