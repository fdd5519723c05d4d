// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab status [NAME]`: the recorded labs and what is left of them. Plain text, one line
//! per lab (with NAME, each node with its interfaces and processes as the kernel reports them,
//! and the lab's host interfaces), or JSON (`-j`, `-p`), escaped as JSON requires.

use netnest_lab::{inspect, status, status_of, InterfaceView, LabStatus, NodeView, Options};

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
    // One lab: what the kernel says of it.
    let views: Vec<Option<Vec<NodeView>>> = labs
        .iter()
        .map(|s| lab.is_some().then(|| inspect(s)))
        .collect();
    match ctx.format() {
        Format::Json { pretty } => json(&mut ctx.out, &labs, &views, pretty),
        Format::Plain => {
            for (s, view) in labs.iter().zip(&views) {
                plain(&mut ctx.out, s, view.as_deref());
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

/// `NAME STATE nodes N [file FILE]`, and with `detail` a line per node and host interface, each
/// followed by its interfaces and processes.
fn plain(out: &mut Stdout, s: &LabStatus, detail: Option<&[NodeView]>) {
    let r = &s.record;
    let mut text = format!("{} {} nodes {}", r.lab, s.state.as_str(), s.nodes.len());
    if let Some(f) = &r.file {
        text.push_str(&format!(" file {}", f.display()));
    }
    text.push('\n');
    if let Some(views) = detail {
        for (n, view) in s.nodes.iter().zip(views) {
            let missing = if n.present { "" } else { " (missing)" };
            text.push_str(&format!(
                "    node {} netns {}{missing}\n",
                n.name, n.namespace
            ));
            node_detail(&mut text, view);
        }
        match views.get(s.nodes.len()).filter(|host| host.present) {
            Some(host) => {
                text.push_str("    host\n");
                node_detail(&mut text, host);
            }
            // Not the namespace the lab was built from: its names only.
            None => {
                for h in r.host_links.iter().chain(&r.host_bridges) {
                    text.push_str(&format!("    host dev {h}\n"));
                }
            }
        }
    }
    out.write(text.as_bytes());
}

/// `dev eth0 veth UP mtu 1500 peer r:eth1 10.0.1.2/24 …` per interface (`down` when it is
/// administratively down, `master BRIDGE` for a bridge port), then `process PID (COMM)` per
/// process, with `run: COMMAND` for the lab's own.
fn node_detail(text: &mut String, view: &NodeView) {
    for i in &view.interfaces {
        text.push_str(&format!("        dev {}", i.name));
        if let Some(kind) = &i.kind {
            text.push_str(&format!(" {kind}"));
        }
        text.push_str(if i.up { " up " } else { " down " });
        text.push_str(i.state);
        if let Some(mtu) = i.mtu {
            text.push_str(&format!(" mtu {mtu}"));
        }
        if let Some(master) = &i.master {
            text.push_str(&format!(" master {master}"));
        }
        if let Some(peer) = &i.peer {
            text.push_str(&format!(" peer {peer}"));
        }
        for a in &i.addresses {
            text.push_str(&format!(" {a}"));
        }
        text.push('\n');
    }
    for p in &view.processes {
        text.push_str(&format!("        process {} ({})", p.pid, p.comm));
        if let Some(run) = &p.run {
            text.push_str(&format!(" run: {run}"));
        }
        text.push('\n');
    }
}

fn json_interfaces(w: &mut Writer<'_>, interfaces: &[InterfaceView]) {
    w.start_array();
    for i in interfaces {
        w.start_object();
        w.string_field("name", i.name.as_bytes());
        w.int_field("index", i64::from(i.index));
        w.key("kind");
        match &i.kind {
            Some(k) => w.string(k.as_bytes()),
            None => w.null(),
        }
        w.bool_field("up", i.up);
        w.string_field("state", i.state.as_bytes());
        w.key("mtu");
        match i.mtu {
            Some(m) => w.uint(u64::from(m)),
            None => w.null(),
        }
        w.key("addresses");
        w.start_array();
        for a in &i.addresses {
            w.string(a.as_bytes());
        }
        w.end_array();
        w.key("peer");
        match &i.peer {
            Some(p) => w.string(p.as_bytes()),
            None => w.null(),
        }
        w.key("master");
        match &i.master {
            Some(m) => w.string(m.as_bytes()),
            None => w.null(),
        }
        w.end_object();
    }
    w.end_array();
}

/// `[{"name":…,"state":…,"pid":…,"created":…,"file":…,"registry":…,"nodes":[…],
/// "host_interfaces":[…]}]`; for one lab, each node also has `interfaces` and `processes`, and
/// the lab has `host` (the interfaces of its host side as the kernel reports them).
fn json(out: &mut Stdout, labs: &[LabStatus], views: &[Option<Vec<NodeView>>], pretty: bool) {
    let mut w = Writer::new(out, pretty, Escape::Json);
    w.start_array();
    for (s, views) in labs.iter().zip(views) {
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
        for (k, n) in s.nodes.iter().enumerate() {
            w.start_object();
            w.string_field("name", n.name.as_bytes());
            w.string_field("namespace", n.namespace.as_bytes());
            w.bool_field("present", n.present);
            if let Some(view) = views.as_ref().and_then(|v| v.get(k)) {
                w.key("interfaces");
                json_interfaces(&mut w, &view.interfaces);
                w.key("processes");
                w.start_array();
                for p in &view.processes {
                    w.start_object();
                    w.int_field("pid", i64::from(p.pid));
                    w.string_field("comm", p.comm.as_bytes());
                    w.key("run");
                    match &p.run {
                        Some(c) => w.string(c.as_bytes()),
                        None => w.null(),
                    }
                    w.end_object();
                }
                w.end_array();
            }
            w.end_object();
        }
        w.end_array();
        w.key("host_interfaces");
        w.start_array();
        for h in r.host_links.iter().chain(&r.host_bridges) {
            w.string(h.as_bytes());
        }
        w.end_array();
        if let Some(host) = views.as_ref().and_then(|v| v.get(s.nodes.len())) {
            w.key("host");
            json_interfaces(&mut w, &host.interfaces);
        }
        w.end_object();
    }
    w.end_array();
    let out = w.stdout();
    out.write(b"\n");
    out.flush();
}
