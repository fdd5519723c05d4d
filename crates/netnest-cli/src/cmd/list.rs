//! `ip netns list` (`show`, `lst`, or no subcommand at all): the entries of the run directory in
//! directory order, unsorted, of every file type.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use super::{Ctx, Status};
use crate::output::Printer;

/// Lists the names, one a line, or as a JSON array with `-j`. A run directory that cannot be read
/// (missing, not a directory) prints nothing at all, not even `[]`.
pub fn run(ctx: &mut Ctx) -> Status {
    let Ok(names) = ctx.registry.names() else {
        return Status::Ok;
    };
    let format = ctx.format();
    let mut printer = Printer::new(&mut ctx.out, format);
    for name in &names {
        printer.open();
        printer.string("name", name.as_bytes());
        if let Some(id) = nsid(name) {
            printer.int("id", " (id: ", id.into(), ")");
        }
        printer.plain("\n");
        printer.close();
    }
    printer.finish();
    Status::Ok
}

/// The namespace's id in the current namespace, if it has one: printed as ` (id: N)`, JSON `"id"`.
// TODO(issue: nsids over netlink): ask the kernel with RTM_GETNSID (NETNSA_FD), and print its
// extack (`Error: Peer netns reference is invalid.`) for a stale entry, as ip does.
fn nsid(_name: &OsStr) -> Option<i32> {
    None
}
