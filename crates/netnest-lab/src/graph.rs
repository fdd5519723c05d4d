// SPDX-License-Identifier: MIT OR Apache-2.0
//! A picture of a topology: Graphviz DOT ([`dot`]), Mermaid ([`mermaid`]), and SVG rendered by
//! Graphviz's `dot` program when it is installed ([`svg`]).
//!
//! Nodes are boxes, bridges diamonds (joined to the node holding them by a dashed line), the
//! host an ellipse; each link is an edge labelled with its interface names and addresses at
//! each end, and its impairment (if any) in the middle.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::topology::{End, Place, Topology};

/// The vertex an end attaches to: its bridge if it is a port of one, else its place.
fn vertex(t: &Topology, end: &End) -> String {
    match &end.bridge {
        Some(bridge) => format!("{}/{bridge}", t.place_name(end.place)),
        None => t.place_name(end.place).to_owned(),
    }
}

/// An end's label: interface name and addresses, one per line.
fn end_label(end: &End, newline: &str) -> String {
    let mut label = end.ifname.clone();
    for a in &end.addresses {
        label.push_str(newline);
        label.push_str(&a.to_string());
    }
    label
}

/// A node's or bridge's label: its name and the addresses of its own (bridges).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The impairment of a link, as a label: each end's, or the same for both.
fn impairment_label(l: &crate::topology::Link) -> Option<String> {
    let (a, b) = (&l.a.impair, &l.b.impair);
    match (a.is_empty(), b.is_empty()) {
        (true, true) => None,
        _ if a == b => Some(a.to_string()),
        (false, true) => Some(format!("{}: {a}", l.a.ifname)),
        (true, false) => Some(format!("{}: {b}", l.b.ifname)),
        (false, false) => Some(format!("{}: {a}; {}: {b}", l.a.ifname, l.b.ifname)),
    }
}

/// The places that appear: the nodes, and the host if anything is there.
fn uses_host(t: &Topology) -> bool {
    !t.host_bridges.is_empty()
        || t.links
            .iter()
            .any(|l| l.a.place == Place::Host || l.b.place == Place::Host)
}

/// Every bridge with the name of the place holding it.
fn bridges(t: &Topology) -> Vec<(Place, &crate::topology::Bridge)> {
    let mut out: Vec<_> = t.host_bridges.iter().map(|b| (Place::Host, b)).collect();
    for (i, n) in t.nodes.iter().enumerate() {
        out.extend(n.bridges.iter().map(|b| (Place::Node(i), b)));
    }
    out
}

/// The topology as a Graphviz graph (`dot -Tsvg` draws it).
pub fn dot(t: &Topology) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "graph {} {{", quoted(&t.name));
    let _ = writeln!(out, "  graph [overlap=false, fontname=\"Helvetica\"];");
    let _ = writeln!(out, "  node [shape=box, fontname=\"Helvetica\"];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    if uses_host(t) {
        let _ = writeln!(out, "  \"host\" [shape=ellipse, style=dashed];");
    }
    for n in &t.nodes {
        let _ = writeln!(out, "  {};", quoted(&n.name));
    }
    for (place, b) in bridges(t) {
        let id = format!("{}/{}", t.place_name(place), b.name);
        let mut label = b.name.clone();
        for a in &b.addresses {
            label.push_str("\\n");
            label.push_str(&a.to_string());
        }
        let _ = writeln!(
            out,
            "  {} [shape=diamond, class=\"bridge\", label=\"{label}\"];",
            quoted(&id)
        );
        let _ = writeln!(
            out,
            "  {} -- {} [style=dashed];",
            quoted(t.place_name(place)),
            quoted(&id)
        );
    }
    for l in &t.links {
        let mut attrs = format!(
            "taillabel=\"{}\", headlabel=\"{}\"",
            end_label(&l.a, "\\n"),
            end_label(&l.b, "\\n")
        );
        if let Some(text) = impairment_label(l) {
            let _ = write!(attrs, ", label=\"{text}\", color=\"firebrick\"");
        }
        let _ = writeln!(
            out,
            "  {} -- {} [{attrs}];",
            quoted(&vertex(t, &l.a)),
            quoted(&vertex(t, &l.b))
        );
    }
    out.push_str("}\n");
    out
}

/// The topology as a Mermaid flowchart (renders in GitHub and GitLab Markdown).
pub fn mermaid(t: &Topology) -> String {
    // Mermaid ids must be plain words: n0, n1… for nodes, b0… for bridges.
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut out = String::from("graph LR\n");
    if uses_host(t) {
        ids.push(("host".into(), "host".into()));
        out.push_str("  host([host])\n");
    }
    for (i, n) in t.nodes.iter().enumerate() {
        ids.push((n.name.clone(), format!("n{i}")));
        let _ = writeln!(out, "  n{i}[\"{}\"]", n.name);
    }
    for (k, (place, b)) in bridges(t).into_iter().enumerate() {
        let owner = t.place_name(place).to_owned();
        let owner_id = ids
            .iter()
            .find(|(name, _)| *name == owner)
            .map(|(_, id)| id.clone())
            .unwrap_or_default();
        let mut label = b.name.clone();
        for a in &b.addresses {
            let _ = write!(label, "<br>{a}");
        }
        ids.push((format!("{owner}/{}", b.name), format!("b{k}")));
        let _ = writeln!(out, "  b{k}{{\"{label}\"}}");
        let _ = writeln!(out, "  {owner_id} -.- b{k}");
    }
    let id = |name: &str| {
        ids.iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    for l in &t.links {
        let mut label = format!("{} — {}", end_label(&l.a, " "), end_label(&l.b, " "));
        if let Some(text) = impairment_label(l) {
            let _ = write!(label, "<br>{text}");
        }
        let _ = writeln!(
            out,
            "  {} ---|\"{label}\"| {}",
            id(&vertex(t, &l.a)),
            id(&vertex(t, &l.b))
        );
    }
    out
}

/// Why [`svg`] could not render.
#[derive(Debug)]
#[non_exhaustive]
pub enum SvgError {
    /// Graphviz's `dot` is not installed.
    NoGraphviz,
    /// `dot` failed (its stderr), or could not be run.
    Dot(String),
}

impl std::fmt::Display for SvgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SvgError::NoGraphviz => write!(
                f,
                "SVG needs Graphviz's dot program, which is not installed (apt-get install graphviz, dnf install graphviz); --format dot or mermaid need nothing"
            ),
            SvgError::Dot(e) => write!(f, "dot failed: {e}"),
        }
    }
}

impl std::error::Error for SvgError {}

/// The topology as SVG, drawn by Graphviz's `dot` (found in `PATH`).
pub fn svg(t: &Topology) -> Result<String, SvgError> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(SvgError::NoGraphviz),
        Err(e) => return Err(SvgError::Dot(e.to_string())),
    };
    let text = dot(t);
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| SvgError::Dot(e.to_string()))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(SvgError::Dot(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| SvgError::Dot(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trio() -> Topology {
        r#"
            name = "trio"
            [nodes.h1]
            [nodes.r]
            [nodes.r.bridges.br0]
            addresses = ["10.0.2.1/24"]
            [[links]]
            a = { node = "h1", addresses = ["10.0.1.2/24"] }
            b = { node = "r", ifname = "eth1", addresses = ["10.0.1.1/24"] }
            [[links]]
            a = { node = "host", ifname = "trio-up" }
            b = { node = "r", ifname = "eth2", bridge = "br0" }
        "#
        .parse()
        .unwrap()
    }

    #[test]
    fn dot_has_nodes_bridges_host_and_labelled_links() {
        let d = dot(&trio());
        assert!(d.starts_with("graph \"trio\" {"), "{d}");
        assert!(d.contains("  \"h1\";\n"), "{d}");
        assert!(d.contains("\"host\" [shape=ellipse"), "{d}");
        assert!(
            d.contains("\"r/br0\" [shape=diamond, class=\"bridge\", label=\"br0\\n10.0.2.1/24\"]"),
            "{d}"
        );
        assert!(d.contains("\"r\" -- \"r/br0\" [style=dashed]"), "{d}");
        assert!(d.contains("\"h1\" -- \"r\" [taillabel=\"eth0\\n10.0.1.2/24\", headlabel=\"eth1\\n10.0.1.1/24\"]"), "{d}");
        assert!(d.contains("\"host\" -- \"r/br0\""), "{d}");
    }

    #[test]
    fn mermaid_uses_plain_ids() {
        let m = mermaid(&trio());
        assert!(
            m.starts_with("graph LR\n  host([host])\n  n0[\"h1\"]\n  n1[\"r\"]\n"),
            "{m}"
        );
        assert!(
            m.contains("  b0{\"br0<br>10.0.2.1/24\"}\n  n1 -.- b0\n"),
            "{m}"
        );
        assert!(
            m.contains("  n0 ---|\"eth0 10.0.1.2/24 — eth1 10.0.1.1/24\"| n1\n"),
            "{m}"
        );
        assert!(m.contains("  host ---|\"trio-up — eth2\"| b0\n"), "{m}");
    }

    #[test]
    fn impairments_label_their_edges() {
        let t: Topology = r#"
            name = "imp"
            [nodes.h1]
            [nodes.h2]
            [nodes.h3]
            [[links]]
            a = "h1"
            b = "h2"
            impair = { rate = "10mbit" }
            [[links]]
            a = "h2"
            b = { node = "h3", impair = { rate = "1mbit" } }
        "#
        .parse()
        .unwrap();
        let d = dot(&t);
        assert!(
            d.contains("label=\"rate 10mbit\", color=\"firebrick\""),
            "{d}"
        );
        assert!(d.contains("label=\"eth0: rate 1mbit\""), "{d}");
        let m = mermaid(&t);
        assert!(m.contains("<br>rate 10mbit\"|"), "{m}");
        assert!(
            !d.contains("\"h1\" -- \"h2\" [taillabel=\"eth0\", headlabel=\"eth0\"];"),
            "{d}"
        );
    }
}
