//! The logic of `netnest lab …`, for the `netnest` command to call: parse the words after
//! `lab`, call the library, print. The command wires it in a few lines:
//!
//! ```no_run
//! // in netnest-cli, when the first word is `lab`:
//! let opts = netnest_lab::cli::CliOptions::new(netnest::Registry::default()).json(false);
//! let args: Vec<std::ffi::OsString> = std::env::args_os().skip(2).collect();
//! std::process::exit(netnest_lab::cli::run(&args, &opts));
//! ```
//!
//! Exit codes: 0 on success (also for `down` of a lab that is not up), 1 when the work failed
//! (an invalid file, a failed step, an unknown lab), 255 for a command line that does not
//! parse (as `ip`), and for `exec` the command's own status (128 + N if killed by signal N).

mod args;
mod output;
mod progress;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use netnest::{CommandExt, ExecEnv, Name, Registry};

use crate::options::Options;
use crate::record::Record;
use crate::status::{status, status_of};
use crate::topology::Topology;
use args::Command;

/// What the `netnest` command knows before `lab`: the registry (`/run/netns`, or another run
/// directory), and the global `-j`/`-p` flags.
#[derive(Debug, Clone)]
pub struct CliOptions {
    registry: Registry,
    state_dir: Option<PathBuf>,
    json: bool,
    pretty: bool,
}

impl CliOptions {
    /// Labs in `registry`, records in its sibling `netnest/labs`, plain output.
    pub fn new(registry: Registry) -> CliOptions {
        CliOptions {
            registry,
            state_dir: None,
            json: false,
            pretty: false,
        }
    }

    /// JSON output (`ip -j`).
    pub fn json(mut self, on: bool) -> CliOptions {
        self.json = on;
        self
    }

    /// Pretty JSON (`ip -p`).
    pub fn pretty(mut self, on: bool) -> CliOptions {
        self.pretty = on;
        self
    }

    /// Records in `dir` instead of the registry's sibling `netnest/labs`.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> CliOptions {
        self.state_dir = Some(dir.into());
        self
    }

    fn options(&self) -> Options {
        let o = Options::new().with_registry(self.registry.clone());
        match &self.state_dir {
            Some(d) => o.with_state_dir(d),
            None => o,
        }
    }
}

/// Runs `netnest lab ARGS…` (`args` are the words after `lab`) on the process's stdout and
/// stderr, and returns the exit code. A progress bar is drawn on stderr for labs of 20 nodes
/// or more when stderr is a terminal.
pub fn run(args: &[OsString], opts: &CliOptions) -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let tty = stderr.is_terminal();
    run_with(args, opts, &mut stdout.lock(), &mut stderr.lock(), tty)
}

/// [`run`] with the output streams given, and whether `err` is a terminal.
pub fn run_with(
    args: &[OsString],
    opts: &CliOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
    err_is_terminal: bool,
) -> i32 {
    let parsed = match args::parse(args) {
        Ok(p) => p,
        Err(msg) => {
            let _ = writeln!(err, "{msg}");
            return 255;
        }
    };
    let json = opts.json || parsed.json;
    let pretty = opts.pretty || parsed.pretty;
    let options = opts.options();
    let result = match parsed.command {
        Command::Help => {
            let _ = write!(out, "{}", args::USAGE);
            Ok(0)
        }
        Command::Up { file, name } => up(&file, name.as_deref(), &options, err, err_is_terminal),
        Command::Down { target, force } => down(&target, force, &options, err),
        Command::Status { lab } => show(lab.as_deref(), &options, json, pretty, out),
        Command::Exec { lab, node, argv } => exec(&lab, &node, &argv, &options),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            let _ = writeln!(err, "{msg}");
            1
        }
    }
}

fn up(
    file: &Path,
    name: Option<&str>,
    options: &Options,
    err: &mut dyn Write,
    tty: bool,
) -> Result<i32, String> {
    let mut t = Topology::from_file(file).map_err(|e| e.to_string())?;
    if let Some(name) = name {
        t = t.renamed(name).map_err(|e| e.to_string())?;
    }
    let result = if tty && t.nodes.len() >= progress::MIN_NODES {
        let mut bar = progress::Bar::new(err);
        let r = t.up_with(options, &mut |p| bar.update(p));
        bar.finish();
        r
    } else {
        t.up_with(options, &mut |_| {})
    };
    result.map_err(|e| e.to_string())?.leave_up();
    Ok(0)
}

/// The lab a `down` argument names: a topology file (a path that exists), else a lab name. A
/// word that looks like a file (a `/` or `.toml` in it) but is neither is an error, so a typo
/// is not taken for a lab that is already down.
fn lab_name(target: &OsString, options: &Options) -> Result<String, String> {
    let path = Path::new(target);
    let looks_like_file = target
        .to_str()
        .is_none_or(|s| s.contains('/') || s.ends_with(".toml"));
    if looks_like_file && path.is_file() {
        return Topology::from_file(path)
            .map(|t| t.name)
            .map_err(|e| e.to_string());
    }
    let name = target.to_str().filter(|s| !s.contains('/'));
    match name {
        Some(name) if !looks_like_file || Record::path(&options.state_dir(), name).exists() => {
            Ok(name.to_owned())
        }
        _ => Err(format!(
            "no lab or topology file \"{}\"",
            target.to_string_lossy()
        )),
    }
}

fn down(
    target: &OsString,
    force: bool,
    options: &Options,
    err: &mut dyn Write,
) -> Result<i32, String> {
    let lab = lab_name(target, options)?;
    let report = if force {
        crate::force_down(&lab, options)
    } else {
        crate::down(&lab, options)
    }
    .map_err(|e| e.to_string())?;
    if !report.recorded {
        let _ = writeln!(err, "lab \"{lab}\" is not up: nothing to do");
    }
    for stopped in &report.stopped {
        let _ = writeln!(err, "stopped: {stopped}");
    }
    for kept in &report.kept {
        let _ = writeln!(err, "left alone: {kept}");
    }
    Ok(0)
}

fn show(
    lab: Option<&str>,
    options: &Options,
    json: bool,
    pretty: bool,
    out: &mut dyn Write,
) -> Result<i32, String> {
    let (labs, unreadable) = match lab {
        None => {
            let all = status(options).map_err(|e| e.to_string())?;
            (all.labs, all.unreadable)
        }
        Some(lab) => match status_of(lab, options).map_err(|e| e.to_string())? {
            Some(s) => (vec![s], Vec::new()),
            None => return Err(format!("no lab \"{lab}\" is recorded")),
        },
    };
    let text = if json {
        output::json(&labs, pretty)
    } else if lab.is_some() {
        output::plain_one(&labs[0])
    } else {
        output::plain_list(&labs)
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    if unreadable.is_empty() {
        return Ok(0);
    }
    let lines: Vec<String> = unreadable
        .iter()
        .map(|u| {
            format!(
                "cannot read the record {} of lab \"{}\": {}",
                u.path.display(),
                u.lab,
                u.reason
            )
        })
        .collect();
    Err(lines.join("\n"))
}

fn exec(lab: &str, node: &str, argv: &[OsString], options: &Options) -> Result<i32, String> {
    let dir = options.state_dir();
    let record = Record::read(&dir, lab)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no lab \"{lab}\" is recorded"))?;
    let ns = &record
        .nodes
        .iter()
        .find(|n| n.name == node)
        .ok_or_else(|| {
            let names: Vec<&str> = record.nodes.iter().map(|n| n.name.as_str()).collect();
            format!(
                "lab {lab} has no node \"{node}\" (its nodes are: {})",
                names.join(", ")
            )
        })?
        .namespace;
    let name = Name::new(ns.as_str()).map_err(|e| e.to_string())?;
    let env = ExecEnv::new(&Registry::new(&record.registry), &name)
        .map_err(|e| format!("cannot open the namespace of {lab}:{node} ({ns}): {e}"))?;
    let status = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .netns_exec(env)
        .status()
        .map_err(|e| match netnest::failed_step(&e) {
            Some((step, errno)) => format!("exec in {lab}:{node}: {step:?} failed: {errno}"),
            None => format!("exec of {:?} failed: {e}", argv[0]),
        })?;
    use std::os::unix::process::ExitStatusExt;
    Ok(status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)))
}
