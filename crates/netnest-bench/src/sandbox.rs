// SPDX-License-Identifier: MIT OR Apache-2.0
//! The bench runs in a sandbox, never on the host's `/run/netns`: a private mount namespace and
//! network namespace with a tmpfs on `/run` (`scripts/bench` makes it with `unshare`). The driver
//! refuses to start anywhere else ([`check`]); once it has checked, it [`mark`]s the sandbox for
//! the programs it runs, and `kernel-floor` refuses to mount anything unless it is in the marked
//! mount namespace ([`check_marked`]).

use std::os::unix::fs::MetadataExt;

/// Why the current process is not in a sandbox, if it is not: it must not share its parent's
/// network or mount namespace (`unshare` execs the driver, so the parent is the shell that ran
/// it, on the host), and `/run` must be a tmpfs.
pub fn check() -> Result<(), String> {
    let parent = rustix::process::getppid()
        .map(|p| p.as_raw_nonzero().get().to_string())
        .ok_or("no parent process")?;
    let ns = |pid: &str, kind: &str| {
        std::fs::metadata(format!("/proc/{pid}/ns/{kind}"))
            .map(|m| m.ino())
            .map_err(|e| format!("/proc/{pid}/ns/{kind}: {e}"))
    };
    for kind in ["net", "mnt"] {
        if ns("self", kind)? == ns(&parent, kind)? {
            return Err(format!(
                "this process shares its parent's {kind} namespace; run it through scripts/bench \
                 (unshare --mount --net --propagation private, tmpfs on /run)"
            ));
        }
    }
    let mounts = std::fs::read_to_string("/proc/self/mounts").map_err(|e| e.to_string())?;
    let run_tmpfs = mounts.lines().rev().any(|l| {
        let mut f = l.split_whitespace();
        let (_, at, kind) = (f.next(), f.next(), f.next());
        at == Some("/run") && kind == Some("tmpfs")
    });
    if !run_tmpfs {
        return Err("/run is not a tmpfs in this mount namespace".into());
    }
    Ok(())
}

/// The variable that carries the sandbox's mount namespace (its inode) to the programs the driver
/// runs.
pub const VAR: &str = "NETNEST_BENCH_SANDBOX";

fn mnt_inode() -> Result<u64, String> {
    std::fs::metadata("/proc/self/ns/mnt")
        .map(|m| m.ino())
        .map_err(|e| format!("/proc/self/ns/mnt: {e}"))
}

/// Marks this (checked) sandbox for child processes: sets [`VAR`] to this mount namespace.
pub fn mark() -> Result<(), String> {
    std::env::set_var(VAR, mnt_inode()?.to_string());
    Ok(())
}

/// Whether this process is in the mount namespace that a checked driver marked. A variable
/// inherited outside that namespace names another one and does not count.
pub fn check_marked() -> Result<(), String> {
    let marked = std::env::var(VAR).map_err(|_| {
        format!("{VAR} is not set: run this from scripts/bench, or in a sandbox that sets it")
    })?;
    if marked == mnt_inode()?.to_string() {
        Ok(())
    } else {
        Err(format!("{VAR} names another mount namespace than this one"))
    }
}
