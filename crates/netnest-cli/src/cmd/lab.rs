//! `netnest lab up|down|status|exec …`: declarative topologies (crate `netnest-lab`). Not in
//! `ip netns`; the grammar and output are the lab crate's (`netnest_lab::cli`).

use std::ffi::OsString;

use netnest_lab::cli::CliOptions;

use super::{Ctx, Status};

/// Runs the lab command on the words after `lab`, in the command's registry, with `-j`/`-p`.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    ctx.out.flush();
    let opts = CliOptions::new(ctx.registry.clone())
        .json(ctx.opts.json)
        .pretty(ctx.opts.pretty);
    match netnest_lab::cli::run(args, &opts) {
        0 => Status::Ok,
        255 => Status::Exit(255),
        code => Status::Fail(u8::try_from(code).unwrap_or(1)),
    }
}
