// SPDX-License-Identifier: MIT OR Apache-2.0
//! Running a command in a throw-away sandbox made by `unshare(1)`.
//!
//! Each run gets fresh namespaces: mount (`/` made rprivate), network, and pid (with its own
//! `/proc`). Inside, tmpfs filesystems are mounted on `/run` and `/tmp`, and on request on
//! `/etc/netns`. So a command that creates named namespaces, mounts or links cannot touch the
//! host, and when the sandbox's first process exits the kernel kills everything it left running.
//! Nothing is written outside the sandbox's own tmpfs filesystems.
//!
//! The prelude reports, on stderr, that the sandbox holds (`/run` is its tmpfs) and in which
//! mount namespace; [`Sandbox::run`] checks that line (another namespace than its own) and removes
//! it, so a sandbox that was not made fails the test instead of running the command on the host.
//! As non-root nothing is tried: the run fails, saying that root is needed. Directories of the
//! test's own under `/tmp` or `/run` (a checkout in `/tmp/x`) are bound back over the tmpfs
//! filesystems (see [`crate::kept_roots`]).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::arg::Arg;
use crate::output::Output;

const PRELUDE: &str = include_str!("prelude.sh");
const SETUP_FAILED: &[u8] = b"\0netnest-testkit: setup failed";
const AFTER_MARK: &[u8] = b"\0netnest-testkit: after\n";
/// The start of the line the prelude prints once the sandbox is made, before its mount namespace.
const SANDBOX_MARK: &[u8] = b"\0netnest-testkit: sandbox ";
/// `$0` of the sandbox shell: marks the sandbox's processes for `.ci/leak-check`.
pub const SANDBOX_ARGV0: &str = "netnest-test-sandbox";
/// The `PATH` that commands in the sandbox get (the environment is otherwise cleared).
pub const SANDBOX_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// A sandbox description: what to prepare before the command runs, and how long it may take.
///
/// The command runs with an environment holding only `PATH` ([`SANDBOX_PATH`]), `LC_ALL=C` and
/// what [`Sandbox::env`] adds, so the reference and netnest see the same one.
///
/// ```no_run
/// use netnest_testkit::Sandbox;
/// let out = Sandbox::new().setup("ip netns add a").run(&["ip".into(), "netns".into()]);
/// assert_eq!(out.stdout, b"a\n");
/// ```
#[derive(Clone, Debug)]
pub struct Sandbox {
    setup: String,
    after: String,
    files: Vec<(OsString, Vec<u8>)>,
    stdin: Option<Vec<u8>>,
    etc_netns: bool,
    timeout: Duration,
    env: Vec<(OsString, OsString)>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// A sandbox with nothing prepared and the default timeout (30 s, or
    /// `NETNEST_TEST_TIMEOUT_SECS`).
    pub fn new() -> Sandbox {
        let secs = std::env::var("NETNEST_TEST_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30);
        Sandbox {
            setup: String::new(),
            after: String::new(),
            files: Vec::new(),
            stdin: None,
            etc_netns: false,
            timeout: Duration::from_secs(secs),
            env: Vec::new(),
        }
    }

    /// Appends shell commands (POSIX `sh`, run with `set -e`) to run before the command; their
    /// output is not compared, but a failure fails the test and shows it. Variables they set can
    /// be used as [`Arg::var`] words. Helpers: `nn_sleeper VAR` starts `sleep` in a new network
    /// namespace and stores its pid in `VAR`; `nn_wait_netns PID` waits until PID has left this
    /// network namespace; `nn_state` prints the facts of `/run/netns` (for after scripts).
    pub fn setup(mut self, script: &str) -> Sandbox {
        self.setup.push_str(script);
        self.setup.push('\n');
        self
    }

    /// Appends shell commands to run after the command; their standard output and error are
    /// captured together in [`Output::after`] (and compared by the differential runner).
    pub fn after(mut self, script: &str) -> Sandbox {
        self.after.push_str(script);
        self.after.push('\n');
        self
    }

    /// Writes `contents` to `path` in the sandbox before setup runs (parent directories are
    /// created). `path` must be under `/tmp/`, `/run/` or (with [`Sandbox::etc_netns`])
    /// `/etc/netns/`, the sandbox's own tmpfs filesystems.
    ///
    /// # Panics
    ///
    /// If `path` is elsewhere or contains `..`.
    pub fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> Sandbox {
        let inside = ["/tmp/", "/run/", "/etc/netns/"]
            .iter()
            .any(|dir| path.starts_with(dir) && path.len() > dir.len());
        assert!(
            inside && !path.split('/').any(|c| c == ".."),
            "sandbox files live under /tmp/, /run/ or /etc/netns/: {path:?}"
        );
        self.files.push((path.into(), contents.as_ref().to_vec()));
        self
    }

    /// Feeds these bytes to the command's standard input (otherwise it reads `/dev/null`).
    pub fn stdin(mut self, bytes: impl AsRef<[u8]>) -> Sandbox {
        self.stdin = Some(bytes.as_ref().to_vec());
        self
    }

    /// Also mounts a tmpfs on `/etc/netns` (through a private overlay on `/etc` when the host
    /// has no `/etc/netns`), so tests can add files there.
    pub fn etc_netns(mut self) -> Sandbox {
        self.etc_netns = true;
        self
    }

    /// Fails the run (panics) if it takes longer than this; everything in the sandbox is killed.
    pub fn timeout(mut self, timeout: Duration) -> Sandbox {
        self.timeout = timeout;
        self
    }

    /// Sets an environment variable for the setup, the command and the after script.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Sandbox {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs the command `argv` (its first word is the program, looked up in `PATH`) in a fresh
    /// sandbox and returns what it printed and its exit status.
    ///
    /// # Panics
    ///
    /// If the sandbox cannot be made, the setup script fails (the panic shows its output), the
    /// run exceeds the timeout, or a literal word contains a NUL byte.
    pub fn run(&self, argv: &[Arg]) -> Output {
        assert!(!argv.is_empty(), "no command to run");
        if let Some(why) = crate::privileged::needs_root() {
            let why = why.trim_start_matches("skipped: ");
            panic!("netnest-testkit: this test makes sandboxes and did not run: {why}");
        }
        // The command runs in a subshell that execs it, with the real stderr, while the shell's
        // own stderr is /dev/null: so dash's "Terminated" report of a command killed by a
        // signal is not mistaken for the command's output.
        let mut script = String::from(PRELUDE);
        script.push_str("exec 4>&2 2>/dev/null\n( exec ");
        for (i, arg) in argv.iter().enumerate() {
            match arg {
                Arg::Lit(_) => script.push_str(&format!("\"${{{}}}\" ", i + 1)),
                Arg::Var(v) => script.push_str(&format!("\"${{{v}}}\" ")),
            }
        }
        script.push_str(
            "2>&4 4>&- )\nnn_rc=$?\nexec 2>&4 4>&-\n[ -z \"$nn_after\" ] || nn_run_after\nexit \"$nn_rc\"\n",
        );

        let mut cmd = Command::new("unshare");
        cmd.args([
            "--mount",
            "--net",
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            "--propagation",
            "private",
            "--",
            "/bin/sh",
            "-c",
        ]);
        cmd.arg(&script).arg(SANDBOX_ARGV0);
        for arg in argv {
            match arg {
                Arg::Lit(s) => {
                    assert!(!s.as_bytes().contains(&0), "NUL byte in {arg:?}");
                    cmd.arg(s)
                }
                Arg::Var(_) => cmd.arg(""),
            };
        }
        cmd.env_clear()
            .env("PATH", SANDBOX_PATH)
            .env("LC_ALL", "C")
            .env("NETNEST_TEST_MARKER", "1")
            .env("NN_SETUP", &self.setup)
            .env("NN_AFTER", &self.after)
            .env("NN_NFILES", self.files.len().to_string());
        if self.etc_netns {
            cmd.env("NN_ETC_NETNS", "1");
        }
        let program = match &argv[0] {
            Arg::Lit(s) => Some(s.as_os_str()),
            Arg::Var(_) => None,
        };
        let keep = crate::keep::kept_roots(program);
        if !keep.is_empty() {
            let lines: Vec<_> = keep.iter().map(|p| p.as_os_str().as_bytes()).collect();
            cmd.env("NN_KEEP", OsString::from_vec(lines.join(&b'\n')));
        }
        for (i, (path, data)) in self.files.iter().enumerate() {
            cmd.env(format!("NN_FILE_PATH_{i}"), path)
                .env(format!("NN_FILE_DATA_{i}"), octal_escapes(data));
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));

        let raw = run_with_timeout(cmd, self.stdin.clone(), self.timeout).unwrap_or_else(|raw| {
            panic!(
                "sandbox run timed out after {:?}: {}\n{raw:?}",
                self.timeout,
                describe(argv)
            )
        });
        let raw = checked_sandbox(raw, argv);
        if raw.stderr.starts_with(SETUP_FAILED) {
            panic!(
                "sandbox setup failed for {}:\n{}\nsetup script:\n{}",
                describe(argv),
                String::from_utf8_lossy(&raw.stderr[1..]),
                self.setup
            );
        }
        split_after(raw)
    }
}

impl Sandbox {
    /// What this sandbox prepares, as failure messages show it.
    pub(crate) fn describe(&self) -> String {
        let mut text = String::new();
        for (path, data) in &self.files {
            text += &format!(
                "file {}: \"{}\"\n",
                path.to_string_lossy(),
                data.escape_ascii()
            );
        }
        if !self.setup.is_empty() {
            text += &format!("setup:\n{}", self.setup);
        }
        if let Some(stdin) = &self.stdin {
            text += &format!("stdin: \"{}\"\n", stdin.escape_ascii());
        }
        if !self.after.is_empty() {
            text += &format!("after:\n{}", self.after);
        }
        text
    }
}

/// Removes the prelude's line saying that the sandbox holds from stderr, after checking that it
/// is there and names another mount namespace than this process's.
///
/// # Panics
///
/// If the line is missing (the prelude did not run) or names this process's namespace.
fn checked_sandbox(mut raw: Output, argv: &[Arg]) -> Output {
    let line = raw
        .stderr
        .starts_with(SANDBOX_MARK)
        .then(|| raw.stderr.iter().position(|&b| b == b'\n'))
        .flatten();
    let Some(end) = line else {
        panic!(
            "the sandbox's prelude did not run for {} (rc {}):\n{}",
            describe(argv),
            raw.code,
            String::from_utf8_lossy(&raw.stderr)
        );
    };
    let inside = raw.stderr[SANDBOX_MARK.len()..end].to_vec();
    let ours = std::fs::read_link("/proc/self/ns/mnt").unwrap_or_default();
    assert!(
        !inside.is_empty() && inside != ours.as_os_str().as_bytes(),
        "the sandbox of {} runs in this process's mount namespace ({})",
        describe(argv),
        String::from_utf8_lossy(&inside)
    );
    raw.stderr.drain(..=end);
    raw
}

/// `argv` as failure messages show it.
pub(crate) fn describe(argv: &[Arg]) -> String {
    argv.iter().map(Arg::describe).collect::<Vec<_>>().join(" ")
}

/// Every byte as a `printf %b` octal escape (`\0ooo`), so any bytes, NUL included, pass
/// through an environment variable.
fn octal_escapes(data: &[u8]) -> OsString {
    let mut out = Vec::with_capacity(data.len() * 5);
    for b in data {
        out.extend_from_slice(format!("\\0{b:03o}").as_bytes());
    }
    OsString::from_vec(out)
}

/// Moves whatever follows the after marker in stderr to [`Output::after`].
fn split_after(mut out: Output) -> Output {
    if let Some(at) = out
        .stderr
        .windows(AFTER_MARK.len())
        .rposition(|w| w == AFTER_MARK)
    {
        out.after = out.stderr.split_off(at)[AFTER_MARK.len()..].to_vec();
    }
    out
}

/// Runs `cmd` with captured stdout and stderr, feeding `stdin`; kills it after `timeout` and
/// returns what was captured so far as the error.
fn run_with_timeout(
    mut cmd: Command,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
) -> Result<Output, Output> {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start unshare(1): {e}"));
    let writer = child.stdin.take().zip(stdin).map(|(mut pipe, bytes)| {
        // An error here means the command did not read all of its input: not our business.
        thread::spawn(move || drop(pipe.write_all(&bytes)))
    });
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as _));

    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                // unshare --kill-child passes the SIGKILL on to the sandbox's pid 1, and the
                // kernel then kills every other process of the pid namespace.
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(e) => panic!("waiting for unshare(1): {e}"),
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let out = Output {
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        code: status.map_or(-1, |s| {
            use std::os::unix::process::ExitStatusExt;
            s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0))
        }),
        after: Vec::new(),
    };
    if status.is_some() {
        Ok(out)
    } else {
        Err(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{checked_sandbox, Output, SANDBOX_MARK};

    fn raw(stderr: &[u8]) -> Output {
        Output {
            stderr: stderr.to_vec(),
            ..Output::default()
        }
    }

    #[test]
    fn the_sandbox_line_is_checked_and_removed() {
        let line = [SANDBOX_MARK, b"mnt:[1]\nerror text\n"].concat();
        let out = checked_sandbox(raw(&line), &["true".into()]);
        assert_eq!(out.stderr, b"error text\n");
    }

    #[test]
    #[should_panic = "prelude did not run"]
    fn a_missing_sandbox_line_fails() {
        checked_sandbox(
            raw(b"unshare: unshare failed: Operation not permitted\n"),
            &["true".into()],
        );
    }

    #[test]
    #[should_panic = "runs in this process's mount namespace"]
    fn a_sandbox_in_this_mount_namespace_fails() {
        let ours = std::fs::read_link("/proc/self/ns/mnt").unwrap();
        let line = [SANDBOX_MARK, ours.to_str().unwrap().as_bytes(), b"\n"].concat();
        checked_sandbox(raw(&line), &["true".into()]);
    }
}
