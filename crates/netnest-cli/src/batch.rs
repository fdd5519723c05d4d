// SPDX-License-Identifier: MIT OR Apache-2.0
//! `-batch FILE` (`-batch -` for stdin): one command a line, read as `ip -batch` reads it.
//!
//! * Lines: `#` starts a comment anywhere (even inside quotes); a line ending in `\` continues on
//!   the next one; line numbers count physical lines, and a failure reports the last line of its
//!   command. An end of file right after `\` prints `Missing continuation line` and ends the batch.
//! * Words: separated by spaces, tabs, `\r` or `\n`. A word that *starts* with `"` or `'` runs to the
//!   next same quote (spaces included, no escapes) and ends there; a quote elsewhere is an ordinary
//!   character; a backslash is always an ordinary character. An unterminated quote or more than 511
//!   words ends the whole run at once, rc 1.
//! * Commands: `netns add x` (an `ip -batch` line: the object word `net`/`netn`/`netns` first) or
//!   `add x` (a netnest line). Any other first word is an unknown object: the line fails.
//! * A failing line prints `Command failed FILE:LINE`; the batch stops unless `-force`; the rc is 1
//!   if any line failed. Usage errors, invalid names and unknown commands exit at once with 255, as
//!   `ip` does.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::args::{is_netns_object, Verb};
use crate::cmd::{self, Ctx, Status};
use crate::messages;

/// `makeargs`'s limit: 512 slots, one kept for the terminating NULL.
const MAX_WORDS: usize = 511;

/// Runs the commands of `file` (`-` is stdin).
pub fn run(ctx: &mut Ctx, file: &OsStr) -> Status {
    let input: Box<dyn BufRead> = if file.as_bytes() == b"-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                messages::batch_unreadable(file.as_bytes(), &e);
                return Status::FAILED;
            }
        }
    };
    ctx.in_batch = true;
    let mut lines = Lines::new(input);
    let mut status = Status::Ok;
    while let Some(line) = lines.next_command() {
        let words = match split(&line) {
            Ok(words) => words,
            Err(e) => {
                messages::say(e.text());
                return Status::Exit(1);
            }
        };
        if words.is_empty() {
            continue;
        }
        match run_line(ctx, words) {
            Status::Ok => {}
            Status::Exit(code) => return Status::Exit(code),
            Status::Fail(_) => {
                messages::batch_line_failed(file.as_bytes(), lines.number);
                status = Status::FAILED;
                if !ctx.opts.force {
                    break;
                }
            }
        }
    }
    status
}

/// One line's words: `netns …` or a netnest command.
fn run_line(ctx: &mut Ctx, mut words: Vec<OsString>) -> Status {
    let first = words[0].as_bytes();
    if is_netns_object(first) {
        words.remove(0);
    } else if Verb::lookup(first).is_none() {
        messages::unknown_object(first);
        return Status::FAILED;
    }
    cmd::netns(ctx, &words)
}

/// Reads commands as iproute2's `getcmdline` does.
struct Lines<R> {
    input: R,
    /// The number of the last physical line read.
    number: usize,
}

impl<R: BufRead> Lines<R> {
    fn new(input: R) -> Lines<R> {
        Lines { input, number: 0 }
    }

    /// One physical line with its newline, cut at a NUL (C strings end there) and at `#`.
    fn physical(&mut self) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        match self.input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        self.number += 1;
        if let Some(end) = line.iter().position(|&b| b == 0 || b == b'#') {
            line.truncate(end);
        }
        Some(line)
    }

    /// The next command, continuation lines joined; `None` at the end of the input.
    fn next_command(&mut self) -> Option<Vec<u8>> {
        let mut line = self.physical()?;
        while line.ends_with(b"\\\n") {
            let Some(next) = self.physical() else {
                messages::say("Missing continuation line");
                return None;
            };
            line.truncate(line.len() - 2);
            line.extend_from_slice(&next);
        }
        Some(line)
    }
}

/// Why a line could not be split into words; `ip` exits at once with rc 1.
#[derive(Debug, PartialEq, Eq)]
enum SplitError {
    Unterminated,
    TooMany,
}

impl SplitError {
    fn text(&self) -> &'static str {
        match self {
            SplitError::Unterminated => "Unterminated quoted string",
            SplitError::TooMany => "Too many arguments to command",
        }
    }
}

/// Splits a line into words as iproute2's `makeargs` does.
fn split(line: &[u8]) -> Result<Vec<OsString>, SplitError> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut words = Vec::new();
    let mut rest = line;
    loop {
        let start = rest.iter().position(|b| !is_space(b)).unwrap_or(rest.len());
        rest = &rest[start..];
        let Some(&first) = rest.first() else {
            break;
        };
        if words.len() >= MAX_WORDS {
            return Err(SplitError::TooMany);
        }
        let (word, next) = if first == b'"' || first == b'\'' {
            let body = &rest[1..];
            let end = body
                .iter()
                .position(|&b| b == first)
                .ok_or(SplitError::Unterminated)?;
            (&body[..end], &body[end + 1..])
        } else {
            let end = rest.iter().position(is_space).unwrap_or(rest.len());
            // The separator after the word is consumed with it.
            (&rest[..end], rest.get(end + 1..).unwrap_or_default())
        };
        words.push(OsString::from_vec(word.to_vec()));
        rest = next;
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split(line.as_bytes())
            .unwrap()
            .into_iter()
            .map(|w| w.into_string().unwrap())
            .collect()
    }

    fn commands(input: &str) -> Vec<(usize, String)> {
        let mut lines = Lines::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(line) = lines.next_command() {
            out.push((lines.number, String::from_utf8(line).unwrap()));
        }
        out
    }

    /// Checked against `ip -force -batch` 6.1.
    #[test]
    fn words_as_makeargs() {
        assert_eq!(words("netns add x\n"), ["netns", "add", "x"]);
        assert_eq!(words("  netns\tadd \r x  \n"), ["netns", "add", "x"]);
        assert_eq!(words("netns add \"a b\"\n"), ["netns", "add", "a b"]);
        assert_eq!(words("netns add 's q'z\n"), ["netns", "add", "s q", "z"]);
        assert_eq!(
            words("netns add a\"b c\"\n"),
            ["netns", "add", "a\"b", "c\""]
        );
        assert_eq!(words("netns add a\\ b\n"), ["netns", "add", "a\\", "b"]);
        assert_eq!(words("add \"\"\n"), ["add", ""]);
        assert_eq!(words("add \"'\" '\"'"), ["add", "'", "\""]);
        assert_eq!(words("add \"\tq\t\""), ["add", "\tq\t"]);
        assert!(words("").is_empty());
        assert!(words(" \t\r\n").is_empty());
    }

    #[test]
    fn split_errors() {
        assert_eq!(split(b"add \"x\n"), Err(SplitError::Unterminated));
        assert_eq!(split(b"add 'x"), Err(SplitError::Unterminated));
        let many = "w ".repeat(MAX_WORDS);
        assert_eq!(split(many.as_bytes()).unwrap().len(), MAX_WORDS);
        let too_many = "w ".repeat(MAX_WORDS + 1);
        assert_eq!(split(too_many.as_bytes()), Err(SplitError::TooMany));
    }

    #[test]
    fn comments_continuations_and_numbers() {
        let input = "netns add \"a b\"\n\n  # comment\nnet add x#c\nnetns add con\\\ntinued\nlast";
        assert_eq!(
            commands(input),
            [
                (1, "netns add \"a b\"\n".to_owned()),
                (2, "\n".to_owned()),
                (3, "  ".to_owned()),
                (4, "net add x".to_owned()),
                (6, "netns add continued\n".to_owned()),
                (7, "last".to_owned()),
            ]
        );
        // A comment hides the continuation; `#` inside quotes still starts a comment.
        assert_eq!(
            commands("add a # \\\nadd \"q#r\"\n"),
            [(1, "add a ".to_owned()), (2, "add \"q".to_owned())]
        );
        // A NUL ends the line, as in C.
        assert_eq!(
            commands("add a\0b\nx\n"),
            [(1, "add a".to_owned()), (2, "x\n".to_owned())]
        );
        // Continuation at the end of the input.
        assert_eq!(commands("add a\\\n"), []);
        assert_eq!(commands("a\\\nb\\\nc\n"), [(3, "abc\n".to_owned())]);
    }
}
