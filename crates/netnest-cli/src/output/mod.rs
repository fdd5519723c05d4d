// SPDX-License-Identifier: MIT OR Apache-2.0
//! Everything `netnest` writes: stdout buffered as C's stdio buffers it, stderr unbuffered, one
//! JSON writer ([`json`]) and one printer for plain text and JSON ([`Printer`]), and the lab's
//! progress bar ([`progress`]).
//!
//! * **stdout** is line-buffered on a terminal and fully buffered otherwise (the buffer is the size
//!   `fstat` reports, as glibc does), and flushed where `ip` flushes: when a JSON document ends, and
//!   at exit. So when stdout and stderr go to the same pipe, the bytes interleave as `ip`'s do.
//! * **stderr** is written at once, one `write` per message, as C's unbuffered stderr does.
//! * **JSON** is laid out as iproute2's `json_writer` lays it out (pretty mode indents by four
//!   spaces and writes `[ ` … ` ]`). Where `ip` prints JSON, strings are escaped as `ip` escapes
//!   them (only `\t \n \r \f \b \\ \"`; other bytes raw, so a name with a control byte or invalid
//!   UTF-8 gives what `ip` gives); netnest's own subcommands escape as JSON requires
//!   ([`json::Escape`]).

use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;

pub mod json;
mod printer;
pub mod progress;

pub use printer::Printer;

/// glibc's buffer size when `fstat` says nothing useful (`BUFSIZ`).
const BUFSIZ: usize = 8192;

/// The process's standard output, buffered like C's `stdout`.
#[derive(Debug, Default)]
pub struct Stdout {
    buf: Vec<u8>,
    /// Decided at the first write, as glibc does: `None` until then.
    mode: Option<Mode>,
    /// Where flushed bytes go in unit tests (`None`: the real stdout).
    #[cfg(test)]
    captured: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// A terminal: flushed after each newline.
    Line,
    /// Anything else: flushed when this many bytes are buffered.
    Full(usize),
}

impl Stdout {
    /// A stdout with nothing buffered. Makes no system call.
    pub fn new() -> Stdout {
        Stdout::default()
    }

    /// Buffers `bytes`, writing out what C's stdio would write out at this point.
    pub fn write(&mut self, bytes: &[u8]) {
        let mode = *self.mode.get_or_insert_with(Mode::detect);
        self.buf.extend_from_slice(bytes);
        let due = match mode {
            // Everything up to the last newline.
            Mode::Line => self
                .buf
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1),
            // glibc writes a full buffer only when more bytes come than it holds, and then whole
            // buffers' worth: the stream is cut at multiples of the buffer size.
            Mode::Full(size) if self.buf.len() > size => self.buf.len() - self.buf.len() % size,
            Mode::Full(_) => 0,
        };
        self.write_out(due);
    }

    /// Writes out everything buffered. Write errors are ignored, as `ip` ignores them.
    pub fn flush(&mut self) {
        self.write_out(self.buf.len());
    }

    /// Writes out the first `len` buffered bytes.
    fn write_out(&mut self, len: usize) {
        if len == 0 {
            return;
        }
        #[cfg(test)]
        if let Some(captured) = &mut self.captured {
            captured.extend(self.buf.drain(..len));
            return;
        }
        // Straight to fd 1: std's own stdout would split the bytes at the last newline.
        if let Some(mut file) = stdout_file() {
            let _ = file.write_all(&self.buf[..len]);
        }
        self.buf.drain(..len);
    }
}

impl Mode {
    fn detect() -> Mode {
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            return Mode::Line;
        }
        let size = stdout_file()
            .and_then(|file| file.metadata().ok())
            .and_then(|st| usize::try_from(st.blksize()).ok())
            .filter(|&size| size > 0)
            .unwrap_or(BUFSIZ);
        Mode::Full(size)
    }
}

/// Writes one message to stderr in a single `write`, followed by a newline.
pub fn error(parts: &[&[u8]]) {
    let mut line = Vec::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + 1);
    for part in parts {
        line.extend_from_slice(part);
    }
    line.push(b'\n');
    let _ = std::io::stderr().write_all(&line);
}

/// How records are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `ip`'s plain text.
    Plain,
    /// `ip -j`: one JSON array per command; `pretty` is `ip -j -p`.
    Json {
        /// Indented output (`-p`).
        pretty: bool,
    },
}

/// Standard output as a plain file (a duplicate of fd 1, made once), written without any
/// buffering of std's; `None` if fd 1 is not open.
fn stdout_file() -> Option<&'static std::fs::File> {
    static FILE: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(std::fs::File::from)
    })
    .as_ref()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    impl Stdout {
        /// A stdout that keeps everything in memory.
        pub(crate) fn capture() -> Stdout {
            Stdout {
                mode: Some(Mode::Full(usize::MAX)),
                captured: Some(Vec::new()),
                ..Stdout::default()
            }
        }

        /// Everything written so far, flushed or not.
        pub(crate) fn contents(&self) -> Vec<u8> {
            let mut all = self.captured.clone().unwrap_or_default();
            all.extend_from_slice(&self.buf);
            all
        }
    }

    /// Prints `(name, id)` records as `ip netns list` does (also used by the property tests).
    pub(crate) fn list<N: AsRef<[u8]>>(format: Format, entries: &[(N, Option<i64>)]) -> Vec<u8> {
        let mut out = Stdout::capture();
        let mut p = Printer::new(&mut out, format);
        for (name, id) in entries {
            p.open();
            p.string("name", name.as_ref());
            if let Some(id) = id {
                p.int("id", " (id: ", *id, ")");
            }
            p.plain("\n");
            p.close();
        }
        p.finish();
        out.contents()
    }

    const PLAIN: Format = Format::Plain;
    const JSON: Format = Format::Json { pretty: false };
    const PRETTY: Format = Format::Json { pretty: true };

    #[test]
    fn empty_lists() {
        assert_eq!(list::<&[u8]>(PLAIN, &[]), b"");
        assert_eq!(list::<&[u8]>(JSON, &[]), b"[]\n");
        assert_eq!(list::<&[u8]>(PRETTY, &[]), b"[ ]\n");
    }

    /// The samples captured from `ip netns list` in docs/ip-netns-behaviour.md, "list".
    #[test]
    fn list_samples() {
        let entries: &[(&[u8], Option<i64>)] = &[(b"rsch_b", None), (b"rsch_a", Some(5))];
        assert_eq!(list(PLAIN, entries), b"rsch_b\nrsch_a (id: 5)\n");
        assert_eq!(
            list(JSON, entries),
            &b"[{\"name\":\"rsch_b\"},{\"name\":\"rsch_a\",\"id\":5}]\n"[..]
        );
        let pretty = "[ {\n        \"name\": \"rsch_b\"\n    },{\n        \"name\": \"rsch_a\",\n        \"id\": 5\n    } ]\n";
        assert_eq!(String::from_utf8(list(PRETTY, entries)).unwrap(), pretty);
    }

    /// Bytes captured with `od -c` from `ip -j netns list` (docs/ip-netns-behaviour.md, "Output"): only seven characters are
    /// escaped, everything else is raw.
    #[test]
    fn json_escapes_only_seven_characters() {
        let entries: &[(&[u8], Option<i64>)] = &[
            (b"rsch_cr\rff\x0cbs\x08", None),
            (b"rsch_\x01\x1b\x7f\xff", None),
        ];
        assert_eq!(
            list(JSON, entries),
            &b"[{\"name\":\"rsch_cr\\rff\\fbs\\b\"},{\"name\":\"rsch_\x01\x1b\x7f\xff\"}]\n"[..]
        );
        let entries: &[(&[u8], Option<i64>)] = &[(b"t\tn\nq\"b\\/u\xc3\xa9", None)];
        assert_eq!(
            list(JSON, entries),
            &b"[{\"name\":\"t\\tn\\nq\\\"b\\\\/u\xc3\xa9\"}]\n"[..]
        );
    }

    #[test]
    fn plain_names_are_raw() {
        let entries: &[(&[u8], Option<i64>)] = &[(b"a\tb\nc\xff", None)];
        assert_eq!(list(PLAIN, entries), b"a\tb\nc\xff\n");
    }

    #[test]
    fn full_buffering_cuts_at_multiples_of_the_buffer() {
        let mut out = Stdout {
            mode: Some(Mode::Full(4)),
            captured: Some(Vec::new()),
            ..Stdout::default()
        };
        out.write(b"ab");
        out.write(b"cd");
        assert_eq!(
            out.captured.as_deref(),
            Some(&b""[..]),
            "a full buffer waits"
        );
        out.write(b"e");
        assert_eq!(out.captured.as_deref(), Some(&b"abcd"[..]));
        out.write(b"fghijklm");
        assert_eq!(out.captured.as_deref(), Some(&b"abcdefghijkl"[..]));
        out.flush();
        assert_eq!(out.captured.as_deref(), Some(&b"abcdefghijklm"[..]));
    }

    #[test]
    fn line_buffering_flushes_at_newlines() {
        let mut out = Stdout {
            mode: Some(Mode::Line),
            captured: Some(Vec::new()),
            ..Stdout::default()
        };
        out.write(b"ab");
        assert_eq!(out.captured.as_deref(), Some(&b""[..]));
        out.write(b"c\nd");
        assert_eq!(out.captured.as_deref(), Some(&b"abc\n"[..]));
        out.flush();
        assert_eq!(out.captured.as_deref(), Some(&b"abc\nd"[..]));
    }
}
