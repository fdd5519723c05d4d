//! `ip netns attach NAME PID`: a name for the network namespace of process PID. Words after the
//! PID are ignored.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::Name;

use super::{unchecked, Ctx, Status};
use crate::args::parse_s32;
use crate::messages::{self, Source};

/// Binds `/proc/PID/ns/net` on `/run/netns/NAME`. The PID is read as `ip` reads it (C's `strtol`
/// in base 0, not 0); a negative PID passes and fails at the bind, as in `ip`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let [name, pid, ..] = args else {
        messages::say("No netns name and PID specified");
        return Status::FAILED;
    };
    let Some(pid) = parse_s32(pid.as_bytes()).filter(|&pid| pid != 0) else {
        messages::invalid_pid(pid.as_bytes());
        return Status::FAILED;
    };
    let attached = match Name::new(name) {
        Ok(name) => ctx.registry.attach(&name, pid),
        // Only with -all, which skips the name check.
        Err(_) => unchecked::add(ctx, name, Source::Pid(pid)),
    };
    match attached {
        Ok(()) => Status::Ok,
        Err(e) => {
            messages::add_failed(ctx.dir(), name.as_bytes(), Source::Pid(pid), &e);
            Status::FAILED
        }
    }
}
