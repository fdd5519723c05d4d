//! `ip netns monitor`: a line for each name added to or removed from the run directory, for ever.
//!
//! One fix of 6.1: each line is written as it happens. `ip` leaves stdout fully buffered on a pipe
//! or a file and never flushes it, so `ip netns monitor | grep …` sees nothing for 4 KiB of events
//! and loses them when killed.

use std::os::unix::ffi::OsStrExt;

use netnest::rustix::fs::inotify::{self, CreateFlags, ReadFlags, WatchFlags};
use netnest::rustix::fs::Mode;
use netnest::rustix::io::Errno;

use super::{Ctx, Status};
use crate::errno;
use crate::output::error as print;

/// Watches the run directory (made first if missing) for `IN_CREATE` and `IN_DELETE`.
pub fn run(ctx: &mut Ctx) -> Status {
    let fail = |what: &[u8], e: Errno| {
        print(&[what, errno::text(e.raw_os_error()).as_bytes()]);
        Status::FAILED
    };
    let fd = match inotify::init(CreateFlags::CLOEXEC) {
        Ok(fd) => fd,
        Err(e) => return fail(b"inotify_init failed: ", e),
    };
    let dir = ctx.registry.dir().to_owned();
    match netnest::rustix::fs::mkdir(&dir, Mode::from_raw_mode(0o755)) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(e) => {
            let what = [b"mkdir ", dir.as_os_str().as_bytes(), b" failed: "].concat();
            return fail(&what, e);
        }
    }
    if let Err(e) = inotify::add_watch(&fd, &dir, WatchFlags::CREATE | WatchFlags::DELETE) {
        return fail(b"inotify_add_watch failed: ", e);
    }
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 4096];
    let mut events = inotify::Reader::new(&fd, &mut buf);
    loop {
        match events.next() {
            Ok(event) => {
                let name = event.file_name().map(|n| n.to_bytes()).unwrap_or(b"");
                if event.events().contains(ReadFlags::CREATE) {
                    line(ctx, b"add ", name);
                }
                if event.events().contains(ReadFlags::DELETE) {
                    line(ctx, b"delete ", name);
                }
            }
            Err(Errno::INTR) => {}
            Err(e) => return fail(b"read failed: ", e),
        }
    }
}

/// One line, written at once.
fn line(ctx: &mut Ctx, what: &[u8], name: &[u8]) {
    ctx.out.write(what);
    ctx.out.write(name);
    ctx.out.write(b"\n");
    ctx.out.flush();
}
