//! The library against pyroute2 0.9 (`netns`, `IPRoute(netns=…)`, `NSPopen`), interleaved: one
//! Python process times its side of each pair in-process, so interpreter start-up is not counted.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netnest::netlink::IpRoute;
use netnest::{CommandExt, CreateMode, Name, Registry};

use crate::report::Row;
use crate::stats::Samples;
use crate::{settle, Config};

const SERVER: &str = include_str!("pyroute2_group.py");

/// The Python side.
struct Python {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
}

impl Python {
    fn start() -> Option<Python> {
        let mut child = Command::new("python3")
            .args(["-c", SERVER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let out = BufReader::new(child.stdout.take()?);
        Some(Python { child, out })
    }

    fn time(&mut self, op: &str, name: &str) -> Duration {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{op} {name}").expect("write to python");
        stdin.flush().expect("flush");
        let mut line = String::new();
        self.out.read_line(&mut line).expect("read from python");
        Duration::from_nanos(
            line.trim()
                .parse()
                .unwrap_or_else(|_| panic!("python said {line:?}")),
        )
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn row(case: &str, ours: Samples, peer: &'static str, theirs: Samples, target: Option<f64>) -> Row {
    Row {
        group: "pyroute2",
        case: case.into(),
        ours,
        peer,
        theirs,
        target: target.map(|t| (t, false)),
    }
}

/// Every pyroute2 case; skipped (with a note) if pyroute2 cannot be imported.
pub fn run(cfg: &Config, rows: &mut Vec<Row>) {
    if !Command::new("python3")
        .args(["-c", "import pyroute2"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("pyroute2 is not installed: skipping its group (scripts/bench installs it)");
        return;
    }
    let Some(mut py) = Python::start() else {
        eprintln!("cannot start python3: skipping pyroute2");
        return;
    };
    let reg = Registry::default();
    let target = Name::new("bench-py").unwrap();
    let ns = reg.add(&target).expect("add");
    let (
        mut create,
        mut create_py,
        mut open,
        mut open_py,
        mut dump,
        mut dump_py,
        mut spawn,
        mut spawn_py,
    ) = Default::default();
    for round in 0..cfg.rounds {
        for i in 0..10 {
            let name = Name::new(format!("cr{round}-{i}")).unwrap();
            let t = Instant::now();
            drop(reg.add(&name).expect("add"));
            reg.delete(&name).expect("delete");
            Samples::push(&mut create, t.elapsed());
            Samples::push(
                &mut create_py,
                py.time("create_remove", &format!("py{round}-{i}")),
            );

            let t = Instant::now();
            drop(IpRoute::open(&reg, &target, CreateMode::OpenExisting).expect("open"));
            Samples::push(&mut open, t.elapsed());
            Samples::push(&mut open_py, py.time("iproute_open", "bench-py"));

            let t = Instant::now();
            let mut ipr = IpRoute::open(&reg, &target, CreateMode::OpenExisting).expect("open");
            std::hint::black_box(ipr.link_list().expect("links"));
            drop(ipr);
            Samples::push(&mut dump, t.elapsed());
            Samples::push(&mut dump_py, py.time("iproute_dump", "bench-py"));

            let t = Instant::now();
            let opened = reg.open(&target).expect("open");
            let status = Command::new("true")
                .spawn_in(&opened)
                .expect("spawn")
                .wait()
                .expect("wait");
            assert!(status.success());
            Samples::push(&mut spawn, t.elapsed());
            Samples::push(&mut spawn_py, py.time("nspopen", "bench-py"));
        }
        settle(cfg);
    }
    drop(ns);
    reg.delete(&target).expect("delete");
    rows.push(row(
        "netns create + remove (Registry add + delete)",
        create,
        "pyroute2 netns.create+remove",
        create_py,
        None,
    ));
    rows.push(row(
        "socket in a namespace by name (IpRoute::open)",
        open,
        "pyroute2 IPRoute(netns=) open",
        open_py,
        Some(0.02),
    ));
    rows.push(row(
        "open + link dump + close (IpRoute)",
        dump,
        "pyroute2 IPRoute(netns=) + get_links",
        dump_py,
        None,
    ));
    rows.push(row(
        "spawn `true` in a namespace to exit (spawn_in)",
        spawn,
        "pyroute2 NSPopen(…, [\"true\"])",
        spawn_py,
        Some(0.25),
    ));
}
