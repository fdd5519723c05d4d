// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab down [--force] NAME|FILE`: stop what runs in the lab's nodes, remove what the
//! lab's record says it made and is still the lab's; twice is harmless.

use std::ffi::OsString;
use std::path::Path;

use netnest_lab::record::Record;
use netnest_lab::{Options, Topology};

use crate::cmd::Status;
use crate::messages;

/// Takes the lab `target` names down (even while its `up` seems to run, with `force`), and
/// says which processes it stopped and what it left alone.
pub fn run(target: &OsString, force: bool, options: &Options) -> Result<Status, String> {
    let lab = lab_name(target, options)?;
    let report = if force {
        netnest_lab::force_down(&lab, options)
    } else {
        netnest_lab::down(&lab, options)
    }
    .map_err(|e| crate::hints::lab(&e))?;
    if !report.recorded {
        messages::say(&format!("lab \"{lab}\" is not up: nothing to do"));
    }
    for stopped in &report.stopped {
        messages::say(&format!("stopped: {stopped}"));
    }
    for kept in &report.kept {
        messages::say(&format!("left alone: {kept}"));
    }
    Ok(Status::Ok)
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
