// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest completions SHELL` (netnest's own): the completion script for bash, zsh or fish on
//! stdout (see `reference::completions`).

use std::ffi::OsString;

use super::{Ctx, Status};
use crate::messages;
use crate::reference::completions::{script, SHELLS};

/// Prints the script, or says which shells there are (rc 255, as for any wrong argument).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let shell = args.first().and_then(|word| word.to_str()).unwrap_or("");
    match (script(shell), args.len()) {
        (Some(text), 1) => {
            ctx.out.write(text.as_bytes());
            ctx.out.flush();
            Status::Ok
        }
        _ => {
            messages::say(&format!(
                "Usage: netnest completions {{ {} }}",
                SHELLS.join(" | ")
            ));
            Status::Exit(255)
        }
    }
}
