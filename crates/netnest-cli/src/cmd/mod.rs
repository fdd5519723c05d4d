// SPDX-License-Identifier: MIT OR Apache-2.0
//! The subcommands of `ip netns`, one file each: arguments, library call, output. This file holds
//! what they share: the context, the outcome, and `do_netns`'s dispatch (the name check on the
//! word after the subcommand, then the keyword).

mod add;
mod attach;
mod completions;
mod delete;
mod exec;
mod help;
mod identify;
mod inspect;
pub(crate) mod lab;
mod list;
mod list_id;
mod monitor;
mod nsids;
mod pids;
mod prune;
mod set;
pub mod switch;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use netnest::{Name, Registry};

use crate::args::{Options, Verb};
use crate::messages;
use crate::output::{Format, Stdout};

/// The environment variable that moves the run directory away from `/run/netns`, for embedders
/// and tests. `ip` has no such thing; messages name whatever directory is in use.
pub const RUN_DIR_VAR: &str = "NETNEST_RUN_DIR";

/// How a command ended, in `ip`'s terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Success: rc 0.
    Ok,
    /// The command failed and returned (`ip`'s handler returned −1, rc 1): a batch goes on with
    /// `-force`.
    Fail(u8),
    /// `ip` calls `exit()` here (usage, invalid name, unknown command: rc 255): a batch stops too.
    Exit(u8),
}

impl Status {
    /// The failure of a handler that returns −1: rc 1.
    pub const FAILED: Status = Status::Fail(1);

    /// The process's exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Fail(code) | Status::Exit(code) => code,
        }
    }
}

/// What every command needs: the global options, stdout and the registry.
#[derive(Debug)]
pub struct Ctx {
    /// The global options.
    pub opts: Options,
    /// Buffered stdout, shared by every line of a batch.
    pub out: Stdout,
    /// The named namespaces (`/run/netns`).
    pub registry: Registry,
    /// Running the lines of `-batch FILE` (where `exec` forks, as `ip`'s does).
    pub in_batch: bool,
    /// `ip`'s name cache (nsid → first name in directory order), which lives as long as the
    /// process: filled by the first `list` or `list-id` that can read the run directory (`None`
    /// until then); `list-id` takes out the names it prints and puts back those it finds again.
    pub names: Option<Vec<(i32, OsString)>>,
}

impl Ctx {
    /// The context for `opts`: the registry is `/run/netns` unless `NETNEST_RUN_DIR` says
    /// otherwise.
    pub fn new(opts: Options) -> Ctx {
        let registry = match std::env::var_os(RUN_DIR_VAR) {
            Some(dir) if !dir.is_empty() => Registry::new(dir),
            _ => Registry::default(),
        };
        Ctx {
            opts,
            out: Stdout::new(),
            registry,
            in_batch: false,
            names: None,
        }
    }

    /// The run directory's bytes, as messages print it.
    pub fn dir(&self) -> &[u8] {
        self.registry.dir().as_os_str().as_bytes()
    }

    /// Plain text, or JSON with `-j` (pretty with `-p`; `-p` alone changes nothing).
    pub fn format(&self) -> Format {
        if self.opts.json {
            Format::Json {
                pretty: self.opts.pretty,
            }
        } else {
            Format::Plain
        }
    }
}

/// `ip netns ARGS`: no argument is `list`; otherwise the word after the subcommand must be a valid
/// name (unless `-all`), then the first keyword that `args[0]` abbreviates runs.
pub fn netns(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(word) = args.first() else {
        return list::run(ctx);
    };
    if let Some(name) = args.get(1) {
        if !ctx.opts.all && Name::check(name).is_err() {
            messages::invalid_name(name.as_bytes());
            return Status::Exit(255);
        }
    }
    let Some(verb) = Verb::lookup(word.as_bytes()) else {
        messages::unknown_command(word.as_bytes());
        return Status::Exit(255);
    };
    let args = &args[1..];
    match verb {
        Verb::List => list::run(ctx),
        Verb::Help => help::run(ctx, args),
        Verb::Add => add::run(ctx, args),
        Verb::Attach => attach::run(ctx, args),
        Verb::Delete => delete::run(ctx, args),
        Verb::Identify => identify::run(ctx, args),
        Verb::Pids => pids::run(ctx, args),
        Verb::Exec => exec::run(ctx, args),
        Verb::Lab => lab::run(ctx, args),
        Verb::Prune => prune::run(ctx, args),
        Verb::Inspect => inspect::run(ctx, args),
        Verb::ListId => list_id::run(ctx, args),
        Verb::Set => set::run(ctx, args),
        Verb::Monitor => monitor::run(ctx),
        Verb::Completions => completions::run(ctx, args),
    }
}
