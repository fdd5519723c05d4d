// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest-bench`: the side-by-side bench's driver. Run it through `scripts/bench`, which builds
//! the binaries under test and starts this in a sandbox (it refuses to run elsewhere).
//!
//! ```text
//! netnest-bench --netnest [LABEL=]PATH... [--variant LABEL=PATH]... [--floor [LABEL=]PATH]... [--ip PATH]
//!               [--ext4-dir DIR] [--full | --quick | --smoke] [--only GROUP,…]
//!               [--rounds N] [--markdown FILE] [--python PYTHON]
//! ```
//!
//! The first `--netnest` build that answers `-V` is the one under test (labelled `netnest`; the
//! targets are judged on it); later ones and `--variant`s are compared with the peers beside it.
//!
//! Groups: `cli` (start-up, add, delete, exec), `list` (list, identify, pids at 10/100/1000
//! namespaces, with and without nsids), `batch` (`-batch`), `floor` (the library against the
//! kernel floor), `pyroute2` (the library against pyroute2), `python` (the Python package against
//! pyroute2, in one Python process), `lab` (the lab against `ip` scripts). Exit code: 0 when every case ran (missed targets are reported, not failures), 1 when
//! a case failed, 2 for a bad command line or when not in a sandbox.

mod groups;

use std::path::PathBuf;
use std::process::ExitCode;

use netnest_bench::report::{self, Case};
use netnest_bench::{sandbox, spawn};

use groups::{Env, Size};

const GROUPS: [&str; 8] = [
    "cli", "list", "batch", "floor", "pyroute2", "python", "lab", "mininet",
];

const USAGE: &str =
    "usage: netnest-bench --netnest [LABEL=]PATH... [--variant LABEL=PATH]... [--floor [LABEL=]PATH]... [--ip PATH] \
[--ext4-dir DIR] [--full|--quick|--smoke] [--only GROUP,...] [--rounds N] [--markdown FILE] [--python PYTHON]
groups: cli list batch floor pyroute2 python lab";

fn main() -> ExitCode {
    let env = match parse(std::env::args().skip(1).collect()) {
        Ok(env) => env,
        Err(e) => {
            eprintln!("netnest-bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = sandbox::check().and_then(|()| sandbox::mark()) {
        eprintln!("netnest-bench: refusing to run: {e}");
        return ExitCode::from(2);
    }
    let mut env = env;
    let dropped = match choose_builds(&mut env) {
        Ok(dropped) => dropped,
        Err(e) => {
            eprintln!("netnest-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let header = machine(&env);
    println!("{header}");
    for d in &dropped {
        println!("note: {d}");
    }
    let mut cases: Vec<Case> = Vec::new();
    for group in GROUPS {
        if !env.only.is_empty() && !env.only.iter().any(|g| g == group) {
            continue;
        }
        eprintln!("== {group}");
        let before = cases.len();
        match group {
            "cli" => groups::cli::run(&env, &mut cases),
            "list" => groups::list::run(&env, &mut cases),
            "batch" => groups::batch::run(&env, &mut cases),
            "floor" => groups::floor::run(&env, &mut cases),
            "pyroute2" => groups::pyroute2::run(&env, &mut cases),
            "python" => groups::python::run(&env, &mut cases),
            "lab" => groups::lab::run(&env, &mut cases),
            "mininet" => groups::mininet::run(&env, &mut cases),
            _ => unreachable!(),
        }
        // Progress on stderr, so a long run shows where it is.
        eprint!("{}", report::text(&report::lines(&cases[before..])));
    }
    let lines = report::lines(&cases);
    println!("\n{}", report::text(&lines));
    for case in &cases {
        if let Some(note) = &case.note {
            println!("note: {} {}: {note}", case.group, case.name);
        }
    }
    let (summary, met, missed) = report::targets(&lines);
    println!("\ntargets: {met} met, {missed} missed\n{summary}");
    if let Some(path) = &env.markdown {
        let mut md = format!("```text\n{header}```\n\n");
        for d in &dropped {
            md.push_str(&format!("Note: {d}\n\n"));
        }
        md.push_str(&report::markdown(&lines));
        for case in &cases {
            if let Some(note) = &case.note {
                md.push_str(&format!("\n* {} {}: {note}", case.group, case.name));
            }
        }
        md.push('\n');
        if let Err(e) = std::fs::write(path, md) {
            eprintln!("netnest-bench: {}: {e}", path.display());
        }
    }
    let failed = cases
        .iter()
        .any(|c| matches!(c.outcome, report::Outcome::Failed(_)));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks every build with `-V`: one that does not answer as netnest does (a musl build whose
/// `main` ignores its arguments, say) would time the wrong thing, so it is left out, with the
/// reason (returned). The first `--netnest` candidate that answers is the build under test; the
/// others become variants.
fn choose_builds(env: &mut Env) -> Result<Vec<String>, String> {
    let mut dropped = Vec::new();
    let mut answers = |label: &str, path: &std::path::Path| {
        let (rc, out, err) = spawn::output(&[path.as_os_str(), "-V".as_ref()]);
        let ok = rc == 0 && out.starts_with("netnest utility");
        if !ok {
            dropped.push(format!(
                "{label} ({}) left out: `-V` printed {:?} {:?} (rc {rc})",
                path.display(),
                out.trim(),
                err.trim()
            ));
        }
        ok
    };
    let mut under_test = None;
    let mut others = Vec::new();
    for (label, path) in std::mem::take(&mut env.candidates) {
        let name = if label.is_empty() {
            "netnest".to_string()
        } else {
            format!("netnest ({label})")
        };
        if !answers(&name, &path) {
            continue;
        }
        if under_test.is_none() {
            under_test = Some((label, path));
        } else {
            others.push((name, path));
        }
    }
    env.variants.retain(|(label, path)| answers(label, path));
    let Some((label, path)) = under_test else {
        return Err(format!(
            "no --netnest build answers -V:\n{}",
            dropped.join("\n")
        ));
    };
    env.netnest = path;
    env.built = label;
    others.append(&mut env.variants);
    env.variants = others;
    Ok(dropped)
}

fn parse(args: Vec<String>) -> Result<Env, String> {
    let mut candidates: Vec<(String, PathBuf)> = Vec::new();
    let mut variants = Vec::new();
    let mut floors = Vec::new();
    let mut ip = PathBuf::from("/usr/sbin/ip");
    let mut ext4 = None;
    let mut size = Size::full();
    let mut only = Vec::new();
    let mut markdown = None;
    let mut python = "python3".to_string();
    let mut rounds = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--netnest" => {
                let v = value()?;
                let (label, path) = v.split_once('=').unwrap_or(("", &v));
                candidates.push((label.to_string(), PathBuf::from(path)));
            }
            "--variant" => {
                let v = value()?;
                let (label, path) = v.split_once('=').ok_or("--variant LABEL=PATH")?;
                variants.push((format!("netnest ({label})"), PathBuf::from(path)));
            }
            "--floor" => {
                let v = value()?;
                let (label, path) = v.split_once('=').unwrap_or(("", &v));
                let label = if label.is_empty() {
                    "floor command".to_string()
                } else {
                    format!("floor command ({label})")
                };
                floors.push((label, PathBuf::from(path)));
            }
            "--ip" => ip = PathBuf::from(value()?),
            "--ext4-dir" => ext4 = Some(PathBuf::from(value()?)),
            "--full" => size = Size::full(),
            "--quick" => size = Size::quick(),
            "--smoke" => size = Size::smoke(),
            "--only" => {
                for g in value()?.split(',').filter(|g| !g.is_empty()) {
                    if !GROUPS.contains(&g) {
                        return Err(format!("unknown group {g:?}"));
                    }
                    only.push(g.to_string());
                }
            }
            "--markdown" => markdown = Some(PathBuf::from(value()?)),
            "--rounds" => {
                let n: usize = value()?.parse().map_err(|e| format!("--rounds: {e}"))?;
                rounds = Some(n.max(1));
            }
            "--python" => python = value()?,
            "-h" | "--help" => return Err("help".into()),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    if let Some(n) = rounds {
        size.with_rounds(n);
    }
    if candidates.is_empty() {
        return Err("--netnest PATH is required".into());
    }
    // The first candidate is the build under test until `main` has checked which answer -V.
    let netnest = candidates[0].1.clone();
    Ok(Env {
        netnest,
        candidates,
        built: String::new(),
        variants,
        floors,
        ip,
        ext4,
        size,
        only,
        markdown,
        python,
    })
}

/// Date, machine, versions and sizes: the header of every report.
fn machine(env: &Env) -> String {
    let first_line = |argv: &[&str]| {
        spawn::output(argv)
            .1
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let uname = netnest::rustix::system::uname();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let py = spawn::output(&[
        env.python.as_str(),
        "-c",
        "import sys, pyroute2; print(sys.version.split()[0], pyroute2.__version__)",
    ]);
    let py = if py.0 == 0 {
        let v: Vec<&str> = py.1.split_whitespace().collect();
        format!(
            "python {} pyroute2 {}",
            v.first().unwrap_or(&"?"),
            v.get(1).unwrap_or(&"?")
        )
    } else {
        "pyroute2 not available".to_string()
    };
    format!(
        "date: {}\nmachine: nproc {nproc}, {cpu}, Linux {}\npeers: {}, {py}\nnetnest: {}{}\nsize: {} ({})\n",
        first_line(&["date", "-u", "+%Y-%m-%d %H:%M UTC"]),
        uname.release().to_string_lossy(),
        first_line(&[env.ip.to_string_lossy().as_ref(), "-V"]),
        if env.built.is_empty() {
            env.netnest.display().to_string()
        } else {
            format!("{} ({})", env.netnest.display(), env.built)
        },
        env.variants
            .iter()
            .map(|(l, p)| format!(", {l}: {}", p.display()))
            .collect::<String>(),
        env.size.name,
        env.size.describe(),
    )
}
