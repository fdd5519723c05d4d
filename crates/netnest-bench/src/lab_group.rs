//! The lab against the equivalent shell script of `ip` commands and against `ip -batch`: 200 nodes
//! around a bridge (star) and in a chain, up then down, interleaved (lab, script, batch, …).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netnest_lab::{generate, script};

use crate::report::Row;
use crate::stats::Samples;
use crate::{settle, Config};

fn sh(path: &str) -> Duration {
    let t = Instant::now();
    let status = Command::new("sh")
        .arg(path)
        .stdout(Stdio::null())
        .status()
        .expect("sh");
    assert!(status.success(), "{path} failed");
    t.elapsed()
}

fn cmd(argv: &[&str]) -> Duration {
    let t = Instant::now();
    let status = Command::new(argv[0])
        .args(&argv[1..])
        .stdout(Stdio::null())
        .status()
        .expect("spawn");
    assert!(status.success(), "{argv:?} failed");
    t.elapsed()
}

/// Star and chain.
pub fn run(cfg: &Config, rows: &mut Vec<Row>) {
    let n = cfg.lab_nodes();
    for (shape, topology) in [
        ("star", generate::star("bstar", n)),
        ("chain", generate::chain("bchain", n)),
    ] {
        let base = format!("/run/bench-lab-{shape}");
        let toml = format!("{base}.toml");
        std::fs::write(&toml, topology.to_toml()).expect("write toml");
        let ip = script::ip_script(&topology);
        let batch = script::ip_batch_script(&topology);
        for (suffix, text) in [
            ("ip-up", &ip.up),
            ("ip-down", &ip.down),
            ("batch-up", &batch.up),
            ("batch-down", &batch.down),
        ] {
            std::fs::write(format!("{base}-{suffix}.sh"), text).expect("write script");
        }
        let (mut lab, mut by_ip, mut by_batch) =
            (Samples::default(), Samples::default(), Samples::default());
        for _ in 0..cfg.lab_rounds() {
            let name = &topology.name;
            lab.push(
                cmd(&[&cfg.netnest, "lab", "up", &toml])
                    + cmd(&[&cfg.netnest, "lab", "down", name]),
            );
            settle(cfg);
            by_ip.push(sh(&format!("{base}-ip-up.sh")) + sh(&format!("{base}-ip-down.sh")));
            settle(cfg);
            by_batch
                .push(sh(&format!("{base}-batch-up.sh")) + sh(&format!("{base}-batch-down.sh")));
            settle(cfg);
        }
        rows.push(Row {
            group: "lab",
            case: format!("{n} nodes, {shape}: up + down"),
            ours: lab.clone(),
            peer: "shell script of ip",
            theirs: by_ip,
            target: Some((0.1, false)),
        });
        rows.push(Row {
            group: "lab",
            case: format!("{n} nodes, {shape}: up + down"),
            ours: lab,
            peer: "ip -batch",
            theirs: by_batch,
            target: Some((1.0, true)),
        });
    }
}
