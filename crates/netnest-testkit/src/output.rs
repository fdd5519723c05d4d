// SPDX-License-Identifier: MIT OR Apache-2.0
//! What a command left behind: stdout, stderr, exit status, and the after script's output.

use std::fmt;

/// What one run of a command in a sandbox produced.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The command's standard output, exactly.
    pub stdout: Vec<u8>,
    /// The command's standard error, exactly (the after script's output is split off).
    pub stderr: Vec<u8>,
    /// The exit status as a shell sees it: the exit code, or 128 + the signal number.
    pub code: i32,
    /// Standard output and error of the after script, if the scenario has one.
    pub after: Vec<u8>,
}

impl Output {
    /// Panics unless this output is exactly `expected`, naming each part that differs.
    #[track_caller]
    pub fn assert(&self, expected: &Expect) {
        if let Some(report) = mismatch("expected", &expected.0, "actual", self) {
            panic!("{report}");
        }
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  code:   {}", self.code)?;
        writeln!(f, "  stdout: \"{}\"", self.stdout.escape_ascii())?;
        write!(f, "  stderr: \"{}\"", self.stderr.escape_ascii())?;
        if !self.after.is_empty() {
            write!(f, "\n  after:  \"{}\"", self.after.escape_ascii())?;
        }
        Ok(())
    }
}

/// An expected [`Output`], written out in a test: exit code 0 and empty streams unless set.
///
/// ```
/// use netnest_testkit::Expect;
/// let e = Expect::code(1).stderr("No netns name specified\n");
/// # let _ = e;
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Expect(pub Output);

impl Expect {
    /// Success with no output.
    pub fn ok() -> Expect {
        Expect::default()
    }

    /// Exit code `code` with no output (so far).
    pub fn code(code: i32) -> Expect {
        Expect(Output {
            code,
            ..Output::default()
        })
    }

    /// This exact standard output.
    pub fn stdout(mut self, bytes: impl AsRef<[u8]>) -> Expect {
        self.0.stdout = bytes.as_ref().to_vec();
        self
    }

    /// This exact standard error.
    pub fn stderr(mut self, bytes: impl AsRef<[u8]>) -> Expect {
        self.0.stderr = bytes.as_ref().to_vec();
        self
    }

    /// This exact output from the after script.
    pub fn after(mut self, bytes: impl AsRef<[u8]>) -> Expect {
        self.0.after = bytes.as_ref().to_vec();
        self
    }
}

impl fmt::Debug for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which parts of two outputs differ, or `None` when they are equal.
pub(crate) fn differing_parts(a: &Output, b: &Output) -> Vec<&'static str> {
    let mut parts = Vec::new();
    if a.stdout != b.stdout {
        parts.push("stdout");
    }
    if a.stderr != b.stderr {
        parts.push("stderr");
    }
    if a.code != b.code {
        parts.push("exit code");
    }
    if a.after != b.after {
        parts.push("after-script output");
    }
    parts
}

/// A report of how `b` differs from `a`, with both sides escaped, or `None` if they are equal.
pub(crate) fn mismatch(a_name: &str, a: &Output, b_name: &str, b: &Output) -> Option<String> {
    let parts = differing_parts(a, b);
    if parts.is_empty() {
        return None;
    }
    Some(format!(
        "{} differ{}\n{a_name}:\n{a:?}\n{b_name}:\n{b:?}",
        parts.join(", "),
        if parts.len() == 1 { "s" } else { "" },
    ))
}
