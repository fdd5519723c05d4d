// SPDX-License-Identifier: MIT OR Apache-2.0
//! Errors: [`SpecError`] for a topology that does not validate (nothing is created), [`LabError`]
//! for building or tearing down a lab.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A place in a topology file: 1-based line and column (in characters), with the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, counted in characters.
    pub column: usize,
    /// How many characters the offending text spans on that line (at least 1).
    pub width: usize,
    /// The text of the line.
    pub text: String,
}

impl Location {
    /// The location of the byte range `span` in `source`.
    pub fn of(source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let text = source[line_start..line_end].trim_end_matches('\r');
        let end = floor_char_boundary(source, span.end.clamp(start, line_end));
        Location {
            line: source[..line_start].matches('\n').count() + 1,
            column: source[line_start..start].chars().count() + 1,
            width: source[start..end].chars().count().max(1),
            text: text.to_owned(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One thing wrong with a topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is in the topology's structure: `links[2].b.node`, `nodes.r.routes[0].via`.
    pub path: String,
    /// What is wrong: `unknown node "h3" (the nodes are: h1, h2, r)`.
    pub message: String,
    /// Where it is in the file, when the topology came from text.
    pub location: Option<Location>,
}

/// A topology that does not validate: its file (if any) and every problem found, in file order.
/// Nothing is created for a topology with problems.
///
/// Its `Display` is a compiler-style report:
///
/// ```text
/// lab.toml:12:14: unknown node "h3" (the nodes are: h1, h2, r)
///    |
/// 12 | b = { node = "h3", ifname = "eth0" }
///    |              ^^^^
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    file: Option<PathBuf>,
    problems: Vec<Problem>,
}

impl SpecError {
    pub(crate) fn new(file: Option<&Path>, problems: Vec<Problem>) -> SpecError {
        SpecError {
            file: file.map(Path::to_path_buf),
            problems,
        }
    }

    /// The file the topology was read from (`None` for a string or a builder).
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The problems, at least one.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The first problem.
    pub fn first(&self) -> &Problem {
        &self.problems[0]
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self
            .file
            .as_deref()
            .map_or_else(|| "<topology>".to_owned(), |p| p.display().to_string());
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &p.location {
                Some(loc) => {
                    write!(f, "{file}:{}:{}: {}", loc.line, loc.column, p.message)?;
                    let num = loc.line.to_string();
                    let pad = " ".repeat(num.len());
                    write!(f, "\n{pad} |\n{num} | {}\n{pad} | ", loc.text)?;
                    write!(f, "{}{}", " ".repeat(loc.column - 1), "^".repeat(loc.width))?;
                }
                None if p.path.is_empty() => write!(f, "{file}: {}", p.message)?,
                None => write!(f, "{file}: {}: {}", p.path, p.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// What a failed step failed with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Cause {
    /// A namespace or netlink operation ([`netnest::Error`]: operation, errno, the kernel's
    /// extended-ACK message).
    Netnest(netnest::Error),
    /// A file operation (the record, a sysctl).
    Io(io::Error),
}

impl Cause {
    /// The errno, if there is one.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self {
            Cause::Netnest(e) => e.raw_os_error(),
            Cause::Io(e) => e.raw_os_error(),
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Netnest(e) => fmt::Display::fmt(e, f),
            Cause::Io(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl From<netnest::Error> for Cause {
    fn from(e: netnest::Error) -> Cause {
        Cause::Netnest(e)
    }
}

impl From<io::Error> for Cause {
    fn from(e: io::Error) -> Cause {
        Cause::Io(e)
    }
}

/// Why a lab could not be brought up, torn down or read.
#[derive(Debug)]
#[non_exhaustive]
pub enum LabError {
    /// The topology is invalid; nothing was created.
    Spec(SpecError),
    /// A lab of this name is recorded already (it is up, or was half made: `down` it first).
    AlreadyUp {
        /// The lab's name.
        lab: String,
        /// Its record.
        record: PathBuf,
    },
    /// No lab of this name is recorded.
    NotFound {
        /// The name asked for.
        lab: String,
    },
    /// The lab's `up` is still running in another process (it holds the lab's lock, or the
    /// recorded builder is alive with its start time). `down` can be forced
    /// ([`force_down`](crate::force_down)).
    Busy {
        /// The lab's name.
        lab: String,
        /// The process running `up`, as recorded (a pid of its own pid namespace).
        pid: u32,
    },
    /// The lab's record (or its journal) cannot be read: damaged, or written in another
    /// format. Nothing was removed.
    Unreadable {
        /// The lab's name.
        lab: String,
        /// The file that could not be read.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Something the lab would create exists already (a namespace or a host interface of that
    /// name); nothing was created.
    Taken {
        /// What: `namespace "demo-h1"`, `host interface "veth-demo"`.
        what: String,
    },
    /// A step failed. Everything made before it was removed again, except what `leftovers`
    /// lists (cleanup failures; `down` retries them from the record, which is then kept).
    Step {
        /// The step: `create veth h1:eth0 -- r:eth1`, `add route default via 10.0.1.1 on h1`.
        step: String,
        /// Why.
        cause: Cause,
        /// What could not be removed afterwards.
        leftovers: Vec<String>,
    },
}

impl LabError {
    pub(crate) fn step(step: impl Into<String>, cause: impl Into<Cause>) -> LabError {
        LabError::Step {
            step: step.into(),
            cause: cause.into(),
            leftovers: Vec::new(),
        }
    }
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Spec(e) => fmt::Display::fmt(e, f),
            LabError::AlreadyUp { lab, record } => write!(
                f,
                "lab \"{lab}\" is already recorded in {} (it is up or was left half made: take it down first)",
                record.display()
            ),
            LabError::NotFound { lab } => write!(f, "no lab \"{lab}\" is recorded"),
            LabError::Busy { lab, pid } => write!(
                f,
                "lab \"{lab}\" is being built by process {pid} (recorded with its start time, and holding the lab's lock); wait for it to finish, or take the lab down with --force"
            ),
            LabError::Unreadable { lab, path, reason } => write!(
                f,
                "cannot read {} of lab \"{lab}\": {reason}; nothing was removed (remove what the lab made by hand, then that file)",
                path.display()
            ),
            LabError::Taken { what } => {
                write!(f, "{what} exists already; nothing was created")
            }
            LabError::Step {
                step,
                cause,
                leftovers,
            } => {
                write!(f, "cannot {step}: {cause}")?;
                if needs_root(cause) {
                    write!(f, " (making or removing a lab needs root: CAP_SYS_ADMIN)")?;
                }
                if leftovers.is_empty() {
                    write!(f, " (everything made was removed)")
                } else {
                    write!(f, " (could not remove: {})", leftovers.join("; "))
                }
            }
        }
    }
}

/// Whether a failure is for want of privilege: `EPERM` or `EACCES` in a process without
/// `CAP_SYS_ADMIN`.
fn needs_root(cause: &Cause) -> bool {
    use netnest::rustix::io::Errno;
    use netnest::rustix::thread::{capabilities, CapabilitySet};
    let privileged =
        capabilities(None).is_ok_and(|c| c.effective.contains(CapabilitySet::SYS_ADMIN));
    let errno = cause.raw_os_error();
    !privileged
        && (errno == Some(Errno::PERM.raw_os_error())
            || errno == Some(Errno::ACCESS.raw_os_error()))
}

/// The cause is part of the `Display` text (match on [`LabError::Step`]'s `cause` to reach it),
/// so it is not also a `source`: a printer that walks the chain of sources would print it twice.
impl std::error::Error for LabError {}

impl From<SpecError> for LabError {
    fn from(e: SpecError) -> LabError {
        LabError::Spec(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cause in a chain of sources, as `anyhow`'s `{:#}` prints them.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut text = e.to_string();
        let mut next = e.source();
        while let Some(cause) = next {
            text = format!("{text}: {cause}");
            next = cause.source();
        }
        text
    }

    #[test]
    fn the_cause_is_printed_once() {
        let cause = netnest::Error::new(
            netnest::Op::Open,
            Some(Path::new("/run/netns/x")),
            io::Error::from_raw_os_error(2),
        );
        let e = LabError::step("open namespace x", cause);
        assert_eq!(
            chain(&e).matches("No such file or directory").count(),
            1,
            "{}",
            chain(&e)
        );
        let e = LabError::step("write sysctl", io::Error::from_raw_os_error(2));
        assert_eq!(
            chain(&e).matches("No such file or directory").count(),
            1,
            "{}",
            chain(&e)
        );
    }

    #[test]
    fn locations() {
        let src = "a = 1\nbb = \"é x\"\n";
        let at = src.find('x').unwrap();
        let loc = Location::of(src, at..at + 1);
        assert_eq!((loc.line, loc.column, loc.width), (2, 9, 1));
        assert_eq!(loc.text, "bb = \"é x\"");
        let loc = Location::of(src, 0..0);
        assert_eq!((loc.line, loc.column, loc.width), (1, 1, 1));
    }
}
