// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab exec LAB NODE COMMAND…`: `netnest exec` in the namespace of one of a lab's nodes,
//! through the same code (same environment, same failure texts, the command's own exit status).

use std::ffi::OsString;

use netnest::{Name, Registry};
use netnest_lab::record::Record;
use netnest_lab::Options;

use crate::cmd::{exec, Ctx, Status};

/// Runs `argv` in node `node` of lab `lab`.
pub fn run(
    ctx: &mut Ctx,
    lab: &str,
    node: &str,
    argv: &[OsString],
    options: &Options,
) -> Result<Status, String> {
    let record = Record::read(&options.state_dir(), lab)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| crate::hints::no_lab(lab))?;
    let Some(found) = record.nodes.iter().find(|n| n.name == node) else {
        let names: Vec<&str> = record.nodes.iter().map(|n| n.name.as_str()).collect();
        return Err(format!(
            "lab {lab} has no node \"{node}\" (its nodes are: {})",
            names.join(", ")
        ));
    };
    let name = Name::new(found.namespace.as_str()).map_err(|e| e.to_string())?;
    let registry = Registry::new(&record.registry);
    Ok(exec::in_namespace(ctx, &registry, &name, argv))
}
