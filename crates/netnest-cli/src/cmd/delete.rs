// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns delete NAME` and `ip -all netns delete`: unmount and remove names. Words after the
//! name are ignored, and `-all` ignores names altogether.

use netnest::ErrorKind;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::Name;

use super::{Ctx, Status};
use crate::messages;

/// Deletes one name, or every entry of the run directory with `-all`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if ctx.opts.all {
        return all(ctx);
    }
    let Some(name) = args.first() else {
        messages::say("No netns name specified");
        return Status::FAILED;
    };
    // The name was checked by the dispatcher (no -all here).
    let Ok(name) = Name::new(name) else {
        messages::invalid_name(name.as_bytes());
        return Status::Exit(255);
    };
    one(ctx, &name)
}

/// Deletes `name`; a symlink is removed without unmounting what it points to.
fn one(ctx: &Ctx, name: &Name) -> Status {
    match ctx.registry.delete(name) {
        Ok(()) => Status::Ok,
        Err(e) => {
            messages::delete_failed(&e);
            Status::FAILED
        }
    }
}

/// Deletes every entry in directory order. Unlike `ip` 6.1 (which stops at the first failure and
/// still exits 0), it goes on past a failing entry and exits 1 if any failed.
fn all(ctx: &Ctx) -> Status {
    let names = match ctx.registry.names() {
        Ok(names) => names,
        Err(e) if *e.kind() == ErrorKind::NotFound => return Status::Ok,
        Err(e) => {
            messages::foreach_failed(ctx.dir(), &e);
            return Status::FAILED;
        }
    };
    let mut status = Status::Ok;
    for name in names {
        // A directory entry is always a valid name: not empty, no '/', not '.' or '..'.
        if let Ok(name) = Name::new(name) {
            if one(ctx, &name) != Status::Ok {
                status = Status::FAILED;
            }
        }
    }
    status
}
