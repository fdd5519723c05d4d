// SPDX-License-Identifier: MIT OR Apache-2.0
//! The results: one row per (case, metric, our side, peer side), with both medians, their spreads,
//! the ratio of the medians and the interquartile range of the paired ratios; then the targets,
//! met or missed. Printed as a text table, and as Markdown for `docs/performance.md`.

use std::fmt::Write as _;

use crate::plan::{Role, Samples};
use crate::stats::{human, Ratio, Summary};

/// A target ratio: ours / peer, on one metric, at most `max` (or below it, if `strict`).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The metric's name.
    pub metric: String,
    /// Our side's label.
    pub ours: String,
    /// The peer side's label.
    pub peer: String,
    /// The bound.
    pub max: f64,
    /// `<` rather than `≤`.
    pub strict: bool,
}

impl Target {
    /// `ours / peer ≤ max` on `metric`.
    pub fn at_most(metric: &str, ours: &str, peer: &str, max: f64) -> Target {
        Target {
            metric: metric.into(),
            ours: ours.into(),
            peer: peer.into(),
            max,
            strict: false,
        }
    }

    /// `ours / peer < max` on `metric`.
    pub fn below(metric: &str, ours: &str, peer: &str, max: f64) -> Target {
        Target {
            strict: true,
            ..Target::at_most(metric, ours, peer, max)
        }
    }

    /// Whether `ratio` meets it.
    pub fn met_by(&self, ratio: f64) -> bool {
        if self.strict {
            ratio < self.max
        } else {
            ratio <= self.max
        }
    }

    fn text(&self) -> String {
        format!("{} {}", if self.strict { "<" } else { "≤" }, self.max)
    }
}

/// What came of a case.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Measured: the samples of every side.
    Measured(Vec<Samples>),
    /// Not run, and why (a command not implemented yet, a peer not installed…).
    Skipped(String),
    /// Started and failed.
    Failed(String),
}

/// One comparison.
#[derive(Debug, Clone)]
pub struct Case {
    /// The group (`cli`, `list`, `batch`, `floor`, `pyroute2`, `lab`).
    pub group: &'static str,
    /// The case's name.
    pub name: String,
    /// The metrics each side returns, in order.
    pub metrics: Vec<String>,
    /// The results.
    pub outcome: Outcome,
    /// The targets that apply.
    pub targets: Vec<Target>,
    /// Something the reader should know about this case.
    pub note: Option<String>,
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// `group`.
    pub group: &'static str,
    /// `case · metric`, or just the case when it has one metric of the same name.
    pub what: String,
    /// Our side.
    pub ours: String,
    /// Our median and spread.
    pub ours_summary: Summary,
    /// The peer.
    pub peer: String,
    /// The peer's median and spread.
    pub peer_summary: Summary,
    /// The comparison.
    pub ratio: Ratio,
    /// The target, and whether it is met.
    pub target: Option<(Target, bool)>,
}

/// Either a measured row or a case that did not run.
#[derive(Debug, Clone)]
pub enum Line {
    /// A comparison.
    Row(Box<Row>),
    /// A case skipped or failed, with the reason.
    Missing {
        /// The group.
        group: &'static str,
        /// The case.
        what: String,
        /// `skipped: …` or `FAILED: …`.
        why: String,
    },
}

/// The lines of the table for `cases`, in order.
pub fn lines(cases: &[Case]) -> Vec<Line> {
    let mut out = Vec::new();
    for case in cases {
        let sides = match &case.outcome {
            Outcome::Measured(sides) => sides,
            Outcome::Skipped(why) | Outcome::Failed(why) => {
                let kind = if matches!(case.outcome, Outcome::Skipped(_)) {
                    "skipped"
                } else {
                    "FAILED"
                };
                out.push(Line::Missing {
                    group: case.group,
                    what: case.name.clone(),
                    why: format!("{kind}: {why}"),
                });
                continue;
            }
        };
        for (m, metric) in case.metrics.iter().enumerate() {
            let what = if case.metrics.len() == 1 && *metric == case.name {
                case.name.clone()
            } else {
                format!("{} · {metric}", case.name)
            };
            let pairs = sides.iter().flat_map(|a| sides.iter().map(move |b| (a, b)));
            for (ours, peer) in pairs.filter(|(a, b)| compared(a.role, b.role)) {
                {
                    let target = case
                        .targets
                        .iter()
                        .find(|t| {
                            t.metric == *metric && t.ours == ours.label && t.peer == peer.label
                        })
                        .cloned();
                    let ratio = Ratio::of(&ours.samples[m], &peer.samples[m]);
                    out.push(Line::Row(Box::new(Row {
                        group: case.group,
                        what: what.clone(),
                        ours: ours.label.clone(),
                        ours_summary: Summary::of(&ours.samples[m]),
                        peer: peer.label.clone(),
                        peer_summary: Summary::of(&peer.samples[m]),
                        target: target.map(|t| {
                            let met = t.met_by(ratio.of_medians);
                            (t, met)
                        }),
                        ratio,
                    })));
                }
            }
        }
    }
    out
}

/// Which pairs of sides the table shows: ours against peers and references, other builds of ours
/// against peers, references against peers.
fn compared(a: Role, b: Role) -> bool {
    matches!(
        (a, b),
        (Role::Ours | Role::Variant, Role::Peer)
            | (Role::Ours, Role::Reference)
            | (Role::Reference, Role::Peer)
    )
}

fn cells(row: &Row) -> [String; 10] {
    let pct = |s: &Summary| format!("±{:.0}%", s.spread() * 100.0);
    [
        row.group.to_string(),
        row.what.clone(),
        row.ours.clone(),
        format!(
            "{} {}",
            human(row.ours_summary.median),
            pct(&row.ours_summary)
        ),
        row.peer.clone(),
        format!(
            "{} {}",
            human(row.peer_summary.median),
            pct(&row.peer_summary)
        ),
        format!("{:.3}", row.ratio.of_medians),
        format!("{:.2}–{:.2}", row.ratio.paired_p25, row.ratio.paired_p75),
        row.target.as_ref().map_or(String::new(), |(t, _)| t.text()),
        row.target.as_ref().map_or(String::new(), |(_, met)| {
            if *met { "met" } else { "MISSED" }.to_string()
        }),
    ]
}

const HEADER: [&str; 10] = [
    "group",
    "case",
    "netnest",
    "median",
    "peer",
    "median",
    "ratio",
    "paired IQR",
    "target",
    "",
];

/// The table as aligned text.
pub fn text(lines: &[Line]) -> String {
    let mut rows: Vec<Vec<String>> = vec![HEADER.iter().map(|s| s.to_string()).collect()];
    for line in lines {
        match line {
            Line::Row(r) => rows.push(cells(r).to_vec()),
            Line::Missing { group, what, why } => {
                let mut v = vec![group.to_string(), what.clone(), why.clone()];
                v.resize(10, String::new());
                rows.push(v);
            }
        }
    }
    let width = |c: usize| {
        rows.iter()
            .filter(|r| r.iter().skip(3).any(|x| !x.is_empty()) || c < 2)
            .map(|r| r[c].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..10).map(width).collect();
    let mut out = String::new();
    for r in &rows {
        let missing = r.iter().skip(3).all(String::is_empty);
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if missing && c >= 2 {
                line.push_str(cell);
                break;
            }
            let pad = widths[c].saturating_sub(cell.chars().count());
            // Numbers right-aligned, words left-aligned.
            if matches!(c, 3 | 5 | 6) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// The table in Markdown.
pub fn markdown(lines: &[Line]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", HEADER[..9].join(" | "));
    let _ = writeln!(out, "|---|---|---|--:|---|--:|--:|--:|---|");
    for line in lines {
        match line {
            Line::Row(r) => {
                let c = cells(r);
                let target = if c[8].is_empty() {
                    String::new()
                } else if c[9] == "met" {
                    format!("{} ✓", c[8])
                } else {
                    format!("{} **missed**", c[8])
                };
                let ratio = if c[9] == "MISSED" {
                    format!("**{}**", c[6])
                } else {
                    c[6].clone()
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    c[0], c[1], c[2], c[3], c[4], c[5], ratio, c[7], target
                );
            }
            Line::Missing { group, what, why } => {
                let _ = writeln!(out, "| {group} | {what} | {why} | | | | | | |");
            }
        }
    }
    out
}

/// The targets, one line each: met, missed, or not measured.
pub fn targets(lines: &[Line]) -> (String, usize, usize) {
    let mut out = String::new();
    let (mut met, mut missed) = (0, 0);
    for line in lines {
        if let Line::Row(r) = line {
            if let Some((t, ok)) = &r.target {
                if *ok {
                    met += 1;
                } else {
                    missed += 1;
                }
                let _ = writeln!(
                    out,
                    "  {:<7} {} {}: {} vs {} = {:.3} (target {})",
                    if *ok { "met" } else { "MISSED" },
                    r.group,
                    r.what,
                    r.ours,
                    r.peer,
                    r.ratio.of_medians,
                    t.text()
                );
            }
        }
    }
    (out, met, missed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn series(label: &str, ours: bool, us: &[u64]) -> Samples {
        Samples {
            label: label.into(),
            role: if ours { Role::Ours } else { Role::Peer },
            samples: vec![us.iter().map(|&x| Duration::from_micros(x)).collect()],
        }
    }

    #[test]
    fn rows_targets_and_tables() {
        let cases = [
            Case {
                group: "cli",
                name: "add".into(),
                metrics: vec!["add".into()],
                outcome: Outcome::Measured(vec![
                    series("netnest", true, &[500, 600, 700]),
                    series("ip", false, &[1000, 1000, 1000]),
                ]),
                targets: vec![Target::at_most("add", "netnest", "ip", 0.6)],
                note: None,
            },
            Case {
                group: "cli",
                name: "exec".into(),
                metrics: vec!["exec".into()],
                outcome: Outcome::Skipped("not implemented yet".into()),
                targets: vec![],
                note: None,
            },
        ];
        let l = lines(&cases);
        assert_eq!(l.len(), 2);
        let Line::Row(r) = &l[0] else { panic!() };
        assert_eq!(r.what, "add");
        assert!((r.ratio.of_medians - 0.6).abs() < 1e-9);
        assert!(r.target.as_ref().unwrap().1);
        let t = text(&l);
        assert!(t.contains("0.600"), "{t}");
        assert!(t.contains("skipped: not implemented yet"), "{t}");
        let md = markdown(&l);
        assert!(md.contains("≤ 0.6 ✓"), "{md}");
        let (summary, met, missed) = targets(&l);
        assert_eq!((met, missed), (1, 0));
        assert!(summary.contains("met"));
    }

    #[test]
    fn strict_targets() {
        assert!(Target::below("x", "a", "b", 1.0).met_by(0.99));
        assert!(!Target::below("x", "a", "b", 1.0).met_by(1.0));
        assert!(Target::at_most("x", "a", "b", 1.0).met_by(1.0));
    }
}
