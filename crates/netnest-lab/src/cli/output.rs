//! What `netnest lab status` prints: plain text, or JSON (`-j`, `-p`), escaped as iproute2
//! escapes it.

use std::fmt::Write as _;

use crate::status::LabStatus;

/// A JSON string, escaping only what iproute2's writer escapes.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A small JSON value, enough for the status.
pub(crate) enum Json {
    Str(String),
    Num(u64),
    Bool(bool),
    Null,
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    fn write(&self, out: &mut String, pretty: bool, depth: usize) {
        let nl = |out: &mut String, depth: usize| {
            if pretty {
                out.push('\n');
                out.push_str(&"    ".repeat(depth));
            }
        };
        match self {
            Json::Str(s) => string(out, s),
            Json::Num(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Null => out.push_str("null"),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    item.write(out, pretty, depth + 1);
                }
                if !items.is_empty() {
                    nl(out, depth);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    string(out, k);
                    out.push(':');
                    if pretty {
                        out.push(' ');
                    }
                    v.write(out, pretty, depth + 1);
                }
                if !fields.is_empty() {
                    nl(out, depth);
                }
                out.push('}');
            }
        }
    }

    /// The text, with a final newline.
    pub(crate) fn text(&self, pretty: bool) -> String {
        let mut out = String::new();
        self.write(&mut out, pretty, 0);
        out.push('\n');
        out
    }
}

fn lab_json(s: &LabStatus) -> Json {
    let r = &s.record;
    Json::Obj(vec![
        ("name", Json::Str(r.lab.clone())),
        ("state", Json::Str(s.state.as_str().into())),
        ("pid", Json::Num(u64::from(r.pid))),
        ("created", Json::Num(r.created)),
        (
            "file",
            r.file
                .as_ref()
                .map_or(Json::Null, |f| Json::Str(f.display().to_string())),
        ),
        ("registry", Json::Str(r.registry.display().to_string())),
        (
            "nodes",
            Json::Arr(
                s.nodes
                    .iter()
                    .map(|n| {
                        Json::Obj(vec![
                            ("name", Json::Str(n.name.clone())),
                            ("namespace", Json::Str(n.namespace.clone())),
                            ("present", Json::Bool(n.present)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "host_interfaces",
            Json::Arr(
                r.host_links
                    .iter()
                    .chain(&r.host_bridges)
                    .map(|n| Json::Str(n.clone()))
                    .collect(),
            ),
        ),
    ])
}

/// `netnest -j lab status`: an array of labs.
pub(crate) fn json(labs: &[LabStatus], pretty: bool) -> String {
    Json::Arr(labs.iter().map(lab_json).collect()).text(pretty)
}

/// `netnest lab status`: one line per lab.
pub(crate) fn plain_list(labs: &[LabStatus]) -> String {
    let mut out = String::new();
    for s in labs {
        let r = &s.record;
        let _ = write!(
            out,
            "{} {} nodes {}",
            r.lab,
            s.state.as_str(),
            s.nodes.len()
        );
        if let Some(f) = &r.file {
            let _ = write!(out, " file {}", f.display());
        }
        out.push('\n');
    }
    out
}

/// `netnest lab status NAME`: the lab, then one line per node and host interface.
pub(crate) fn plain_one(s: &LabStatus) -> String {
    let r = &s.record;
    let mut out = plain_list(std::slice::from_ref(s));
    for n in &s.nodes {
        let _ = writeln!(
            out,
            "    node {} netns {}{}",
            n.name,
            n.namespace,
            if n.present { "" } else { " (missing)" }
        );
    }
    for h in r.host_links.iter().chain(&r.host_bridges) {
        let _ = writeln!(out, "    host dev {h}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_layout() {
        let v = Json::Obj(vec![
            ("a", Json::Str("q\"\\\t\u{1}é".into())),
            (
                "b",
                Json::Arr(vec![Json::Num(1), Json::Bool(false), Json::Null]),
            ),
            ("c", Json::Arr(vec![])),
        ]);
        assert_eq!(
            v.text(false),
            "{\"a\":\"q\\\"\\\\\\t\u{1}é\",\"b\":[1,false,null],\"c\":[]}\n"
        );
        assert_eq!(
            v.text(true),
            "{\n    \"a\": \"q\\\"\\\\\\t\u{1}é\",\n    \"b\": [\n        1,\n        false,\n        null\n    ],\n    \"c\": []\n}\n"
        );
    }
}
