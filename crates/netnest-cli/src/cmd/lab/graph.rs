// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab graph NAME|FILE [--format dot|mermaid|svg]`: the topology as Graphviz DOT (the
//! default), Mermaid, or SVG drawn by Graphviz's `dot` (`netnest_lab::graph`). For a lab that is
//! up, the topology comes from the file its record names.

use std::ffi::OsString;
use std::path::Path;

use netnest_lab::record::Record;
use netnest_lab::{graph, Options, Topology};

use crate::cmd::{Ctx, Status};

/// What `--format` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
}

impl GraphFormat {
    pub(crate) fn parse(word: &str) -> Result<GraphFormat, String> {
        match word {
            "dot" => Ok(GraphFormat::Dot),
            "mermaid" => Ok(GraphFormat::Mermaid),
            "svg" => Ok(GraphFormat::Svg),
            other => Err(format!(
                "lab graph: unknown format \"{other}\" (dot, mermaid or svg)"
            )),
        }
    }
}

/// The topology of a lab that is up (from its record's file), or of a topology file.
pub(crate) fn topology(target: &OsString, options: &Options) -> Result<Topology, String> {
    let path = Path::new(target);
    if path.is_file() {
        return Topology::from_file(path).map_err(|e| e.to_string());
    }
    let lab = target
        .to_str()
        .ok_or_else(|| format!("no lab or topology file \"{}\"", target.to_string_lossy()))?;
    let record = Record::read(&options.state_dir(), lab)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| crate::hints::no_lab(lab))?;
    let file = record
        .file
        .ok_or_else(|| format!("lab \"{lab}\" was not built from a file: give the file"))?;
    let t = Topology::from_file(&file).map_err(|e| e.to_string())?;
    if t.name == lab {
        Ok(t)
    } else {
        t.renamed(lab).map_err(|e| e.to_string())
    }
}

/// Prints the picture.
pub fn run(
    ctx: &mut Ctx,
    target: &OsString,
    format: GraphFormat,
    options: &Options,
) -> Result<Status, String> {
    let t = topology(target, options)?;
    let text = match format {
        GraphFormat::Dot => graph::dot(&t),
        GraphFormat::Mermaid => graph::mermaid(&t),
        GraphFormat::Svg => graph::svg(&t).map_err(|e| e.to_string())?,
    };
    ctx.out.write(text.as_bytes());
    ctx.out.flush();
    Ok(Status::Ok)
}
