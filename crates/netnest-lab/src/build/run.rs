// SPDX-License-Identifier: MIT OR Apache-2.0
//! The processes of a lab (`run = [...]` of its nodes): started in order once the topology is
//! up, each in its node's `ip netns exec` environment and its own process group, with its output
//! in the node's log file.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use netnest::{CommandExt, ExecEnv, NetNs, NETNS_ETC_DIR};
use std::os::unix::process::CommandExt as _;

use crate::error::LabError;
use crate::record::{Record, RecordProcess};
use crate::topology::{RunCommand, Topology};

/// Starts every node's commands, node by node in file order. On a failure the ones started are
/// killed and reaped, and the error names the command and where it is written.
pub(crate) fn start(
    t: &Topology,
    made: &[NetNs],
    state_dir: &Path,
) -> Result<(Vec<Child>, Vec<RecordProcess>), LabError> {
    let mut children = Vec::new();
    let mut processes = Vec::new();
    let result = start_all(t, made, state_dir, &mut children, &mut processes);
    if let Err(e) = result {
        for mut child in children {
            let _ = child.kill();
            let _ = child.wait();
        }
        return Err(e);
    }
    Ok((children, processes))
}

fn start_all(
    t: &Topology,
    made: &[NetNs],
    state_dir: &Path,
    children: &mut Vec<Child>,
    processes: &mut Vec<RecordProcess>,
) -> Result<(), LabError> {
    let logs = Record::logs_dir(state_dir, &t.name);
    for (node, ns) in t.nodes.iter().zip(made) {
        if node.run.is_empty() {
            continue;
        }
        std::fs::create_dir_all(&logs)
            .map_err(|e| LabError::step(format!("create {}", logs.display()), e))?;
        let log = logs.join(format!("{}.log", node.name));
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&log)
            .map_err(|e| LabError::step(format!("create {}", log.display()), e))?;
        for command in &node.run {
            let what = || describe(t, &node.name, command);
            let child = spawn(ns, &node.namespace, command, &file)
                .map_err(|e| LabError::step(what(), e))?;
            let pid = child.id();
            children.push(child);
            let start = crate::proc::stat(pid).map(|s| s.start).ok_or_else(|| {
                LabError::step(what(), std::io::Error::other("it was gone at once"))
            })?;
            processes.push(RecordProcess {
                node: node.name.clone(),
                command: command.text.clone(),
                pid,
                start,
                log: log.clone(),
            });
        }
    }
    Ok(())
}

/// `start "iperf3 -s" in node h1 (lab.toml:7:9)`.
fn describe(t: &Topology, node: &str, command: &RunCommand) -> String {
    let mut text = format!("start {:?} in node {node}", command.text);
    if let Some(at) = &command.location {
        let file = t
            .file
            .as_ref()
            .map_or_else(|| "<topology>".to_owned(), |f| f.display().to_string());
        text.push_str(&format!(" ({file}:{}:{})", at.line, at.column));
    }
    text
}

fn spawn(ns: &NetNs, namespace: &str, command: &RunCommand, log: &File) -> std::io::Result<Child> {
    let env = ExecEnv::with_ns(ns.try_clone()?, namespace, Path::new(NETNS_ETC_DIR));
    Command::new(&command.argv[0])
        .args(&command.argv[1..])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log.try_clone()?)
        .process_group(0)
        .netns_exec(env)
        .spawn()
}
