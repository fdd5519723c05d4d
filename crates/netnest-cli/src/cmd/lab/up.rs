// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab up FILE [name NAME]`: validate the file, build the lab, leave it up. A progress
//! bar is drawn on stderr for labs of [`progress::MIN_NODES`] nodes or more when stderr is a
//! terminal.

use std::io::IsTerminal;
use std::path::Path;

use netnest_lab::{Options, Topology};

use crate::cmd::Status;
use crate::output::progress;

/// Builds the lab of `file`, renamed `name` if given.
pub fn run(file: &Path, name: Option<&str>, options: &Options) -> Result<Status, String> {
    let mut topology = Topology::from_file(file).map_err(|e| e.to_string())?;
    if let Some(name) = name {
        topology = topology.renamed(name).map_err(|e| e.to_string())?;
    }
    let stderr = std::io::stderr();
    let lab = if stderr.is_terminal() && topology.nodes.len() >= progress::MIN_NODES {
        let mut stderr = stderr.lock();
        let mut bar = progress::Bar::new(&mut stderr);
        let lab = topology.up_with(options, &mut |p| bar.update(p));
        bar.finish();
        lab
    } else {
        topology.up_with(options, &mut |_| {})
    };
    lab.map_err(|e| crate::hints::lab(&e))?.leave_up();
    Ok(Status::Ok)
}
