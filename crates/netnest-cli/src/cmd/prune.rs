// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest prune`: removes the stale entries of the run directory, the empty mode-0 files that an
//! interrupted `add`, `attach` or `delete` (of netnest or `ip netns`) leaves, and nothing else
//! (see [`netnest::Registry::prune`]). Not in `ip netns`. Prints each removed name, one per line
//! (`-j`: `[{"name":…}]`, escaped as JSON requires); a missing run directory has nothing to
//! prune.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use super::{Ctx, Status};
use crate::output::Printer;
use crate::{hints, messages};

/// Prunes, prints what went.
pub fn run(ctx: &mut Ctx, _args: &[OsString]) -> Status {
    let pruned = match ctx.registry.prune() {
        Ok(pruned) => pruned,
        // A stale file that could not be removed is named as `delete` names it; anything else
        // is the directory that could not be read, as for `-all delete`.
        Err(e) if e.op() == netnest::Op::Remove => {
            messages::delete_failed(&e);
            if let Some(next) = hints::prune(ctx.dir(), e.raw_os_error()) {
                messages::say(&next);
            }
            return Status::FAILED;
        }
        Err(e) => {
            messages::foreach_failed(ctx.dir(), &e);
            if let Some(next) = hints::prune(ctx.dir(), e.raw_os_error()) {
                messages::say(&next);
            }
            return Status::FAILED;
        }
    };
    let format = ctx.format();
    let mut out = Printer::extension(&mut ctx.out, format);
    for name in &pruned {
        out.open();
        out.string("name", name.as_bytes());
        out.plain("\n");
        out.close();
    }
    out.finish();
    Status::Ok
}
