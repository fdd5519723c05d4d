// SPDX-License-Identifier: MIT OR Apache-2.0
//! Timing commands: spawn to reap, stdio on `/dev/null`, the same way for every side.

use std::ffi::OsStr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `argv` with stdio on `/dev/null`, and returns the time from spawn to reap. A command that
/// does not exit 0 is an error that says what it printed (it is run again to capture that).
pub fn time<S: AsRef<OsStr>>(argv: &[S]) -> Result<Duration, String> {
    let mut cmd = Command::new(argv[0].as_ref());
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let start = Instant::now();
    let status = cmd.status().map_err(|e| format!("{}: {e}", show(argv)))?;
    let elapsed = start.elapsed();
    if status.success() {
        Ok(elapsed)
    } else {
        let out = output(argv);
        Err(format!(
            "{} exited with {status}: {}",
            show(argv),
            out.1.trim()
        ))
    }
}

/// Runs `argv` and returns its exit code (−1 if killed), stdout and stderr.
pub fn output<S: AsRef<OsStr>>(argv: &[S]) -> (i32, String, String) {
    match Command::new(argv[0].as_ref())
        .args(&argv[1..])
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) => (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        Err(e) => (-1, String::new(), e.to_string()),
    }
}

/// The command line, for messages.
pub fn show<S: AsRef<OsStr>>(argv: &[S]) -> String {
    argv.iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a command's output says that the feature is not there yet (the CLI's placeholder
/// message, or `ip`'s unknown-command text for a verb it does not know).
pub fn not_implemented(stderr: &str) -> bool {
    let s = stderr.to_ascii_lowercase();
    s.contains("not implemented") || s.contains("is unknown, try")
}
