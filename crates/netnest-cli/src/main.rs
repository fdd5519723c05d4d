//! `netnest`: a drop-in for `ip netns` of iproute2 6.1.
//!
//! `netnest [OPTIONS] [netns] COMMAND [ARGS]` takes `ip`'s global options and `ip netns`'s
//! subcommands, prefix-matched in `ip`'s order, and writes the same bytes to stdout and stderr with
//! the same exit codes. The differences are deliberate and listed in `docs/compatibility.md`.
//!
//! * `args`: the grammar (options, keywords, numbers);
//! * `cmd`: one file per subcommand (arguments, library call, output);
//! * `batch`: `-batch FILE`;
//! * `output`: stdout buffering, plain text and JSON;
//! * `messages`: every text on stderr, and errors turned into `ip`'s messages;
//! * `errno`: glibc's `strerror` texts.
//!
//! The exit code is decided here, from the [`Status`] the command returns.

mod args;
mod batch;
mod cmd;
mod errno;
mod messages;
mod output;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

use args::{is_netns_object, Parsed};
use cmd::{Ctx, Status};

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().skip(1).collect();
    ExitCode::from(run(argv).code())
}

/// Runs the command line and returns how it ended.
fn run(argv: Vec<OsString>) -> Status {
    let (opts, first) = match args::parse(&argv) {
        Parsed::Run(opts, first) => (opts, first),
        Parsed::Version => {
            let mut out = output::Stdout::new();
            out.write(messages::VERSION.as_bytes());
            out.flush();
            return Status::Exit(0);
        }
        Parsed::Usage => {
            messages::usage();
            return Status::Exit(255);
        }
        Parsed::Error(e) => {
            messages::arg_error(&e);
            return Status::Exit(255);
        }
    };
    if opts.netns.is_some() {
        // TODO(issue: `-n NAME`): run the command inside the named namespace.
        messages::not_implemented("-netns");
        return Status::FAILED;
    }
    let mut ctx = Ctx::new(opts);
    let status = match ctx.opts.batch.take() {
        // As in ip, words after the options are ignored in batch mode.
        Some(file) => batch::run(&mut ctx, &file),
        None => {
            let mut words = &argv[first..];
            // `netnest netns add x` is `netnest add x`, so `ip` can be swapped for `netnest`.
            if words.first().is_some_and(|w| is_netns_object(w.as_bytes())) {
                words = &words[1..];
            }
            cmd::netns(&mut ctx, words)
        }
    };
    ctx.out.flush();
    status
}
