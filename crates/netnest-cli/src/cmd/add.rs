// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns add NAME`: a new network namespace, bind-mounted on `/run/netns/NAME`. Words after
//! the name are ignored.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::Name;

use super::{Ctx, Status};
use crate::messages::{self, Source};

/// Creates the namespace. Unlike `ip -all netns add` 6.1, a failure removes only this name's
/// file, never the other namespaces.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(name) = args.first() else {
        messages::say("No netns name specified");
        return Status::FAILED;
    };
    let added = match Name::new(name) {
        Ok(name) => ctx.registry.add(&name).map(drop),
        // Only with -all, which skips the name check.
        Err(_) => ctx.registry.unchecked().add(name).map(drop),
    };
    match added {
        Ok(()) => Status::Ok,
        Err(e) => {
            messages::add_failed(ctx.dir(), name.as_bytes(), Source::New, &e);
            Status::FAILED
        }
    }
}
