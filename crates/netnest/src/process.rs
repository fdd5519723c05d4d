// SPDX-License-Identifier: MIT OR Apache-2.0
//! Starting processes inside a network namespace: [`CommandExt`].
//!
//! # Safety
//!
//! [`std::os::unix::process::CommandExt::pre_exec`] is `unsafe` because the hook runs between
//! `fork` and `exec`, where only async-signal-safe work is allowed. The hooks registered here only
//! make system calls (`setns`, `unshare`, `mount`) on values prepared before the fork: an owned fd
//! and C strings held by an [`ExecEnv`]. They allocate nothing and take no lock.
#![allow(unsafe_code)]

use std::io;
use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command};
use std::sync::Arc;

use rustix::io::Errno;

use crate::error::{Error, Op, Result};
use crate::exec_env::{ExecEnv, ExecStep};
use crate::netns::NetNs;

/// The errno of a failed `pre_exec` step travels back to the parent through std's error pipe; the
/// step is folded into its upper bits so the parent can say which step failed.
const STEP_SHIFT: u32 = 16;

fn step_code(step: ExecStep) -> i32 {
    match step {
        ExecStep::Setns => 1,
        ExecStep::UnshareMount => 2,
        ExecStep::MakeSlave => 3,
        ExecStep::MountSys => 4,
    }
}

fn encode(step: ExecStep, errno: Errno) -> io::Error {
    io::Error::from_raw_os_error((step_code(step) << STEP_SHIFT) | errno.raw_os_error())
}

/// Which setup step failed in a child started with [`CommandExt::netns`] or
/// [`CommandExt::netns_exec`], and its errno; `None` if the spawn failed otherwise (for example
/// `exec` itself: command not found).
pub fn failed_step(error: &io::Error) -> Option<(ExecStep, Errno)> {
    let raw = error.raw_os_error()?;
    let step = match raw >> STEP_SHIFT {
        1 => ExecStep::Setns,
        2 => ExecStep::UnshareMount,
        3 => ExecStep::MakeSlave,
        4 => ExecStep::MountSys,
        _ => return None,
    };
    Some((
        step,
        Errno::from_raw_os_error(raw & ((1 << STEP_SHIFT) - 1)),
    ))
}

/// Starting a [`std::process::Command`] inside a network namespace. The child is an ordinary
/// [`Child`]: its pipes, pid, `wait` and `kill` work as for any other.
pub trait CommandExt {
    /// Spawns the command inside `ns`: the spawn is made from a short-lived thread that has
    /// entered `ns`, so the child inherits it (no `pre_exec` hook; std can use its fast
    /// `posix_spawn` path). A namespace that cannot be entered is an [`Op::Setns`] error, a
    /// command that cannot be started an [`Op::Spawn`] error.
    ///
    /// ```no_run
    /// use netnest::CommandExt;
    /// let ns = netnest::NetNs::new()?;
    /// let out = std::process::Command::new("ip").arg("link").spawn_in(&ns)?.wait_with_output();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn spawn_in(&mut self, ns: &NetNs) -> Result<Child>;

    /// Makes every later spawn of this command start inside `ns` (a `pre_exec` hook that calls
    /// `setns`). A failure comes back from `spawn`/`status`/`output` as an [`io::Error`];
    /// [`failed_step`] tells it from other spawn errors.
    fn netns(&mut self, ns: &NetNs) -> Result<&mut Self>;

    /// Makes every later spawn of this command start in the full `ip netns exec` environment
    /// (network namespace, private mount namespace, `/sys`, `/etc/netns` binds). `/etc` binds
    /// that fail are skipped silently; [`failed_step`] explains other failures.
    fn netns_exec(&mut self, env: ExecEnv) -> &mut Self;
}

impl CommandExt for Command {
    fn spawn_in(&mut self, ns: &NetNs) -> Result<Child> {
        crate::netns::run(ns, || self.spawn())?.map_err(|e| Error::new(Op::Spawn, None, e))
    }

    fn netns(&mut self, ns: &NetNs) -> Result<&mut Self> {
        let ns = ns.try_clone()?;
        let hook = move || crate::sys::setns_net(&ns).map_err(|e| encode(ExecStep::Setns, e));
        // SAFETY: the hook only calls setns on an fd owned by the closure (see module docs).
        Ok(unsafe { self.pre_exec(hook) })
    }

    fn netns_exec(&mut self, env: ExecEnv) -> &mut Self {
        let env = Arc::new(env);
        let hook = move || {
            // SAFETY: the hook runs in the child between fork and exec, a single thread.
            unsafe { env.apply(&mut |_, _| {}) }.map_err(|(step, e)| encode(step, e))
        };
        // SAFETY: ExecEnv::apply only makes system calls on values prepared before the fork.
        unsafe { self.pre_exec(hook) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_survive_the_error_pipe() {
        for step in [
            ExecStep::Setns,
            ExecStep::UnshareMount,
            ExecStep::MakeSlave,
            ExecStep::MountSys,
        ] {
            let e = encode(step, Errno::PERM);
            assert_eq!(failed_step(&e), Some((step, Errno::PERM)));
        }
        assert_eq!(
            failed_step(&io::Error::from_raw_os_error(libc::ENOENT)),
            None
        );
        assert_eq!(failed_step(&io::Error::other("x")), None);
    }
}
