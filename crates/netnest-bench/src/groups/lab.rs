// SPDX-License-Identifier: MIT OR Apache-2.0
//! The lab against what it replaces, at 200 nodes: `netnest lab up FILE` + `netnest lab down
//! NAME`, against the equivalent shell script of `ip` commands (one process per step) and against
//! the `ip -batch` script, for a star around a bridge and for a chain of routers. The topology
//! file and both scripts come from the lab crate's generator (`netnest_bench::generate`,
//! `netnest_bench::script`), so the three build exactly the same thing.
//!
//! HOOK: the group runs when the `netnest` binary under test knows `lab` (probed with
//! `netnest lab status`); with a binary that does not, it is reported as skipped.

use std::path::Path;

use netnest::Registry;
use netnest_bench::plan::{Plan, Role};
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;

use super::{argv, argv_with, commands, failed, measure, skipped, Env};

const G: &str = "lab";

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    let probe = spawn::output(&argv(&env.netnest, &["lab", "status"]));
    if probe.0 != 0 || spawn::not_implemented(&probe.2) {
        out.push(skipped(
            G,
            "lab up + down",
            format!("`netnest lab` not in this binary ({})", probe.2.trim()),
        ));
        return;
    }
    super::clear_registry();
    let (nodes, rounds) = env.size.lab;
    let dir = env.scratch().join("lab");
    for shape in ["star", "chain"] {
        let name = format!("{shape}{nodes}");
        let case = format!("{shape}, {nodes} nodes");
        if let Err(e) = generate(shape, nodes, &name, &dir) {
            out.push(failed(G, case, e));
            continue;
        }
        let file = |suffix: &str| {
            dir.join(format!("{name}{suffix}"))
                .to_string_lossy()
                .into_owned()
        };
        let (toml, ip_up, ip_down, b_up, b_down) = (
            file(".toml"),
            file("-ip.sh"),
            file("-ip-down.sh"),
            file("-batch.sh"),
            file("-batch-down.sh"),
        );
        let check = || match Registry::default().names() {
            Ok(names) if !names.is_empty() => {
                Err(format!("{} namespaces left behind", names.len()))
            }
            _ => Ok(()),
        };
        let lab = commands("netnest lab", Role::Ours, true, |_| {
            vec![
                argv_with(&env.netnest, &["lab", "up"], &toml),
                argv_with(&env.netnest, &["lab", "down"], &name),
            ]
        });
        let sh = |label: &str, up: String, down: String| {
            commands(label, Role::Peer, true, move |_| {
                vec![
                    argv_with(Path::new("sh"), &[], &up),
                    argv_with(Path::new("sh"), &[], &down),
                ]
            })
        };
        let mut sides = [
            lab,
            sh("ip script", ip_up.clone(), ip_down.clone()),
            sh("ip -batch", b_up.clone(), b_down.clone()),
        ];
        let mut case = measure(
            G,
            case,
            &["up", "down", "up+down"],
            // Each side tears down hundreds of namespaces: wait after every turn.
            Plan::new(rounds, 1).settle_each(),
            &mut sides,
            &env.settler(),
            vec![
                Target::at_most("up+down", "netnest lab", "ip script", 0.1),
                Target::below("up+down", "netnest lab", "ip -batch", 1.0),
            ],
        );
        if let Err(e) = check() {
            case.note = Some(e);
        }
        out.push(case);
        super::clear_registry();
    }
}

/// Writes `NAME.toml`, `NAME-ip.sh`, `NAME-ip-down.sh`, `NAME-batch.sh`, `NAME-batch-down.sh`.
fn generate(shape: &str, nodes: usize, name: &str, dir: &Path) -> Result<(), String> {
    let t = match shape {
        "star" => netnest_bench::generate::star(name, nodes),
        _ => netnest_bench::generate::chain(name, nodes.max(2)),
    };
    let ip = netnest_bench::script::ip_script(&t);
    let batch = netnest_bench::script::ip_batch_script(&t);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (suffix, text) in [
        (".toml", t.to_toml()),
        ("-ip.sh", ip.up),
        ("-ip-down.sh", ip.down),
        ("-batch.sh", batch.up),
        ("-batch-down.sh", batch.down),
    ] {
        let path = dir.join(format!("{name}{suffix}"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}
