//! Everything `netnest` writes: stdout buffered as C's stdio buffers it, stderr unbuffered, and
//! one printer for plain text and iproute2's JSON.
//!
//! * **stdout** is line-buffered on a terminal and fully buffered otherwise (the buffer is the size
//!   `fstat` reports, as glibc does), and flushed where `ip` flushes: when a JSON document ends, and
//!   at exit. So when stdout and stderr go to the same pipe, the bytes interleave as `ip`'s do.
//! * **stderr** is written at once, one `write` per message, as C's unbuffered stderr does.
//! * **JSON** is iproute2's `json_writer`: only `\t \n \r \f \b \\ \"` are escaped, every other byte
//!   (control bytes, invalid UTF-8) is written raw; pretty mode indents by four spaces and writes
//!   `[ ` … ` ]`.

use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;

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
        let mut rest = &self.buf[..len];
        while !rest.is_empty() {
            match rustix::io::write(std::io::stdout().as_fd(), rest) {
                Ok(0) => break,
                Ok(n) => rest = &rest[n..],
                Err(rustix::io::Errno::INTR) => {}
                Err(_) => break,
            }
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
        let size = rustix::fs::fstat(stdout.as_fd())
            .ok()
            .and_then(|st| usize::try_from(st.st_blksize).ok())
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

/// Prints a list of records in plain text or JSON, as iproute2's `print_*` functions with
/// `PRINT_ANY` do: each field names its JSON key and its plain-text form.
#[derive(Debug)]
pub struct Printer<'o> {
    out: &'o mut Stdout,
    json: Option<Json>,
}

/// The state of iproute2's JSON writer: the nesting depth and whether a comma is due.
#[derive(Debug)]
struct Json {
    pretty: bool,
    depth: usize,
    comma: bool,
}

impl<'o> Printer<'o> {
    /// Starts a list of records (`[` in JSON; nothing in plain text).
    pub fn new(out: &'o mut Stdout, format: Format) -> Printer<'o> {
        let json = match format {
            Format::Plain => None,
            Format::Json { pretty } => Some(Json {
                pretty,
                depth: 0,
                comma: false,
            }),
        };
        let mut printer = Printer { out, json };
        if printer.json.is_some() {
            printer.begin(b'[');
            if printer.pretty() {
                printer.out.write(b" ");
            }
        }
        printer
    }

    /// Opens a record (a JSON object).
    pub fn open(&mut self) {
        if self.json.is_some() {
            self.begin(b'{');
        }
    }

    /// A string field: `value` in plain text, `"key":"value"` in JSON.
    pub fn string(&mut self, key: &str, value: &[u8]) {
        if self.json.is_some() {
            self.key(key);
            self.out.write(b"\"");
            self.escaped(value);
            self.out.write(b"\"");
        } else {
            self.out.write(value);
        }
    }

    /// An integer field: `before`, `value` and `after` in plain text, `"key":value` in JSON.
    pub fn int(&mut self, key: &str, before: &str, value: i64, after: &str) {
        let digits = value.to_string();
        if self.json.is_some() {
            self.key(key);
            self.out.write(digits.as_bytes());
        } else {
            self.out.write(before.as_bytes());
            self.out.write(digits.as_bytes());
            self.out.write(after.as_bytes());
        }
    }

    /// Text printed in plain mode only (such as the newline that ends a record).
    pub fn plain(&mut self, text: &str) {
        if self.json.is_none() {
            self.out.write(text.as_bytes());
        }
    }

    /// Closes the record opened by [`open`](Printer::open).
    pub fn close(&mut self) {
        if self.json.is_some() {
            self.end(b'}');
        }
    }

    /// Writes out what is buffered so far (`list-id` flushes after every record, as `ip` 6.1).
    pub fn flush(&mut self) {
        self.out.flush();
    }

    /// Ends the list: in JSON, `]`, a newline and a flush of stdout, as `delete_json_obj` does.
    pub fn finish(mut self) {
        if let Some(json) = &mut self.json {
            let space = json.pretty && json.comma;
            json.comma = false;
            if space {
                self.out.write(b" ");
            }
            self.end(b']');
            self.out.write(b"\n");
            self.out.flush();
        }
    }

    fn pretty(&self) -> bool {
        self.json.as_ref().is_some_and(|j| j.pretty)
    }

    fn json(&mut self) -> &mut Json {
        self.json.as_mut().expect("JSON output")
    }

    /// A comma if a value came before at this depth.
    fn separate(&mut self) {
        if std::mem::replace(&mut self.json().comma, true) {
            self.out.write(b",");
        }
    }

    /// In pretty mode, a newline and the indentation of the current depth.
    fn newline(&mut self) {
        let json = self.json();
        if json.pretty {
            let depth = json.depth;
            self.out.write(b"\n");
            for _ in 0..depth {
                self.out.write(b"    ");
            }
        }
    }

    fn begin(&mut self, bracket: u8) {
        self.separate();
        self.out.write(&[bracket]);
        let json = self.json();
        json.depth += 1;
        json.comma = false;
    }

    fn end(&mut self, bracket: u8) {
        let json = self.json();
        json.depth -= 1;
        if json.comma {
            self.newline();
        }
        self.out.write(&[bracket]);
        self.json().comma = true;
    }

    /// `"key":` (`"key": ` in pretty mode), after a comma if a field came before.
    fn key(&mut self, key: &str) {
        self.separate();
        self.newline();
        self.out.write(b"\"");
        self.escaped(key.as_bytes());
        self.out.write(if self.pretty() { b"\": " } else { b"\":" });
    }

    fn escaped(&mut self, bytes: &[u8]) {
        escape_json(bytes, |part| self.out.write(part));
    }
}

/// iproute2's JSON string escaping (`jsonw_puts`): only `\t \n \r \f \b \\ \"` are escaped;
/// every other byte, control characters and invalid UTF-8 included, is written raw. `emit` gets
/// the output in pieces.
pub fn escape_json(bytes: &[u8], mut emit: impl FnMut(&[u8])) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            0x0c => b"\\f",
            0x08 => b"\\b",
            b'\\' => b"\\\\",
            b'"' => b"\\\"",
            _ => continue,
        };
        emit(&bytes[start..i]);
        emit(escape);
        start = i + 1;
    }
    emit(&bytes[start..]);
}

#[cfg(test)]
mod tests {
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

    /// Prints `(name, id)` records as `ip netns list` does.
    fn list(format: Format, entries: &[(&[u8], Option<i64>)]) -> Vec<u8> {
        let mut out = Stdout::capture();
        let mut p = Printer::new(&mut out, format);
        for (name, id) in entries {
            p.open();
            p.string("name", name);
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
        assert_eq!(list(PLAIN, &[]), b"");
        assert_eq!(list(JSON, &[]), b"[]\n");
        assert_eq!(list(PRETTY, &[]), b"[ ]\n");
    }

    /// The samples captured from `ip netns list` in spec §2.1.
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

    /// Bytes captured with `od -c` from `ip -j netns list` (spec §3.2): only seven characters are
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
