// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns monitor`: a line for each name added to or removed from the run directory, for ever.
//!
//! Three fixes of 6.1, through [`netnest::Registry::watch`]: each line is written as it happens
//! (`ip` leaves stdout fully buffered on a pipe or a file and never flushes it, so `ip netns monitor
//! | grep …` sees nothing for 4 KiB of events and loses them when killed); when the kernel's event
//! queue overflows, the directory is read again, the difference is printed as `add`/`delete`
//! lines and stderr says so (`ip` loses those events silently); and when the run directory is
//! removed and made again, it is watched again (`ip` goes deaf).

use std::os::unix::ffi::OsStrExt;

use netnest::{Change, Op};

use super::{Ctx, Status};
use crate::errno;
use crate::output::error as print;

/// Watches the run directory (made first if missing) for entries created and removed.
pub fn run(ctx: &mut Ctx) -> Status {
    let fail = |what: &[u8], e: &netnest::Error| {
        print(&[what, errno::io_text(e.io_error()).as_bytes()]);
        Status::FAILED
    };
    let watch = match ctx.registry.watch() {
        Ok(watch) => watch,
        Err(e) if e.op() == Op::CreateRunDir => {
            let dir = ctx.registry.dir().as_os_str().as_bytes();
            return fail(&[b"mkdir ", dir, b" failed: "].concat(), &e);
        }
        Err(e) if e.op() == Op::Watch && e.path().is_none() => {
            return fail(b"inotify_init failed: ", &e)
        }
        Err(e) => return fail(b"inotify_add_watch failed: ", &e),
    };
    for change in watch {
        match change {
            Ok(Change::Added(name)) => line(ctx, b"add ", name.as_bytes()),
            Ok(Change::Removed(name)) => line(ctx, b"delete ", name.as_bytes()),
            Ok(Change::Overflow) => print(&[
                b"Warning: events were lost (inotify queue overflow); the lines that follow are \
                  what changed meanwhile, from reading ",
                ctx.registry.dir().as_os_str().as_bytes(),
                b" again",
            ]),
            Ok(_) => {}
            Err(e) => return fail(b"read failed: ", &e),
        }
    }
    Status::FAILED
}

/// One line, written at once.
fn line(ctx: &mut Ctx, what: &[u8], name: &[u8]) {
    ctx.out.write(what);
    ctx.out.write(name);
    ctx.out.write(b"\n");
    ctx.out.flush();
}
