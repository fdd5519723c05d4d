//! The table of ratios the bench prints.

use crate::stats::{human, Samples};

/// One line: netnest against a peer.
pub struct Row {
    /// The group (cli, lib, pyroute2, lab).
    pub group: &'static str,
    /// What was measured.
    pub case: String,
    /// netnest's samples.
    pub ours: Samples,
    /// The peer's name.
    pub peer: &'static str,
    /// The peer's samples.
    pub theirs: Samples,
    /// The target ratio (ours / theirs), if the issue sets one, and whether it is "<" rather than
    /// "≤".
    pub target: Option<(f64, bool)>,
}

impl Row {
    /// netnest's median over the peer's.
    pub fn ratio(&self) -> f64 {
        let t = self.theirs.median().as_secs_f64();
        if t == 0.0 {
            f64::NAN
        } else {
            self.ours.median().as_secs_f64() / t
        }
    }

    /// Whether the target is met (None without a target).
    pub fn met(&self) -> Option<bool> {
        self.target.map(|(t, strict)| {
            if strict {
                self.ratio() < t
            } else {
                self.ratio() <= t
            }
        })
    }
}

/// Prints the table as Markdown.
pub fn print(rows: &[Row]) {
    println!("| group | case | netnest (median ± spread) | peer | peer (median ± spread) | ratio | target | met |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in rows {
        let target = match r.target {
            Some((t, true)) => format!("< {t}"),
            Some((t, false)) => format!("≤ {t}"),
            None => "—".into(),
        };
        let met = match r.met() {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "",
        };
        println!(
            "| {} | {} | {} ± {:.0} % | {} | {} ± {:.0} % | {:.3} | {} | {} |",
            r.group,
            r.case,
            human(r.ours.median()),
            r.ours.spread() * 100.0,
            r.peer,
            human(r.theirs.median()),
            r.theirs.spread() * 100.0,
            r.ratio(),
            target,
            met
        );
    }
}
