// SPDX-License-Identifier: MIT OR Apache-2.0
//! Records in plain text or JSON, as iproute2's `print_*` functions with `PRINT_ANY` print them:
//! each field names its JSON key and its plain-text form.

use super::json::{Escape, Writer};
use super::{Format, Stdout};

/// Prints a list of records in plain text or JSON (one array per command).
#[derive(Debug)]
pub struct Printer<'o> {
    out: Target<'o>,
}

#[derive(Debug)]
enum Target<'o> {
    Plain(&'o mut Stdout),
    Json(Writer<'o>),
}

impl<'o> Printer<'o> {
    /// Starts a list of records (`[` in JSON; nothing in plain text), escaped as `ip` escapes:
    /// for the subcommands `ip` has.
    pub fn new(out: &'o mut Stdout, format: Format) -> Printer<'o> {
        Printer::with_escape(out, format, Escape::Ip)
    }

    /// [`Printer::new`] for netnest's own subcommands: JSON always valid.
    pub fn extension(out: &'o mut Stdout, format: Format) -> Printer<'o> {
        Printer::with_escape(out, format, Escape::Json)
    }

    fn with_escape(out: &'o mut Stdout, format: Format, escape: Escape) -> Printer<'o> {
        let out = match format {
            Format::Plain => Target::Plain(out),
            Format::Json { pretty } => {
                let mut json = Writer::new(out, pretty, escape);
                json.start_array();
                Target::Json(json)
            }
        };
        Printer { out }
    }

    /// Opens a record (a JSON object).
    pub fn open(&mut self) {
        if let Target::Json(json) = &mut self.out {
            json.start_object();
        }
    }

    /// A string field: `value` in plain text, `"key":"value"` in JSON.
    pub fn string(&mut self, key: &str, value: &[u8]) {
        match &mut self.out {
            Target::Plain(out) => out.write(value),
            Target::Json(json) => json.string_field(key, value),
        }
    }

    /// An integer field: `before`, `value` and `after` in plain text, `"key":value` in JSON.
    pub fn int(&mut self, key: &str, before: &str, value: i64, after: &str) {
        match &mut self.out {
            Target::Plain(out) => {
                out.write(before.as_bytes());
                out.write(value.to_string().as_bytes());
                out.write(after.as_bytes());
            }
            Target::Json(json) => json.int_field(key, value),
        }
    }

    /// Text printed in plain mode only (such as the newline that ends a record).
    pub fn plain(&mut self, text: &str) {
        if let Target::Plain(out) = &mut self.out {
            out.write(text.as_bytes());
        }
    }

    /// Closes the record opened by [`open`](Printer::open).
    pub fn close(&mut self) {
        if let Target::Json(json) = &mut self.out {
            json.end_object();
        }
    }

    /// Writes out what is buffered so far (`list-id` flushes after every record, as `ip` 6.1).
    pub fn flush(&mut self) {
        match &mut self.out {
            Target::Plain(out) => out.flush(),
            Target::Json(json) => json.stdout().flush(),
        }
    }

    /// Ends the list: in JSON, `]`, a newline and a flush of stdout, as `delete_json_obj` does.
    pub fn finish(mut self) {
        if let Target::Json(json) = &mut self.out {
            json.end_array();
            json.stdout().write(b"\n");
            json.stdout().flush();
        }
    }
}
