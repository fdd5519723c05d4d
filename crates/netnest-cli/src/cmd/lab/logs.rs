// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab logs LAB NODE`: the output of the processes a node's `run = [...]` started, from
//! the log file the lab's record names.

use netnest_lab::record::Record;
use netnest_lab::Options;

use crate::cmd::{Ctx, Status};

/// Prints node `node`'s log.
pub fn run(ctx: &mut Ctx, lab: &str, node: &str, options: &Options) -> Result<Status, String> {
    let record = Record::read(&options.state_dir(), lab)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| crate::hints::no_lab(lab))?;
    if !record.nodes.iter().any(|n| n.name == node) {
        let names: Vec<&str> = record.nodes.iter().map(|n| n.name.as_str()).collect();
        return Err(format!(
            "lab {lab} has no node \"{node}\" (its nodes are: {})",
            names.join(", ")
        ));
    }
    let Some(process) = record.processes.iter().find(|p| p.node == node) else {
        return Err(format!(
            "node {node} of lab {lab} runs no commands (run = [...] in its [nodes.{node}])"
        ));
    };
    let text = std::fs::read(&process.log)
        .map_err(|e| format!("cannot read the log {}: {e}", process.log.display()))?;
    ctx.out.write(&text);
    Ok(Status::Ok)
}
