// SPDX-License-Identifier: MIT OR Apache-2.0
//! The library against pyroute2, in-process on both sides: a long-lived Python process per
//! series (`peer.py`) times each operation itself and answers over a pipe, interleaved with the
//! Rust side. Cases: `netns.create` + `remove`; `IPRoute(netns=NAME)` open, and open + link dump +
//! close; `NSPopen(NAME, ["true"])` to exit; and, for reference, a plain `subprocess.Popen`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{CommandExt, CreateMode, ExecEnv, IpRoute, Name, Registry};
use netnest_bench::plan::{Iter, Side};
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;

use super::{failed, measure, skipped, Env};

const G: &str = "pyroute2";
const PEER: &str = include_str!("peer.py");
const NS: &str = "bench-py";

/// A long-lived Python process that times operations itself (`peer.py`, `python.py`).
pub(super) struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    fn start(env: &Env) -> Result<Python, String> {
        Python::start_with(env, PEER, "pyroute2.log")
    }

    /// Starts `source` in the bench's Python, its stderr in `log` in the scratch directory.
    pub(super) fn start_with(env: &Env, source: &str, log: &str) -> Result<Python, String> {
        let log = std::fs::File::create(env.scratch().join(log)).map_err(|e| e.to_string())?;
        let mut child = Command::new(&env.python)
            .args(["-u", "-c", source])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("{}: {e}", env.python))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Python {
            child,
            stdin,
            stdout,
        })
    }

    /// Runs `op arg` and returns its timings.
    pub(super) fn call(&mut self, op: &str, arg: &str) -> Result<Vec<Duration>, String> {
        writeln!(self.stdin, "{op} {arg}").map_err(|e| format!("python: {e}"))?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| format!("python: {e}"))?;
        match line.trim_end().split_once(' ') {
            Some(("ok", times)) => times
                .split(' ')
                .map(|t| {
                    t.parse()
                        .map(Duration::from_nanos)
                        .map_err(|e| format!("{t:?}: {e}"))
                })
                .collect(),
            Some(("err", e)) => Err(format!("python: {e}")),
            _ => Err(format!(
                "python ended: {line:?} (see the log in /run/netnest-bench)"
            )),
        }
    }

    fn side<'a>(
        mut self,
        label: &str,
        op: &'static str,
        arg: impl Fn(Iter) -> String + 'a,
    ) -> Side<'a> {
        Side::peer(label, move |it| self.call(op, &arg(it)))
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    let probe = spawn::output(&[env.python.as_str(), "-c", "import pyroute2"]);
    if probe.0 != 0 {
        out.push(skipped(
            G,
            "all cases",
            format!("pyroute2 not importable: {}", probe.2.trim()),
        ));
        return;
    }
    super::clear_registry();
    let reg = Registry::default();
    out.push(create_remove(env, &reg));
    let name = Name::new(NS).expect("valid");
    if let Err(e) = reg.add(&name) {
        out.push(failed(G, "IPRoute, NSPopen", format!("Registry::add: {e}")));
        return;
    }
    out.push(iproute_open(env, &reg, &name));
    out.push(iproute_dump(env, &reg, &name));
    out.push(nspopen(env, &reg, &name));
    out.push(popen(env));
    let _ = reg.delete(&name);
}

/// Starts a Python series and measures `ours` against it.
fn series<'a>(
    env: &Env,
    case: &str,
    metrics: &[&str],
    plan: netnest_bench::plan::Plan,
    mut ours: Vec<Side<'a>>,
    peer: (&str, &'static str, &'a dyn Fn(Iter) -> String),
    targets: Vec<Target>,
) -> Case {
    let py = match Python::start(env) {
        Ok(py) => py,
        Err(e) => return failed(G, case, e),
    };
    ours.push(py.side(peer.0, peer.1, peer.2));
    measure(G, case, metrics, plan, &mut ours, &env.settler(), targets)
}

fn create_remove(env: &Env, reg: &Registry) -> Case {
    let lib = Side::ours("Registry::add, delete", |it| {
        let name = Name::new(format!("rs{}", it.tag())).expect("valid");
        let t0 = Instant::now();
        drop(reg.add(&name).map_err(|e| e.to_string())?);
        let t1 = Instant::now();
        reg.delete(&name).map_err(|e| e.to_string())?;
        let t2 = Instant::now();
        Ok(vec![t1 - t0, t2 - t1, t2 - t0])
    });
    series(
        env,
        "named create + remove",
        &["create", "remove", "create+remove"],
        env.size.py,
        vec![lib],
        (
            "pyroute2 netns.create, remove",
            "create_remove",
            &|it: Iter| format!("py{}", it.tag()),
        ),
        vec![],
    )
}

const OPEN: &str = "pyroute2 IPRoute(netns=NAME)";

fn iproute_open(env: &Env, reg: &Registry, name: &Name) -> Case {
    let s = |e: netnest::Error| e.to_string();
    let socket = Side::ours("Registry::open + netnest::socket", |_| {
        let t0 = Instant::now();
        let ns = reg.open(name).map_err(s)?;
        let sock =
            netnest::socket(&ns, AddressFamily::NETLINK, SocketType::RAW, None).map_err(s)?;
        let t = t0.elapsed();
        drop(sock);
        Ok(vec![t])
    });
    let iproute = Side::ours("IpRoute::open", |_| {
        let t0 = Instant::now();
        let ipr = IpRoute::open(reg, name, CreateMode::CreateOrOpen).map_err(s)?;
        let t = t0.elapsed();
        drop(ipr);
        Ok(vec![t])
    });
    let m = "route socket inside a namespace, open";
    series(
        env,
        m,
        &[m],
        env.size.py,
        vec![socket, iproute],
        (OPEN, "iproute_open", &|_| NS.to_string()),
        vec![
            Target::at_most(m, "Registry::open + netnest::socket", OPEN, 0.02),
            Target::at_most(m, "IpRoute::open", OPEN, 0.02),
        ],
    )
}

fn iproute_dump(env: &Env, reg: &Registry, name: &Name) -> Case {
    let lib = Side::ours("IpRoute::open + link_list", |_| {
        let t0 = Instant::now();
        let links = IpRoute::open(reg, name, CreateMode::CreateOrOpen)
            .and_then(|mut ipr| ipr.link_list())
            .map_err(|e| e.to_string())?;
        let t = t0.elapsed();
        if links.is_empty() {
            return Err("no links".into());
        }
        Ok(vec![t])
    });
    let m = "open + link dump + close";
    series(
        env,
        m,
        &[m],
        env.size.py,
        vec![lib],
        (
            "pyroute2 IPRoute(netns=NAME) + get_links",
            "iproute_dump",
            &|_| NS.to_string(),
        ),
        vec![],
    )
}

fn nspopen(env: &Env, reg: &Registry, name: &Name) -> Case {
    let spawn_in = Side::ours("Command::spawn_in", |_| {
        let t0 = Instant::now();
        let ns = reg.open(name).map_err(|e| e.to_string())?;
        let status = Command::new("true")
            .spawn_in(&ns)
            .map_err(|e| e.to_string())?
            .wait()
            .map_err(|e| e.to_string())?;
        let t = t0.elapsed();
        ok(status).map(|()| vec![t])
    });
    let exec = Side::ours("Command::netns_exec", |_| {
        let t0 = Instant::now();
        let env = ExecEnv::new(reg, name).map_err(|e| e.to_string())?;
        let status = Command::new("true")
            .netns_exec(env)
            .status()
            .map_err(|e| e.to_string())?;
        let t = t0.elapsed();
        ok(status).map(|()| vec![t])
    });
    let m = "spawn `true` inside a namespace, to exit";
    const PY: &str = "pyroute2 NSPopen";
    series(
        env,
        m,
        &[m],
        env.size.py,
        vec![spawn_in, exec],
        (PY, "nspopen", &|_| NS.to_string()),
        vec![
            Target::at_most(m, "Command::spawn_in", PY, 0.25),
            Target::at_most(m, "Command::netns_exec", PY, 0.25),
        ],
    )
}

fn popen(env: &Env) -> Case {
    let lib = Side::ours("Command::spawn", |_| {
        let t0 = Instant::now();
        let status = Command::new("true").status().map_err(|e| e.to_string())?;
        let t = t0.elapsed();
        ok(status).map(|()| vec![t])
    });
    let m = "spawn `true`, no namespace (reference)";
    series(
        env,
        m,
        &[m],
        env.size.py,
        vec![lib],
        ("python subprocess.Popen", "popen", &|_| String::new()),
        vec![],
    )
}

fn ok(status: std::process::ExitStatus) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("true: {status}"))
    }
}
