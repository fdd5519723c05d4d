// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns identify [PID]`: the name of a process's network namespace (of `self` by default).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use netnest::NetNs;

use super::{Ctx, Status};
use crate::args::is_pid;
use crate::messages;

/// Prints the name, or an empty line when the namespace has none. With several names it prints
/// the first in directory order, as `list-id` does (`ip` 6.1's `identify` prints the last).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let pid = match args {
        [] => OsStr::new("self"),
        [pid] if is_pid(pid.as_bytes()) => pid,
        [pid] => {
            messages::not_a_pid(pid.as_bytes());
            return Status::FAILED;
        }
        _ => {
            messages::say("extra arguments specified");
            return Status::FAILED;
        }
    };
    // The word as given: `007` is not pid 7 to procfs, and ip opens exactly this path.
    let mut path = b"/proc/".to_vec();
    path.extend_from_slice(pid.as_bytes());
    path.extend_from_slice(b"/ns/net");
    let names =
        NetNs::from_path(OsStr::from_bytes(&path)).and_then(|ns| ctx.registry.identify(&ns));
    match names {
        Ok(names) => {
            if let Some(name) = names.first() {
                ctx.out.write(name.as_bytes());
            }
            ctx.out.write(b"\n");
            Status::Ok
        }
        Err(e) => {
            messages::identify_failed(ctx.dir(), &e);
            Status::FAILED
        }
    }
}
