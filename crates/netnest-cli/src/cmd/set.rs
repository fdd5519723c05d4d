//! `ip netns set NAME NETNSID|auto`: give a namespace an id in the current namespace. Words after
//! the id are ignored.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

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
    let mut path = ctx.registry.dir().as_os_str().to_owned();
    path.push("/");
    path.push(name);
    // Any file will do for the kernel to judge (a stale one gets its extack), as in ip.
    let file = match netnest::rustix::fs::open(
        &path,
        netnest::rustix::fs::OFlags::RDONLY | netnest::rustix::fs::OFlags::CLOEXEC,
        netnest::rustix::fs::Mode::empty(),
    ) {
        Ok(file) => file,
        Err(e) => {
            let e = netnest::Error::new(netnest::Op::Open, None, e.into());
            messages::cannot_open_named(name.as_bytes(), &e);
            return Status::FAILED;
        }
    };
    // ip then opens the namespace a second time for the request, and a name with a `/` (reachable
    // with -all, which skips the name check) as a path of its own: if that fails, rc 1, silently.
    let file = if name.as_bytes().contains(&b'/') {
        match netnest::rustix::fs::open(
            name.as_os_str(),
            netnest::rustix::fs::OFlags::RDONLY | netnest::rustix::fs::OFlags::CLOEXEC,
            netnest::rustix::fs::Mode::empty(),
        ) {
            Ok(file) => file,
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
