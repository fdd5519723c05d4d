// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab generate SHAPE NAME ARGS…`: prints a topology file in a known shape
//! (`netnest_lab::shapes`), addressed and routed so that `lab pingall` passes.
//!
//! ```text
//! lab generate linear NAME N [host]     Mininet's linear,N (switches in nodes, or in the host)
//! lab generate star NAME N [host]       one switch, N hosts
//! lab generate tree NAME DEPTH FANOUT [host]
//! lab generate ring NAME N              N routers in a ring
//! lab generate clos NAME SPINES LEAVES HOSTS
//! ```

use netnest_lab::shapes::{self, Switches};

use crate::cmd::{Ctx, Status};

/// The shapes, with their arguments after NAME.
pub(crate) const SHAPES: &[(&str, &str)] = &[
    ("linear", "N [host]"),
    ("star", "N [host]"),
    ("tree", "DEPTH FANOUT [host]"),
    ("ring", "N"),
    ("clos", "SPINES LEAVES HOSTS"),
];

fn number(word: &str, what: &str) -> Result<usize, String> {
    word.parse::<usize>()
        .ok()
        .filter(|n| (1..=4096).contains(n))
        .ok_or_else(|| {
            format!("lab generate: {what} must be a number from 1 to 4096, not \"{word}\"")
        })
}

/// Prints the topology file `shape` with `args` (NAME first) describes.
pub fn run(ctx: &mut Ctx, shape: &str, args: &[String]) -> Result<Status, String> {
    let usage = || {
        let known: Vec<String> = SHAPES
            .iter()
            .map(|(s, a)| format!("{s} NAME {a}"))
            .collect();
        format!("lab generate: expected one of: {}", known.join("; "))
    };
    let (name, rest) = args.split_first().ok_or_else(usage)?;
    let place = |tail: &[String]| match tail {
        [] => Ok(Switches::InNodes),
        [h] if h == "host" => Ok(Switches::InHost),
        _ => Err(usage()),
    };
    let t = match (shape, rest) {
        ("linear", [n, tail @ ..]) => shapes::linear(name, number(n, "N")?, place(tail)?),
        ("star", [n, tail @ ..]) => shapes::star(name, number(n, "N")?, place(tail)?),
        ("tree", [d, f, tail @ ..]) => shapes::tree(
            name,
            number(d, "DEPTH")? as u32,
            number(f, "FANOUT")?,
            place(tail)?,
        ),
        ("ring", [n]) => shapes::ring(name, number(n, "N")?),
        ("clos", [s, l, h]) => shapes::clos(
            name,
            number(s, "SPINES")?,
            number(l, "LEAVES")?,
            number(h, "HOSTS")?,
        ),
        _ => return Err(usage()),
    }
    .map_err(|e| e.to_string())?;
    ctx.out.write(t.to_toml().as_bytes());
    ctx.out.flush();
    Ok(Status::Ok)
}
