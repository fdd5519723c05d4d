// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns attach NAME PID`: a name for the network namespace of process PID. Words after the
//! PID are ignored.
//!
//! An extension: `attach NAME container:ID` names the network namespace of a running container
//! (Docker, Podman, containerd/CRI, CRI-O, nerdctl; a full id or a unique prefix), found through
//! `/proc/*/cgroup` by [`netnest::NetNs::find_container`]. `ip` rejects such a word as
//! `Invalid PID`, so no working `ip` command line changes meaning.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::Name;

use super::{Ctx, Status};
use crate::args::parse_s32;
use crate::messages::{self, Source};

/// Binds `/proc/PID/ns/net` on `/run/netns/NAME`. The PID is read as `ip` reads it (C's `strtol`
/// in base 0, not 0); a negative PID passes and fails at the bind, as in `ip`.
///
/// The library takes a pid as `u32`. `ip` binds `/proc/-N/ns/net` for a negative PID, which fails
/// with `ENOENT` after the run directory is prepared and the file made; the library is given
/// `u32::MAX` instead, a pid beyond any `pid_max` (at most 2^22), which fails the same way at the
/// same step. The message still shows the PID as typed.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let [name, pid, ..] = args else {
        messages::say("No netns name and PID specified");
        return Status::FAILED;
    };
    if let Some(id) = pid.as_bytes().strip_prefix(b"container:") {
        return container(ctx, name, id);
    }
    let Some(pid) = parse_s32(pid.as_bytes()).filter(|&pid| pid != 0) else {
        messages::invalid_pid(pid.as_bytes());
        return Status::FAILED;
    };
    let no_process = u32::MAX;
    let process = u32::try_from(pid).unwrap_or(no_process);
    let attached = match Name::new(name) {
        Ok(name) => ctx.registry.attach(&name, process),
        // Only with -all, which skips the name check.
        Err(_) => ctx.registry.unchecked().attach(name, process),
    };
    match attached {
        Ok(()) => Status::Ok,
        Err(e) => {
            messages::add_failed(ctx.dir(), name.as_bytes(), Source::Pid(pid), &e);
            Status::FAILED
        }
    }
}

/// `attach NAME container:ID`.
fn container(ctx: &mut Ctx, name: &OsString, id: &[u8]) -> Status {
    let found = std::str::from_utf8(id)
        .map_err(|_| netnest::ContainerError::InvalidId(String::from_utf8_lossy(id).into_owned()))
        .map_err(|e| e.to_string())
        .and_then(|id| netnest::NetNs::find_container(id).map_err(|e| container_text(&e)));
    let (full, ns) = match found {
        Ok(found) => found,
        Err(text) => {
            messages::say(&format!(
                "Cannot find container \"{}\": {text}",
                String::from_utf8_lossy(id)
            ));
            return Status::FAILED;
        }
    };
    let Ok(name) = Name::new(name) else {
        messages::invalid_name(name.as_bytes());
        return Status::Exit(255);
    };
    match ctx.registry.attach_ns(&name, &ns) {
        Ok(()) => Status::Ok,
        Err(e) => {
            let source = format!("container {full}");
            messages::add_failed(ctx.dir(), name.as_bytes(), Source::Named(&source), &e);
            Status::FAILED
        }
    }
}

/// The reason a container lookup failed, without the library's generic prefix.
fn container_text(e: &netnest::Error) -> String {
    match e.kind() {
        netnest::ErrorKind::Container(inner) => inner.to_string(),
        _ => crate::errno::io_text(e.io_error()),
    }
}
