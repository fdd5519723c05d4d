// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab test NAME|FILE`: checks the topology's `[[expect]]` entries against the lab
//! that is up, with netnest's own probes from inside the nodes (`netnest_lab::reach::check`).
//! The same table and JSON as `pingall`; exit status 1 when an expectation fails.

use std::ffi::OsString;

use netnest_lab::reach;
use netnest_lab::Options;

use crate::cmd::{Ctx, Status};

/// Checks the expectations of lab or file `target`.
pub fn run(ctx: &mut Ctx, target: &OsString, options: &Options) -> Result<Status, String> {
    let t = super::graph::topology(target, options)?;
    if t.expects.is_empty() {
        return Err(format!(
            "lab test: the topology of \"{}\" has no [[expect]] entries",
            t.name
        ));
    }
    let nodes = reach::nodes_of(&t.name, options).map_err(|e| crate::hints::lab(&e))?;
    let results = reach::check(&nodes, &t.expects, reach::DEFAULT_TIMEOUT)
        .map_err(|e| crate::hints::lab(&e))?;
    super::pingall::print(ctx, &results);
    Ok(super::pingall::verdict(&results))
}
