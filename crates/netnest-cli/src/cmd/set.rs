// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns set NAME NETNSID|auto`: give a namespace an id in the current namespace. Words after
//! the id are ignored.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;

use super::{nsids, Ctx, Status};
use crate::args::parse_s32;
use crate::messages;

/// Parses the id (`auto`, case-sensitive, or C's `strtol` in base 0 within `int`, not negative),
/// opens `/run/netns/NAME` and sends `RTM_NEWNSID`. A kernel refusal is rc 2, as in `ip`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(name) = args.first() else {
        messages::say("No netns name specified");
        return Status::FAILED;
    };
    let Some(word) = args.get(1) else {
        messages::say("No nsid specified");
        return Status::FAILED;
    };
    let nsid = if word.as_bytes() == b"auto" {
        None
    } else {
        match parse_s32(word.as_bytes()) {
            None => {
                messages::invarg("Invalid \"netnsid\" value", word.as_bytes());
                return Status::Exit(255);
            }
            Some(id) if id < 0 => {
                messages::invarg("\"netnsid\" value should be >= 0", word.as_bytes());
                return Status::Exit(255);
            }
            Some(id) => Some(id),
        }
    };
    // Any file will do for the kernel to judge (a stale one gets its extack), as in ip; a FIFO
    // or a device is opened without blocking, where ip can hang.
    let file = match ctx.registry.unchecked().open_file(name) {
        Ok(file) => file,
        Err(e) => {
            messages::cannot_open_named(name.as_bytes(), &e);
            return Status::FAILED;
        }
    };
    // ip then opens the namespace a second time for the request, and a name with a `/` (reachable
    // with -all, which skips the name check) as a path of its own: if that fails, rc 1, silently.
    let file = if name.as_bytes().contains(&b'/') {
        match open_relative(name) {
            Ok(file) => file.into(),
            Err(_) => return Status::FAILED,
        }
    } else {
        file
    };
    let mut sock = match nsids::socket(true) {
        Ok(sock) => sock,
        Err(status) => return status,
    };
    match sock.set_nsid(&file, nsid) {
        Ok(()) => Status::Ok,
        Err(e) => {
            messages::netlink_talk(&e);
            Status::Fail(2)
        }
    }
}

/// `name` as a path of its own (relative to the working directory), opened without blocking.
fn open_relative(name: &OsString) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(name)
}
