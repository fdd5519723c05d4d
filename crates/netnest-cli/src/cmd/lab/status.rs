// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab status [NAME]`: the recorded labs and what is left of them. Plain text, one line
//! per lab (with NAME, a line per node and host interface too), or JSON (`-j`, `-p`), escaped as
//! JSON requires.

use netnest_lab::{status, status_of, LabStatus, Options};

use crate::cmd::{Ctx, Status};
use crate::output::json::{Escape, Writer};
use crate::output::{Format, Stdout};

/// Prints every recorded lab, or `lab`. A record that cannot be read is reported on stderr
/// after the others, and the exit status is 1.
pub fn run(ctx: &mut Ctx, lab: Option<&str>, options: &Options) -> Result<Status, String> {
    let (labs, unreadable) = match lab {
        None => {
            let all = status(options).map_err(|e| crate::hints::lab(&e))?;
            (all.labs, all.unreadable)
        }
        Some(lab) => match status_of(lab, options).map_err(|e| crate::hints::lab(&e))? {
            Some(s) => (vec![s], Vec::new()),
            None => return Err(crate::hints::no_lab(lab)),
        },
    };
    match ctx.format() {
        Format::Json { pretty } => json(&mut ctx.out, &labs, pretty),
        Format::Plain => {
            for s in &labs {
                plain(&mut ctx.out, s, lab.is_some());
            }
        }
    }
    if unreadable.is_empty() {
        return Ok(Status::Ok);
    }
    ctx.out.flush();
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

/// `NAME STATE nodes N [file FILE]`, and with `detail` a line per node and host interface.
fn plain(out: &mut Stdout, s: &LabStatus, detail: bool) {
    let r = &s.record;
    let mut text = format!("{} {} nodes {}", r.lab, s.state.as_str(), s.nodes.len());
    if let Some(f) = &r.file {
        text.push_str(&format!(" file {}", f.display()));
    }
    text.push('\n');
    if detail {
        for n in &s.nodes {
            let missing = if n.present { "" } else { " (missing)" };
            text.push_str(&format!(
                "    node {} netns {}{missing}\n",
                n.name, n.namespace
            ));
        }
        for h in r.host_links.iter().chain(&r.host_bridges) {
            text.push_str(&format!("    host dev {h}\n"));
        }
    }
    out.write(text.as_bytes());
}

/// `[{"name":…,"state":…,"pid":…,"created":…,"file":…,"registry":…,"nodes":[…],
/// "host_interfaces":[…]}]`.
fn json(out: &mut Stdout, labs: &[LabStatus], pretty: bool) {
    let mut w = Writer::new(out, pretty, Escape::Json);
    w.start_array();
    for s in labs {
        let r = &s.record;
        w.start_object();
        w.string_field("name", r.lab.as_bytes());
        w.string_field("state", s.state.as_str().as_bytes());
        w.int_field("pid", i64::from(r.pid));
        w.key("created");
        w.uint(r.created);
        w.key("file");
        match &r.file {
            Some(f) => w.string(f.as_os_str().as_encoded_bytes()),
            None => w.null(),
        }
        w.string_field("registry", r.registry.as_os_str().as_encoded_bytes());
        w.key("nodes");
        w.start_array();
        for n in &s.nodes {
            w.start_object();
            w.string_field("name", n.name.as_bytes());
            w.string_field("namespace", n.namespace.as_bytes());
            w.bool_field("present", n.present);
            w.end_object();
        }
        w.end_array();
        w.key("host_interfaces");
        w.start_array();
        for h in r.host_links.iter().chain(&r.host_bridges) {
            w.string(h.as_bytes());
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    let out = w.stdout();
    out.write(b"\n");
    out.flush();
}
