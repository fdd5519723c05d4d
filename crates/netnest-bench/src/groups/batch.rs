// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest -batch FILE` against `ip -batch FILE`: N adds, then N deletes, one process each.
//! Both read the same lines (`netns add NAME`, as `ip` needs them; netnest also takes `add NAME`).

use std::fmt::Write as _;
use std::path::PathBuf;

use netnest_bench::plan::{Plan, Role};
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;

use super::{argv, commands, failed, measure, Env};

const G: &str = "batch";

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    super::clear_registry();
    let (n, rounds) = env.size.batch;
    let dir = env.scratch();
    // netnest's own short form, once, untimed: a batch of `add x` / `delete x` lines.
    let short = dir.join("short.batch");
    let _ = std::fs::write(&short, "add bench-short\ndelete bench-short\n");
    let probe = spawn::output(&argv(&env.netnest, &["-batch", &short.to_string_lossy()]));
    if probe.0 != 0 {
        out.push(failed(
            G,
            "-batch with `add NAME` lines",
            probe.2.trim().to_string(),
        ));
    }
    let file = |side: &str, verb: &str, tag: &str| -> PathBuf {
        let path = dir.join(format!("{side}-{verb}-{tag}.batch"));
        let mut text = String::new();
        for i in 0..n {
            let _ = writeln!(text, "netns {verb} {side}{tag}-{i}");
        }
        std::fs::write(&path, text).expect("writing a batch file on /run");
        path
    };
    let side = |label: &'static str, bin: PathBuf, ours: bool| {
        commands(
            label,
            if ours { Role::Ours } else { Role::Peer },
            false,
            move |it| {
                let tag = it.tag();
                let short = if ours { "nn" } else { "ip" };
                let add = file(short, "add", &tag);
                let del = file(short, "delete", &tag);
                vec![
                    argv(&bin, &["-batch", &add.to_string_lossy()]),
                    argv(&bin, &["-batch", &del.to_string_lossy()]),
                ]
            },
        )
    };
    let mut sides = vec![
        side("netnest", env.netnest.clone(), true),
        side("ip", env.ip.clone(), false),
    ];
    let adds = format!("{n} adds");
    let deletes = format!("{n} deletes");
    out.push(measure(
        G,
        format!("-batch, {n} adds then {n} deletes"),
        &[&adds, &deletes],
        // One batch per side per round; wait for the teardown of its deletes after each.
        Plan::new(rounds, 1).settle_each(),
        &mut sides,
        &env.settler(),
        vec![Target::at_most(&adds, "netnest", "ip", 1.0)],
    ));
    super::clear_registry();
}
