// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netns_switch` of iproute2: what `exec` and the global `-n NAME` do to this very process before
//! the command runs: enter the namespace, a private mount namespace with `/` rslave, the
//! namespace's `/sys`, and the binds of `/etc/netns/NAME/` (see [`netnest::ExecEnv`]).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use netnest::{ExecEnv, ExecStep, Op, Registry, NETNS_ETC_DIR};

use crate::errno;
use crate::messages;
use crate::output::error as print;

/// Moves this process into the exec environment of `name` (any bytes: `-n` takes no name check, so
/// `-n ''` opens the run directory itself and fails as `ip`'s does). Prints `ip`'s message and
/// returns false if a step fails; `/etc` binds that fail are reported and skipped.
pub fn netns_switch(registry: &Registry, name: &[u8]) -> bool {
    let ns = match registry.unchecked().open(OsStr::from_bytes(name)) {
        Ok(ns) => ns,
        Err(e) if e.op() == Op::Open => {
            messages::cannot_open_named(name, &e);
            return false;
        }
        Err(e) => {
            messages::setns_failed(name, e.raw_os_error().unwrap_or(libc::EINVAL));
            return false;
        }
    };
    // Not necessarily a Name: `-n dir/x` reaches a namespace in a subdirectory, as in ip.
    let env = ExecEnv::with_ns(ns, OsStr::from_bytes(name), Path::new(NETNS_ETC_DIR));
    // SAFETY: the command has started no thread (it never does before switching), and moves
    // itself for good on purpose: `-n NAME` and `exec` work in the namespace and then exit or exec.
    #[allow(unsafe_code)]
    let result = unsafe {
        env.apply(&mut |bind, e| {
            print(&[
                b"Bind ",
                bind.source().as_os_str().as_bytes(),
                b" -> ",
                bind.target().as_os_str().as_bytes(),
                b" failed: ",
                errno::text(e.raw_os_error()).as_bytes(),
            ]);
        })
    };
    let Err((step, e)) = result else { return true };
    let why = errno::text(e.raw_os_error());
    let why = why.as_bytes();
    match step {
        ExecStep::Setns => messages::setns_failed(name, e.raw_os_error()),
        ExecStep::UnshareMount => print(&[b"unshare failed: ", why]),
        ExecStep::MakeSlave => print(&[b"\"mount --make-rslave /\" failed: ", why]),
        _ => print(&[b"mount of /sys failed: ", why]),
    }
    false
}
