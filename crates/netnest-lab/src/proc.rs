// SPDX-License-Identifier: MIT OR Apache-2.0
//! What `/proc/PID/stat` says about a process: its start time (to tell a process from a later
//! one that got the same pid), its state and its command name; and stopping the processes left
//! in a namespace.

use std::time::{Duration, Instant};

use netnest::rustix::process::{pidfd_open, pidfd_send_signal, Pid, PidfdFlags, Signal};
use netnest::NsId;

/// Fields of `/proc/PID/stat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stat {
    /// The command name (`comm`, field 2).
    pub comm: String,
    /// The state letter (field 3): `Z` for a zombie.
    pub state: char,
    /// When the process started, in clock ticks after boot (field 22): with the pid, it
    /// identifies a process for good.
    pub start: u64,
}

/// Reads `/proc/PID/stat`; `None` if the process is gone.
pub(crate) fn stat(pid: u32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name is in parentheses and may hold anything, parentheses too: split at the last.
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_owned();
    let mut rest = text.get(close + 1..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    // Fields 4 to 21 come before the start time.
    let start = rest.nth(18)?.parse().ok()?;
    Some(Stat { comm, state, start })
}

/// Whether the process of `stat` started after `time` (by more than a second: the boot time
/// the kernel gives is in whole seconds). `false` when the clock cannot tell.
pub(crate) fn started_after(stat: &Stat, time: std::time::SystemTime) -> bool {
    let Some(boot) = boot_time() else {
        return false;
    };
    let ticks = netnest::rustix::param::clock_ticks_per_second().max(1);
    let started = boot + std::time::Duration::from_millis(stat.start * 1000 / ticks);
    started > time + std::time::Duration::from_secs(1)
}

/// When the machine booted (`btime` in `/proc/stat`).
fn boot_time() -> Option<std::time::SystemTime> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let secs = text
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// The start time of this process.
pub(crate) fn own_start() -> Option<u64> {
    stat(std::process::id()).map(|s| s.start)
}

/// Whether process `pid`, started at `start`, is still running (not gone, not reused, not a
/// zombie).
pub(crate) fn running(pid: u32, start: u64) -> bool {
    stat(pid).is_some_and(|s| s.start == start && s.state != 'Z')
}

/// The processes (thread-group leaders) in any of the namespaces `ids`, each with the index of
/// its namespace in `ids`: one pass over `/proc` for the whole lab, as `ip netns pids` makes
/// for one name (the library's [`netnest::Registry::pids`] looks up one name per pass, which
/// for a lab of 200 nodes costs 200 passes). Processes that vanish meanwhile are skipped.
pub(crate) fn pids_in(ids: &[NsId]) -> Vec<(u32, usize)> {
    let mut found = Vec::new();
    if ids.is_empty() {
        return found;
    }
    let by_ino: std::collections::HashMap<u64, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.ino, i)).collect();
    // Every namespace lives on the one nsfs device; a link names only its inode.
    let nsfs = netnest::rustix::fs::stat("/proc/thread-self/ns/net").map(|st| st.st_dev);
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(link) = std::fs::read_link(format!("/proc/{pid}/ns/net")) else {
            continue;
        };
        let ino = link
            .to_str()
            .and_then(|l| l.strip_prefix("net:["))
            .and_then(|l| l.strip_suffix(']'))
            .and_then(|l| l.parse::<u64>().ok());
        if let Some(&i) = ino.and_then(|ino| by_ino.get(&ino)) {
            if nsfs.as_ref().is_ok_and(|dev| *dev == ids[i].dev) {
                found.push((pid, i));
            }
        }
    }
    found
}

/// How long processes get between `SIGTERM` and `SIGKILL`.
const GRACE: Duration = Duration::from_millis(1500);

/// A process to stop: its pid, start time, name, the namespace it was found in.
struct Target {
    pid: u32,
    start: u64,
    comm: String,
    namespace: String,
}

/// Stops every process in `found` (pid, the namespace's name and identity): `SIGTERM`, up to
/// [`GRACE`] to exit, then `SIGKILL`. Each is signalled through a pidfd opened after checking
/// that the pid is still a process in that namespace, so a pid reused meanwhile is never
/// signalled. Returns what was stopped (`process 42 (sleep) in lab-h1`, with `, killed` if it
/// needed `SIGKILL`), and what could not be stopped.
pub(crate) fn stop(found: &[(u32, &str, NsId)]) -> (Vec<String>, Vec<String>) {
    let me = std::process::id();
    let mut targets = Vec::new();
    let mut failed = Vec::new();
    for &(pid, namespace, id) in found {
        if pid == me {
            continue;
        }
        let Some(st) = stat(pid) else { continue };
        let target = Target {
            pid,
            start: st.start,
            comm: st.comm,
            namespace: namespace.to_owned(),
        };
        match signal(&target, id, Signal::TERM) {
            Ok(true) => targets.push((target, id)),
            Ok(false) => {}
            Err(e) => failed.push(format!(
                "process {pid} ({}) in {namespace} ({e})",
                target.comm
            )),
        }
    }
    let deadline = Instant::now() + GRACE;
    let mut pause = Duration::from_millis(2);
    while targets.iter().any(|(t, _)| running(t.pid, t.start)) && Instant::now() < deadline {
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
    let mut stopped = Vec::new();
    for (t, id) in targets {
        let mut text = format!("process {} ({}) in {}", t.pid, t.comm, t.namespace);
        if running(t.pid, t.start) {
            match signal(&t, id, Signal::KILL) {
                Ok(_) => text.push_str(", killed"),
                Err(e) => {
                    failed.push(format!("{text} ({e})"));
                    continue;
                }
            }
        }
        stopped.push(text);
    }
    (stopped, failed)
}

/// Sends `sig` to `t` if it is still the process found in namespace `id`; `Ok(false)` if it is
/// gone.
fn signal(t: &Target, id: NsId, sig: Signal) -> std::io::Result<bool> {
    let Some(pid) = Pid::from_raw(t.pid as i32) else {
        return Ok(false);
    };
    let fd = match pidfd_open(pid, PidfdFlags::empty()) {
        Ok(fd) => fd,
        Err(netnest::rustix::io::Errno::SRCH) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    // The pidfd names one process for good; check it is still the one we found.
    let still = running(t.pid, t.start)
        && std::fs::read_link(format!("/proc/{}/ns/net", t.pid))
            .is_ok_and(|l| l.as_os_str() == format!("net:[{}]", id.ino).as_str());
    if !still {
        return Ok(false);
    }
    match pidfd_send_signal(&fd, sig) {
        Ok(()) => Ok(true),
        Err(netnest::rustix::io::Errno::SRCH) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_stat() {
        let me = stat(std::process::id()).unwrap();
        assert_ne!(me.state, 'Z');
        assert!(!me.comm.is_empty());
        assert!(me.start > 0);
        assert!(running(std::process::id(), me.start));
        assert!(!running(std::process::id(), me.start + 1));
    }
}
