// SPDX-License-Identifier: MIT OR Apache-2.0
//! The command's one JSON writer: iproute2's `json_writer` layout (separators, pretty indentation
//! by four spaces, `[ ` … ` ]` for arrays in pretty mode), with two ways to escape strings.
//!
//! * [`Escape::Ip`], where `ip netns` prints JSON (`-j list`, `-j list-id`): only `\t \n \r \f \b
//!   \\ \"` are escaped and every other byte is written raw, as `ip` 6.1 does, so the bytes match
//!   `ip`'s even where they are not valid JSON (a name with a control byte or invalid UTF-8).
//! * [`Escape::Json`], for netnest's own subcommands (`-j inspect`, `-j prune`, `-j lab …`): what
//!   RFC 8259 requires, so any name gives a document a JSON parser reads. Control bytes are
//!   written `\u00XX`; a byte that is not part of valid UTF-8 becomes U+FFFD (the plain output
//!   keeps the exact bytes).

use super::Stdout;

/// How strings are escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As `ip` 6.1 escapes (seven characters; every other byte raw).
    Ip,
    /// As JSON requires (always a valid document).
    Json,
}

/// A JSON document written to stdout as it is built.
#[derive(Debug)]
pub struct Writer<'o> {
    out: &'o mut Stdout,
    pretty: bool,
    escape: Escape,
    depth: usize,
    /// A value came before at this depth: the next one needs a comma.
    comma: bool,
}

impl<'o> Writer<'o> {
    /// A writer with nothing written yet.
    pub fn new(out: &'o mut Stdout, pretty: bool, escape: Escape) -> Writer<'o> {
        Writer {
            out,
            pretty,
            escape,
            depth: 0,
            comma: false,
        }
    }

    /// The stdout underneath.
    pub fn stdout(&mut self) -> &mut Stdout {
        self.out
    }

    /// `{`.
    pub fn start_object(&mut self) {
        self.begin(b'{');
    }

    /// `}`.
    pub fn end_object(&mut self) {
        self.end(b'}');
    }

    /// `[` (`[ ` in pretty mode).
    pub fn start_array(&mut self) {
        self.begin(b'[');
        if self.pretty {
            self.out.write(b" ");
        }
    }

    /// `]` (` ]` in pretty mode after a value).
    pub fn end_array(&mut self) {
        if self.pretty && self.comma {
            self.out.write(b" ");
        }
        self.comma = false;
        self.end(b']');
    }

    /// `"key":` (`"key": ` in pretty mode, on a line of its own), before the value of a field.
    pub fn key(&mut self, key: &str) {
        self.separate();
        self.newline();
        self.comma = false;
        self.quoted(key.as_bytes());
        self.out.write(if self.pretty { b": " } else { b":" });
    }

    /// A string value.
    pub fn string(&mut self, value: &[u8]) {
        self.separate();
        self.quoted(value);
    }

    /// An integer value.
    pub fn int(&mut self, value: i64) {
        self.separate();
        self.out.write(value.to_string().as_bytes());
    }

    /// An unsigned integer value.
    pub fn uint(&mut self, value: u64) {
        self.separate();
        self.out.write(value.to_string().as_bytes());
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) {
        self.separate();
        self.out.write(if value { b"true" } else { b"false" });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.separate();
        self.out.write(b"null");
    }

    /// `"key":"value"`.
    pub fn string_field(&mut self, key: &str, value: &[u8]) {
        self.key(key);
        self.string(value);
    }

    /// `"key":value`.
    pub fn int_field(&mut self, key: &str, value: i64) {
        self.key(key);
        self.int(value);
    }

    /// `"key":true` or `"key":false`.
    pub fn bool_field(&mut self, key: &str, value: bool) {
        self.key(key);
        self.bool(value);
    }

    /// A comma if a value came before at this depth.
    fn separate(&mut self) {
        if std::mem::replace(&mut self.comma, true) {
            self.out.write(b",");
        }
    }

    /// In pretty mode, a newline and the indentation of the current depth.
    fn newline(&mut self) {
        if self.pretty {
            self.out.write(b"\n");
            for _ in 0..self.depth {
                self.out.write(b"    ");
            }
        }
    }

    fn begin(&mut self, bracket: u8) {
        self.separate();
        self.out.write(&[bracket]);
        self.depth += 1;
        self.comma = false;
    }

    fn end(&mut self, bracket: u8) {
        self.depth -= 1;
        if self.comma {
            self.newline();
        }
        self.out.write(&[bracket]);
        self.comma = true;
    }

    fn quoted(&mut self, bytes: &[u8]) {
        self.out.write(b"\"");
        let out = &mut *self.out;
        match self.escape {
            Escape::Ip => escape_ip(bytes, |part| out.write(part)),
            Escape::Json => escape_json(bytes, |part| out.write(part)),
        }
        self.out.write(b"\"");
    }
}

/// The escape of the seven characters both ways escape.
fn short_escape(b: u8) -> Option<&'static [u8]> {
    Some(match b {
        b'\t' => b"\\t",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        0x0c => b"\\f",
        0x08 => b"\\b",
        b'\\' => b"\\\\",
        b'"' => b"\\\"",
        _ => return None,
    })
}

/// iproute2's string escaping (`jsonw_puts`): only `\t \n \r \f \b \\ \"` are escaped; every other
/// byte, control characters and invalid UTF-8 included, is written raw. `emit` gets the output in
/// pieces.
pub fn escape_ip(bytes: &[u8], mut emit: impl FnMut(&[u8])) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let Some(escape) = short_escape(b) else {
            continue;
        };
        emit(&bytes[start..i]);
        emit(escape);
        start = i + 1;
    }
    emit(&bytes[start..]);
}

/// JSON's string escaping: the seven short escapes, `\u00XX` for the other control bytes, and
/// U+FFFD for each byte sequence that is not valid UTF-8. The result is always valid UTF-8 and a
/// valid JSON string body.
pub fn escape_json(bytes: &[u8], mut emit: impl FnMut(&[u8])) {
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid().as_bytes();
        let mut start = 0;
        for (i, &b) in valid.iter().enumerate() {
            let hex;
            let escape = match short_escape(b) {
                Some(escape) => escape,
                None if b < 0x20 => {
                    hex = format!("\\u{b:04x}");
                    hex.as_bytes()
                }
                None => continue,
            };
            emit(&valid[start..i]);
            emit(escape);
            start = i + 1;
        }
        emit(&valid[start..]);
        if !chunk.invalid().is_empty() {
            emit("\u{fffd}".as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        escape_ip(bytes, |part| out.extend_from_slice(part));
        out
    }

    fn json(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        escape_json(bytes, |part| out.extend_from_slice(part));
        out
    }

    #[test]
    fn ip_escapes_seven_characters() {
        assert_eq!(
            ip(b"t\tn\nr\rf\x0cb\x08s\\q\"\x01\x1b\x7f\xff\xc3\xa9"),
            b"t\\tn\\nr\\rf\\fb\\bs\\\\q\\\"\x01\x1b\x7f\xff\xc3\xa9"
        );
    }

    #[test]
    fn json_escapes_what_json_requires() {
        assert_eq!(json(b"a\tb\x01c\x1f\x7f"), b"a\\tb\\u0001c\\u001f\x7f");
        assert_eq!(json("é→".as_bytes()), "é→".as_bytes());
        // Each invalid sequence becomes one U+FFFD; valid text around it stays.
        assert_eq!(json(b"x\xffy\xc3"), "x\u{fffd}y\u{fffd}".as_bytes());
        assert_eq!(json(b"\"\\"), b"\\\"\\\\");
        for b in 0..=255u8 {
            let out = json(&[b'a', b, b'z']);
            assert!(std::str::from_utf8(&out).is_ok(), "{b:#x}");
            assert!(out.iter().all(|&c| c >= 0x20), "{b:#x}");
        }
    }

    fn document(pretty: bool, escape: Escape) -> Vec<u8> {
        let mut out = Stdout::capture();
        let mut w = Writer::new(&mut out, pretty, escape);
        w.start_object();
        w.string_field("name", b"a\x01");
        w.int_field("id", -1);
        w.key("pids");
        w.start_array();
        w.uint(1);
        w.uint(2);
        w.end_array();
        w.key("links");
        w.start_array();
        w.start_object();
        w.bool_field("up", true);
        w.key("master");
        w.null();
        w.end_object();
        w.end_array();
        w.key("none");
        w.start_array();
        w.end_array();
        w.end_object();
        out.contents()
    }

    #[test]
    fn layout_is_iproutes() {
        assert_eq!(
            document(false, Escape::Json),
            b"{\"name\":\"a\\u0001\",\"id\":-1,\"pids\":[1,2],\"links\":[{\"up\":true,\"master\":null}],\"none\":[]}"
        );
        assert_eq!(
            String::from_utf8(document(true, Escape::Ip)).unwrap(),
            "{\n    \"name\": \"a\x01\",\n    \"id\": -1,\n    \"pids\": [ 1,2 ],\n    \"links\": [ {\n            \"up\": true,\n            \"master\": null\n        } ],\n    \"none\": [ ]\n}"
        );
    }
}
