// SPDX-License-Identifier: MIT OR Apache-2.0
//! A TOML syntax error as a [`Problem`], placed where the mistake is and naming what it is
//! about.

use std::ops::Range;

use crate::error::{Location, Problem};

/// The problem of a file that does not parse.
pub(super) fn problem(text: &str, e: &toml::de::Error) -> Problem {
    let mut message = e.message().trim_end().to_owned();
    let span = e
        .span()
        .map(|span| unclosed_inline_table(text, &message, span));
    if let Some(span) = &span {
        if message == "duplicate key" {
            message = duplicate_key(text, span.clone());
        }
    }
    Problem {
        path: String::new(),
        location: span.map(|span| Location::of(text, span)),
        message,
    }
}

/// A missing comma between the key-value pairs of an inline table (`{ … }`: a table not closed
/// on its line, or two pairs on two lines without a comma) is noticed only at the next pair,
/// maybe lines later: point just after the last thing before it, where the comma or the `}` is
/// missing. Other errors keep their place.
fn unclosed_inline_table(text: &str, message: &str, span: Range<usize>) -> Range<usize> {
    if !message.starts_with("missing comma between key-value pairs") {
        return span;
    }
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..start].trim().is_empty() {
        return span;
    }
    // The last line before it with something on it besides a comment.
    let mut end = line_start;
    while end > 0 {
        let newline = end - 1;
        let prev_start = text[..newline].rfind('\n').map_or(0, |i| i + 1);
        let prev = strip_comment(&text[prev_start..newline]).trim_end();
        if !prev.is_empty() {
            let at = prev_start + prev.len();
            return at..at;
        }
        end = prev_start;
    }
    span
}

/// A line without its comment (outside of quotes; near enough for counting braces).
fn strip_comment(line: &str) -> &str {
    let mut quoted = None;
    for (i, c) in line.char_indices() {
        match (c, quoted) {
            ('"' | '\'', None) => quoted = Some(c),
            (q, Some(open)) if q == open => quoted = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// `duplicate key "h1"`, with the table's header when a whole table is given twice.
fn duplicate_key(text: &str, span: Range<usize>) -> String {
    let key = text
        .get(span.clone())
        .unwrap_or("")
        .trim()
        .trim_matches(['"', '\'']);
    let line = Location::of(text, span).text;
    let header = line.trim();
    if header.starts_with('[') {
        format!("duplicate key \"{key}\": the table {header} is given twice")
    } else {
        format!("duplicate key \"{key}\": it is already set in this table")
    }
}
