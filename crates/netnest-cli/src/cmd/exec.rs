// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns exec NAME cmd…` and `ip -all netns exec cmd…`: run a command in a namespace's
//! `ip netns exec` environment (network namespace, private mounts, `/sys`, `/etc/netns/NAME`).
//!
//! Alone, `exec` sets the environment up in this very process and `execvp`s the command: same pid,
//! the command's own exit status and signals, as `ip`. With `-all`, and in batch mode, it forks a
//! child per run and waits for it.
//!
//! Two fixes of 6.1: a child whose setup fails (a stale entry, a vanished namespace) ends there,
//! where `ip`'s goes on with the parent's loop, running commands twice (`-all`) or the rest of the
//! batch a second time; and the cgroup mounts under `/sys/fs/cgroup` are kept (see
//! [`netnest::ExecEnv`]).

use netnest::ErrorKind;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::{Name, Registry};

use super::{switch, Ctx, Status};
use crate::errno;
use crate::messages;
use crate::output::error as print;
use crate::sys::{self, Ended, Forked};

/// Exit code of a forked child whose setup failed: what a single `exec` returns then.
const SETUP_FAILED: i32 = 255;

/// `exec NAME cmd…`, or `-all exec cmd…`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if ctx.opts.all {
        return all(ctx, args);
    }
    let Some(name) = args.first() else {
        messages::say("No netns name specified");
        return Status::FAILED;
    };
    let command = &args[1..];
    if command.is_empty() {
        messages::say("No command specified");
        return Status::FAILED;
    }
    // The dispatcher checked the name (no -all here).
    let Ok(name) = Name::new(name) else {
        messages::invalid_name(name.as_bytes());
        return Status::Exit(255);
    };
    let registry = ctx.registry.clone();
    in_namespace(ctx, &registry, &name, command)
}

/// Runs `command` in the exec environment of `name` in `registry`: this process becomes the
/// command (so its exit status is the command's), or in batch mode a child does and is waited
/// for. Shared with `lab exec`, so both report failures with the same texts.
pub fn in_namespace(
    ctx: &mut Ctx,
    registry: &Registry,
    name: &Name,
    command: &[OsString],
) -> Status {
    ctx.out.flush();
    if ctx.in_batch {
        return match in_child(registry, name, command) {
            Some(Ended::Exited(0)) => Status::Ok,
            Some(Ended::Exited(_)) => Status::FAILED,
            // ip exit(1)s when a batch child is killed by a signal, even with -force.
            Some(Ended::Signaled) | None => Status::Exit(1),
        };
    }
    if !switch::netns_switch(registry, name.as_bytes()) {
        return Status::Exit(255);
    }
    exec_failed(command)
}

/// `-all exec cmd…`: a blank line and `netns: NAME`, then the command in a child, for each entry
/// in directory order. Exit codes of the commands are ignored (rc 0), as `ip`'s.
fn all(ctx: &mut Ctx, command: &[OsString]) -> Status {
    if command.is_empty() {
        messages::say("No command specified");
        return Status::FAILED;
    }
    let names = match ctx.registry.names() {
        Ok(names) => names,
        Err(e) if *e.kind() == ErrorKind::NotFound => return Status::Ok,
        Err(e) => {
            messages::foreach_failed(ctx.dir(), &e);
            return Status::FAILED;
        }
    };
    for name in names {
        ctx.out.write(b"\nnetns: ");
        ctx.out.write(name.as_bytes());
        ctx.out.write(b"\n");
        ctx.out.flush();
        // A directory entry is always a valid name: not empty, no '/', not '.' or '..'.
        let Ok(name) = Name::new(name) else { continue };
        match in_child(&ctx.registry, &name, command) {
            Some(Ended::Exited(_)) => {}
            // As ip: a child killed by a signal ends the loop with rc 1.
            Some(Ended::Signaled) | None => return Status::Exit(1),
        }
    }
    Status::Ok
}

/// Runs `command` in `name`'s environment in a child process and waits for it. `None` if the fork
/// or the wait failed (already reported).
fn in_child(registry: &Registry, name: &Name, command: &[OsString]) -> Option<Ended> {
    match sys::fork() {
        Err(e) => {
            print(&[b"fork: ", errno::io_text(&e).as_bytes()]);
            None
        }
        Ok(Forked::Child) => {
            if !switch::netns_switch(registry, name.as_bytes()) {
                sys::exit_now(SETUP_FAILED);
            }
            exec_failed(command)
        }
        Ok(Forked::Parent(pid)) => match sys::wait(pid) {
            Ok(ended) => Some(ended),
            Err(e) => {
                print(&[b"waitpid: ", errno::io_text(&e).as_bytes()]);
                None
            }
        },
    }
}

/// `execvp`s `command`; on failure prints `exec of "%s" failed: %s` and ends the process with 1.
fn exec_failed(command: &[OsString]) -> ! {
    let e = sys::execvp(command);
    print(&[
        b"exec of \"",
        command[0].as_bytes(),
        b"\" failed: ",
        errno::io_text(&e).as_bytes(),
    ]);
    sys::exit_now(1)
}
