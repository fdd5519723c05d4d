// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns pids NAME`: the processes whose network namespace is NAME's, in `/proc` order.

use std::ffi::OsString;

use netnest::Name;

use super::{Ctx, Status};
use crate::messages;

/// Prints one pid a line (thread-group leaders only). A stale entry matches no process.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let name = match args {
        [name] => name,
        [] => {
            messages::say("No netns name specified");
            return Status::FAILED;
        }
        _ => {
            messages::say("extra arguments specified");
            return Status::FAILED;
        }
    };
    let pids = match Name::new(name) {
        Ok(name) => ctx.registry.pids(&name),
        // Only with -all, which skips the name check.
        Err(_) => ctx.registry.unchecked().pids(name),
    };
    match pids {
        Ok(pids) => {
            for pid in pids {
                ctx.out.write(pid.to_string().as_bytes());
                ctx.out.write(b"\n");
            }
            Status::Ok
        }
        Err(e) => {
            messages::pids_failed(&e);
            Status::FAILED
        }
    }
}
