// SPDX-License-Identifier: MIT OR Apache-2.0
//! Fixtures for privileged tests: unique names, a private registry directory, a sleeping process.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rustix::mount::{unmount, UnmountFlags};

use crate::privileged::run_is_sandboxed;

/// The environment variable (set to `1`) that marks every process the test kit starts, so
/// `.ci/leak-check` can find leftovers.
pub const MARKER_ENV: &str = "NETNEST_TEST_MARKER";

/// A name no other call in any process returns: `PREFIX-PID-N`.
///
/// Short enough for a namespace name or a link name (15 bytes) when `prefix` is short.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A unique directory under `/run`, for a registry of one's own; removed with everything under
/// it (mounts detached first) when dropped.
///
/// It may only be made inside a sandbox, where `/run` is the test kit's tmpfs (see
/// [`run_is_sandboxed`]), so a test can never write to the host's `/run`.
#[derive(Debug)]
pub struct TempRunDir {
    path: PathBuf,
}

impl TempRunDir {
    /// Creates `/run/PREFIX-PID-N`.
    ///
    /// # Panics
    ///
    /// If `/run` is not a sandbox's tmpfs, or the directory cannot be created.
    pub fn new(prefix: &str) -> TempRunDir {
        assert!(
            run_is_sandboxed(),
            "TempRunDir outside a sandbox: /run is not the test kit's tmpfs (use netnest_testkit::main!)"
        );
        let path = Path::new("/run").join(unique_name(prefix));
        std::fs::create_dir(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        TempRunDir { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempRunDir {
    fn drop(&mut self) {
        // Detach the deepest mounts first; a path may carry stacked mounts, so repeat.
        for _ in 0..1000 {
            let mut mounts = mounts_under(&self.path);
            if mounts.is_empty() {
                break;
            }
            mounts.sort_by_key(|m| std::cmp::Reverse(m.as_os_str().len()));
            for m in mounts {
                let _ = unmount(&m, UnmountFlags::DETACH | UnmountFlags::NOFOLLOW);
            }
        }
        if let Err(e) = std::fs::remove_dir_all(&self.path) {
            eprintln!("netnest-testkit: removing {}: {e}", self.path.display());
        }
    }
}

/// Mount points at or under `dir`.
fn mounts_under(dir: &Path) -> Vec<PathBuf> {
    crate::mountinfo::mounts()
        .into_iter()
        .map(|m| m.point)
        .filter(|p| p.starts_with(dir))
        .collect()
}

/// A `sleep` process for tests that need a pid (`attach`, `identify`, `pids`); killed and
/// reaped when dropped.
#[derive(Debug)]
pub struct Sleeper {
    child: Child,
}

impl Sleeper {
    /// Starts `sleep` in the caller's network namespace.
    pub fn spawn() -> Sleeper {
        let child = Command::new("sleep")
            .arg0("netnest-test-sleep")
            .arg("3600")
            .env(MARKER_ENV, "1")
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting sleep: {e}"));
        Sleeper { child }
    }

    /// Starts `sleep` in a new network namespace (through `unshare --net`), and returns once it
    /// is there.
    pub fn spawn_in_new_netns() -> Sleeper {
        let child = Command::new("unshare")
            .args(["--net", "--", "sleep", "3600"])
            .env(MARKER_ENV, "1")
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting unshare --net sleep: {e}"));
        let sleeper = Sleeper { child };
        let ours = std::fs::read_link("/proc/self/ns/net").expect("reading /proc/self/ns/net");
        let deadline = Instant::now() + Duration::from_secs(10);
        let theirs = format!("/proc/{}/ns/net", sleeper.pid());
        while std::fs::read_link(&theirs).ok().as_ref() == Some(&ours) {
            assert!(Instant::now() < deadline, "sleep never left our netns");
            std::thread::sleep(Duration::from_millis(2));
        }
        sleeper
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_differ() {
        let a = unique_name("nn");
        let b = unique_name("nn");
        assert_ne!(a, b);
        assert!(a.starts_with(&format!("nn-{}-", std::process::id())));
    }
}
