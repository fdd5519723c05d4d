// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns help`: the usage block on stderr, rc 255, and words after `help` ignored, as `ip`
//! does. netnest's one addition: `help SUBCOMMAND` (a word that names a subcommand) prints that
//! subcommand's help on stdout, rc 0, as `netnest SUBCOMMAND --help` does.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use super::{Ctx, Status};
use crate::args::Verb;
use crate::messages;
use crate::reference;

/// Prints one subcommand's help, or the usage (then `ip` exits with 255).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    if let Some(verb) = args.first().and_then(|word| Verb::lookup(word.as_bytes())) {
        if let Some(text) = reference::help::for_words(verb, &args[1..]) {
            ctx.out.write(text.as_bytes());
            ctx.out.flush();
            return Status::Ok;
        }
    }
    messages::usage();
    Status::Exit(255)
}
