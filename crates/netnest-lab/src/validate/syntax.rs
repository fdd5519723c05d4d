// SPDX-License-Identifier: MIT OR Apache-2.0
//! A TOML syntax error as a [`Problem`], placed where the mistake is and naming what it is
//! about.

use std::ops::Range;

use crate::error::{Location, Problem};

/// The problem of a file that does not parse.
pub(super) fn problem(text: &str, e: &toml::de::Error) -> Problem {
    let mut message = e.message().trim_end().to_owned();
    let span = e.span().map(|span| unclosed_inline_table(text, span));
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

/// An inline table (`{ … }`) must end on its line; when it does not, the parser notices only at
/// the next line's first token. Point just after the last thing on the table's line instead.
fn unclosed_inline_table(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let at_line_start = text[line_start..start].trim().is_empty();
    if !at_line_start || line_start == 0 {
        return span;
    }
    let newline = line_start - 1;
    let prev_start = text[..newline].rfind('\n').map_or(0, |i| i + 1);
    let prev = strip_comment(&text[prev_start..newline]);
    if prev.matches('{').count() > prev.matches('}').count() {
        let end = prev_start + prev.trim_end().len();
        end..end
    } else {
        span
    }
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
