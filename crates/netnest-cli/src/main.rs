// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest`: a drop-in for `ip netns` of iproute2 6.1.
//!
//! `netnest [OPTIONS] [netns] COMMAND [ARGS]` takes `ip`'s global options and `ip netns`'s
//! subcommands, prefix-matched in `ip`'s order, and writes the same bytes to stdout and stderr with
//! the same exit codes. The differences are deliberate and listed in `docs/compatibility.md`.
//!
//! * `args`: the grammar (options, keywords, numbers);
//! * `args`' tables ([`args::OPTIONS`], [`args::VERBS`]) list every global option and subcommand
//!   in `ip`'s order, with a line of help each;
//! * `cmd`: one file per subcommand (arguments, library call, output); `cmd/lab/` holds `lab`'s;
//! * `batch`: `-batch FILE`;
//! * `output`: stdout buffering, the one JSON writer, plain text and JSON records, the progress
//!   bar;
//! * `messages`: every text on stderr, and errors turned into `ip`'s messages;
//! * `errno`: glibc's `strerror` texts;
//! * `sys`: `fork`, `execvp`, `waitpid` for `exec`;
//! * `reference`: the help texts, man pages and shell completions, from one table.
//!
//! The exit code is decided here, from the [`Status`] the command returns.
//!
//! # Start-up
//!
//! The binary has no Rust `main`: C's `main` below is the entry point, so Rust's runtime set-up is
//! skipped. That set-up reads `/proc/self/maps` and installs signal handlers and alternate stacks, a
//! sizeable part of a run that lasts well under a millisecond; and it ignores `SIGPIPE`, where `ip`
//! keeps the disposition it inherited (so `netnest list | head -0` dies of `SIGPIPE` as `ip` does).
//! The standard library works as usual without it (glibc hands it the arguments).
// Unit tests keep the test harness's own `main`.
#![cfg_attr(not(test), no_main)]

mod args;
mod batch;
mod cmd;
mod errno;
mod hints;
mod messages;
mod output;
#[cfg(test)]
mod proptests;
mod reference;
mod sys;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use args::{is_netns_object, Parsed};
use cmd::{Ctx, Status};

/// The C entry point, called by glibc's start-up code.
// `no_mangle` counts as unsafe code: it must not clash with another symbol. This is the only
// `main` in the program (the crate is `no_main`), which is what the C runtime calls.
#[cfg(not(test))]
#[allow(unsafe_code)]
#[no_mangle]
extern "C" fn main(argc: i32, argv: *const *const std::ffi::c_char) -> i32 {
    use std::os::unix::ffi::OsStringExt;
    // The arguments come from the C runtime: without Rust's `main`, `std::env::args_os()` is
    // empty on musl (glibc alone hands them to the standard library before `main`).
    let argv: Vec<OsString> = (1..usize::try_from(argc).unwrap_or(0))
        .map(|i| {
            // SAFETY: the C runtime passes `argc` valid NUL-terminated strings in `argv`.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            OsString::from_vec(arg.to_bytes().to_vec())
        })
        .collect();
    i32::from(run(argv).code())
}

/// Runs the command line and returns how it ended.
fn run(argv: Vec<OsString>) -> Status {
    // The GNU forms, as the first word (`ip` reads them as `-help`, `-version`).
    match argv.first().map(|word| word.as_bytes()) {
        Some(b"--help") => return print(&reference::help::full()),
        Some(b"--version") => return print(&reference::version_line()),
        _ => {}
    }
    let (opts, first) = match args::parse(&argv) {
        Parsed::Run(opts, first) => (opts, first),
        Parsed::SwitchThen(switches, outcome) => {
            let ctx = Ctx::new(args::Options::default());
            if let Some(failed) = switch(&ctx, &switches) {
                return failed;
            }
            return ended(*outcome);
        }
        outcome => return ended(outcome),
    };
    let mut ctx = Ctx::new(opts);
    if let Some(failed) = switch(&ctx, &ctx.opts.netns) {
        return failed;
    }
    let status = match ctx.opts.batch.take() {
        // As in ip, words after the options are ignored in batch mode.
        Some(file) => batch::run(&mut ctx, &file),
        None => {
            let mut words = &argv[first..];
            // `netnest netns add x` is `netnest add x`, so `ip` can be swapped for `netnest`.
            if words.first().is_some_and(|w| is_netns_object(w.as_bytes())) {
                words = &words[1..];
            }
            if let Some(text) = subcommand_help(words) {
                return print(&text);
            }
            cmd::netns(&mut ctx, words)
        }
    };
    ctx.out.flush();
    status
}

/// `SUBCOMMAND --help`, `lab SUBCOMMAND --help`: the help text, if `words` ask for it. Only the
/// word right after the subcommand (or the lab's subcommand) counts, so `exec NAME cmd --help`
/// still runs `cmd --help`.
fn subcommand_help(words: &[OsString]) -> Option<String> {
    let verb = args::Verb::lookup(words.first()?.as_bytes())?;
    let asks = |i: usize| words.get(i).is_some_and(|w| w == "--help");
    let lab_asks = verb == args::Verb::Lab && asks(2);
    if !asks(1) && !lab_asks {
        return None;
    }
    reference::help::for_words(verb, &words[1..])
}

/// Prints `text` on stdout: rc 0.
fn print(text: &str) -> Status {
    let mut out = output::Stdout::new();
    out.write(text.as_bytes());
    out.flush();
    Status::Exit(0)
}

/// Each `-n NAME`, in order, as `ip` switches while it reads its options; the status to end with
/// if one fails.
fn switch(ctx: &Ctx, switches: &[Option<OsString>]) -> Option<Status> {
    for name in switches {
        match name {
            // ip prints `Cannot open network namespace "(null)"` here; netnest says what is
            // missing.
            None => {
                messages::incomplete();
                return Some(Status::Exit(255));
            }
            Some(name) if !cmd::switch::netns_switch(&ctx.registry, name.as_bytes()) => {
                return Some(Status::Exit(255));
            }
            Some(_) => {}
        }
    }
    None
}

/// A parse that ended before any command: `-V`, the usage, or an option error.
fn ended(outcome: Parsed) -> Status {
    match outcome {
        Parsed::Version => print(&reference::version_line()),
        Parsed::Error(e) => {
            messages::arg_error(&e);
            Status::Exit(255)
        }
        _ => {
            messages::usage();
            Status::Exit(255)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_words(words: &[&str]) -> u8 {
        run(words.iter().map(OsString::from).collect()).code()
    }

    /// Exit codes of runs that touch no namespace (they print to the test's stdout and stderr).
    #[test]
    fn exit_codes() {
        assert_eq!(run_words(&["-V"]), 0);
        assert_eq!(run_words(&["-x"]), 255);
        assert_eq!(run_words(&["-help"]), 255);
        assert_eq!(run_words(&["-family", "x"]), 255);
        assert_eq!(run_words(&["netns", "help"]), 255);
        assert_eq!(run_words(&["--", "-x"]), 255);
        assert_eq!(run_words(&["list", "a/b"]), 255);
    }
}
