//! The command against `ip netns` (and `ip -batch`), one process per operation, interleaved.

use std::os::fd::AsFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netnest::netlink::SocketOptions;
use netnest::{CommandExt, Name, NetNs, Registry};

use crate::report::Row;
use crate::stats::Samples;
use crate::{settle, Config, IP};

/// Runs `argv`, output discarded, and returns how long it took from spawn to reap.
fn time(argv: &[&str]) -> Duration {
    let t = Instant::now();
    let status = Command::new(argv[0])
        .args(&argv[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("spawn");
    let d = t.elapsed();
    assert!(status.success(), "{argv:?} failed: {status}");
    d
}

fn row(
    case: impl Into<String>,
    ours: Samples,
    peer: &'static str,
    theirs: Samples,
    target: Option<f64>,
) -> Row {
    Row {
        group: "cli",
        case: case.into(),
        ours,
        peer,
        theirs,
        target: target.map(|t| (t, false)),
    }
}

/// Every CLI case.
pub fn run(cfg: &Config, rows: &mut Vec<Row>) {
    let nn = cfg.netnest.as_str();
    add_delete_exec(cfg, nn, rows);
    for &n in cfg.list_sizes() {
        list(cfg, nn, n, rows);
    }
    batch(cfg, nn, rows);
}

fn add_delete_exec(cfg: &Config, nn: &str, rows: &mut Vec<Row>) {
    let (mut add, mut add_ip, mut del, mut del_ip, mut both, mut both_ip, mut exec, mut exec_ip) =
        Default::default();
    let helper = |s: &mut Samples, d: Duration| s.push(d);
    time(&[nn, "add", "bench-exec"]);
    for round in 0..cfg.rounds {
        for i in 0..10 {
            let (a, b) = (format!("n{round}-{i}"), format!("i{round}-{i}"));
            let t1 = time(&[nn, "add", &a]);
            let t2 = time(&[IP, "netns", "add", &b]);
            let t3 = time(&[nn, "delete", &a]);
            let t4 = time(&[IP, "netns", "delete", &b]);
            helper(&mut add, t1);
            helper(&mut add_ip, t2);
            helper(&mut del, t3);
            helper(&mut del_ip, t4);
            helper(&mut both, t1 + t3);
            helper(&mut both_ip, t2 + t4);
            helper(&mut exec, time(&[nn, "exec", "bench-exec", "true"]));
            helper(
                &mut exec_ip,
                time(&[IP, "netns", "exec", "bench-exec", "true"]),
            );
        }
        settle(cfg);
    }
    time(&[nn, "delete", "bench-exec"]);
    rows.push(row("add NAME", add, "ip netns add", add_ip, Some(0.6)));
    rows.push(row(
        "delete NAME",
        del,
        "ip netns delete",
        del_ip,
        Some(0.6),
    ));
    rows.push(row(
        "add + delete",
        both,
        "ip netns add + delete",
        both_ip,
        None,
    ));
    rows.push(row(
        "exec NAME true",
        exec,
        "ip netns exec NAME true",
        exec_ip,
        Some(0.7),
    ));
}

fn list(cfg: &Config, nn: &str, n: usize, rows: &mut Vec<Row>) {
    let reg = Registry::default();
    let names: Vec<Name> = (0..n)
        .map(|i| Name::new(format!("l{i}")).unwrap())
        .collect();
    let spaces: Vec<NetNs> = names
        .iter()
        .map(|name| reg.add(name).expect("add"))
        .collect();
    let sleeper = Command::new("sleep")
        .arg("600")
        .spawn_in(&spaces[n / 2])
        .expect("sleep");
    let pid = sleeper.id().to_string();
    let middle = names[n / 2].to_string();
    for with_ids in [false, true] {
        if with_ids {
            let mut sock = SocketOptions::new()
                .strict_check(true)
                .open()
                .expect("netlink");
            for ns in &spaces {
                sock.set_nsid(ns.as_fd(), None).expect("set nsid");
            }
        }
        let (mut ours, mut theirs) = (Samples::default(), Samples::default());
        for _ in 0..cfg.rounds * 3 {
            ours.push(time(&[nn, "list"]));
            theirs.push(time(&[IP, "netns", "list"]));
        }
        let ids = if with_ids { "with nsids" } else { "no nsids" };
        let target = (with_ids && n == 1000).then_some(0.2);
        rows.push(row(
            format!("list, {n} namespaces, {ids}"),
            ours,
            "ip netns list",
            theirs,
            target,
        ));
    }
    if n == *cfg.list_sizes().last().unwrap() {
        let (mut ident, mut ident_ip, mut pids, mut pids_ip) = Default::default();
        for _ in 0..cfg.rounds * 3 {
            Samples::push(&mut ident, time(&[nn, "identify", &pid]));
            Samples::push(&mut ident_ip, time(&[IP, "netns", "identify", &pid]));
            Samples::push(&mut pids, time(&[nn, "pids", &middle]));
            Samples::push(&mut pids_ip, time(&[IP, "netns", "pids", &middle]));
        }
        rows.push(row(
            format!("identify PID, {n} namespaces"),
            ident,
            "ip netns identify",
            ident_ip,
            Some(0.6),
        ));
        rows.push(row(
            format!("pids NAME, {n} namespaces"),
            pids,
            "ip netns pids",
            pids_ip,
            Some(0.6),
        ));
    }
    let mut sleeper = sleeper;
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    drop(spaces);
    for name in &names {
        reg.delete(name).expect("delete");
    }
    settle(cfg);
}

fn batch(cfg: &Config, nn: &str, rows: &mut Vec<Row>) {
    let n = cfg.batch_size();
    let file = |verb: &str, prefix: &str| {
        let path = format!("/run/bench-{prefix}-{verb}");
        let text: String = (0..n)
            .map(|i| format!("netns {verb} {prefix}{i}\n"))
            .collect();
        std::fs::write(&path, text).expect("write batch file");
        path
    };
    let (nn_add, nn_del, ip_add, ip_del) = (
        file("add", "bn"),
        file("delete", "bn"),
        file("add", "bi"),
        file("delete", "bi"),
    );
    let (mut add, mut add_ip, mut del, mut del_ip) = Default::default();
    for _ in 0..cfg.rounds {
        Samples::push(&mut add, time(&[nn, "-batch", &nn_add]));
        Samples::push(&mut add_ip, time(&[IP, "-batch", &ip_add]));
        Samples::push(&mut del, time(&[nn, "-batch", &nn_del]));
        Samples::push(&mut del_ip, time(&[IP, "-batch", &ip_del]));
        settle(cfg);
    }
    rows.push(row(
        format!("-batch, {n} adds"),
        add,
        "ip -batch",
        add_ip,
        Some(1.0),
    ));
    rows.push(row(
        format!("-batch, {n} deletes"),
        del,
        "ip -batch",
        del_ip,
        None,
    ));
}
