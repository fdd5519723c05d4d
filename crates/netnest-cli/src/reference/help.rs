// SPDX-License-Identifier: MIT OR Apache-2.0
//! The help texts on stdout: `netnest --help`, `netnest SUBCOMMAND --help`,
//! `netnest help SUBCOMMAND`, `netnest lab [SUBCOMMAND] --help`.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

use super::lab::{lab_topic, LabTopic, LAB_TOPICS};
use super::topics::{topic, Topic, ENVIRONMENT, EXIT_STATUS};
use super::{aliases, effective_options, ignored_options, shortest, verbs, LONG_OPTIONS, MORE};
use crate::args::{Verb, VerbSpec};

/// The width help texts are wrapped to.
const WIDTH: usize = 80;

/// `netnest --help`: every subcommand, extension and option, and where to read more.
pub fn full() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "netnest {}: a drop-in for ip netns (iproute2 6.1), with labs and more.\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("Usage: netnest [OPTIONS] [netns] SUBCOMMAND [ARGS]...\n");
    out.push_str("       netnest [OPTIONS] -batch FILE\n");
    out.push_str("       netnest SUBCOMMAND --help\n");
    let (ip, own): (Vec<&VerbSpec>, Vec<&VerbSpec>) = verbs()
        .partition(|spec| topic(spec.keyword).is_some_and(|t| !t.own) && spec.keyword != "help");
    out.push_str(
        "\nSubcommands of ip netns (same words and prefixes, same output and exit codes):\n",
    );
    for spec in ip {
        let mut summary = spec.help.to_owned();
        let others: Vec<_> = aliases(spec).collect();
        if !others.is_empty() {
            let _ = write!(summary, " (also: {}; and no subcommand)", others.join(", "));
        }
        row(
            &mut out,
            &format!("{} {}", spec.keyword, spec.args),
            &summary,
        );
    }
    out.push_str("\nnetnest's own:\n");
    for spec in own.iter().filter(|spec| spec.keyword != "help") {
        // The lab's subcommands from its own table, which grows with the lab.
        let args = if spec.verb == Verb::Lab {
            let words: Vec<_> = LAB_TOPICS.iter().map(|t| t.keyword).collect();
            format!("{{ {} }} ...", words.join("|"))
        } else {
            spec.args.to_owned()
        };
        row(&mut out, &format!("{} {args}", spec.keyword), spec.help);
    }
    row(
        &mut out,
        "attach NAME container:ID",
        "name the network namespace of a running container (Docker, Podman, containerd, CRI-O)",
    );
    row(
        &mut out,
        "help [SUBCOMMAND]",
        "one subcommand's help; alone: ip's usage on stderr, exit 255",
    );
    out.push_str(
        "\nOptions (before the subcommand; one dash; any unambiguous prefix; --x is -x):\n",
    );
    for spec in effective_options() {
        let word = shortest(spec);
        let mut names = if word == spec.name {
            spec.name.to_owned()
        } else {
            format!("{word}, {}", spec.name)
        };
        if let Some(arg) = spec.arg {
            let _ = write!(names, " {arg}");
        }
        row(&mut out, &names, spec.help);
    }
    for (name, help) in LONG_OPTIONS {
        row(&mut out, name, help);
    }
    let ignored: Vec<_> = ignored_options()
        .map(|spec| match spec.arg {
            Some(arg) => format!("{} {arg}", spec.name),
            None => spec.name.to_owned(),
        })
        .collect();
    paragraph(
        &mut out,
        "",
        &format!(
            "Accepted for ip's sake and ignored: {}.",
            ignored.join(", ")
        ),
    );
    out.push_str("\nExit status:\n");
    for (code, what) in EXIT_STATUS {
        row(&mut out, code, what);
    }
    out.push_str("\nEnvironment:\n");
    for (name, what) in ENVIRONMENT {
        row(&mut out, name, what);
    }
    paragraph(&mut out, "", &format!("More: {MORE}."));
    out
}

/// The help `netnest help VERB REST…` and `netnest VERB [REST…] --help` print: the subcommand's,
/// or for `lab` with a lab subcommand in `rest`, that one's.
pub fn for_words(verb: Verb, rest: &[OsString]) -> Option<String> {
    let spec = verbs().find(|spec| spec.verb == verb)?;
    if verb == Verb::Lab {
        if let Some(lab_topic) = rest
            .iter()
            .find(|word| !matches!(word.as_bytes(), b"-j" | b"-json" | b"-p" | b"-pretty"))
            .and_then(|word| lab_topic(word.to_str()?))
        {
            return Some(lab(lab_topic));
        }
    }
    Some(subcommand(topic(spec.keyword)?, spec.help))
}

/// The help of one subcommand.
pub fn subcommand(topic: &Topic, summary: &str) -> String {
    let mut out = String::new();
    for (i, usage) in topic.usage.iter().enumerate() {
        let lead = if i == 0 { "Usage: " } else { "       " };
        let _ = writeln!(out, "{lead}netnest {usage}");
    }
    if topic.keyword == "lab" {
        for lab in LAB_TOPICS {
            let _ = writeln!(out, "       netnest lab {}", lab.usage);
        }
    }
    paragraph(
        &mut out,
        "",
        &format!("{}{}.", capital(summary), own(topic.own)),
    );
    for text in topic.about {
        paragraph(&mut out, "", text);
    }
    if topic.keyword == "lab" {
        out.push_str("\nSubcommands (any prefix):\n");
        for lab in LAB_TOPICS {
            row(&mut out, lab.keyword, lab.summary);
        }
    }
    examples(&mut out, topic.examples);
    let _ = writeln!(out, "\nEverything: netnest --help, man netnest.");
    out
}

/// The help of one lab subcommand.
pub fn lab(topic: &LabTopic) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Usage: netnest lab {}", topic.usage);
    paragraph(&mut out, "", &format!("{}.", capital(topic.summary)));
    for text in topic.about {
        paragraph(&mut out, "", text);
    }
    examples(&mut out, topic.examples);
    let _ = writeln!(
        out,
        "\nThe lab: netnest lab --help. Topology files: man netnest-lab."
    );
    out
}

fn own(own: bool) -> &'static str {
    if own {
        " (netnest's own: not in ip netns)"
    } else {
        ""
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn examples(out: &mut String, examples: &[(&str, &str)]) {
    if examples.is_empty() {
        return;
    }
    out.push_str("\nExamples:\n");
    for (command, what) in examples {
        let line = format!("  netnest {command}");
        if what.is_empty() {
            let _ = writeln!(out, "{line}");
        } else if line.len().max(40) + 3 + what.len() <= WIDTH {
            let _ = writeln!(out, "{line:<40} # {what}");
        } else {
            let _ = writeln!(out, "  # {what}\n{line}");
        }
    }
}

/// A two-column row: `  left   right`, the right column wrapped.
fn row(out: &mut String, left: &str, right: &str) {
    const COLUMN: usize = 30;
    let left = format!("  {}", left.trim_end());
    if left.len() + 2 > COLUMN {
        let _ = writeln!(out, "{left}");
        wrap(out, &" ".repeat(COLUMN), &" ".repeat(COLUMN), right);
    } else {
        wrap(out, &format!("{left:<COLUMN$}"), &" ".repeat(COLUMN), right);
    }
}

/// A paragraph, after an empty line unless `lead` is given.
fn paragraph(out: &mut String, lead: &str, text: &str) {
    if lead.is_empty() {
        out.push('\n');
    }
    wrap(out, lead, lead, text);
}

/// `text` wrapped to [`WIDTH`], the first line after `first`, the others after `rest`.
fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_owned();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::OPTIONS;

    #[test]
    fn the_full_help_names_everything() {
        let text = full();
        for spec in crate::args::VERBS {
            assert!(text.contains(spec.keyword), "{}", spec.keyword);
        }
        for spec in OPTIONS {
            assert!(text.contains(spec.name), "{}", spec.name);
        }
        for word in [
            "container:ID",
            "--version",
            "--help",
            "man netnest",
            "NETNEST_RUN_DIR",
        ] {
            assert!(text.contains(word), "{word}");
        }
        for line in text.lines() {
            assert!(line.len() <= WIDTH, "too long: {line}");
        }
    }

    #[test]
    fn every_subcommand_has_its_help() {
        for spec in verbs() {
            let topic = topic(spec.keyword).unwrap();
            let text = subcommand(topic, spec.help);
            assert!(text.starts_with("Usage: netnest "), "{text}");
            for line in text.lines() {
                assert!(line.len() <= WIDTH, "too long: {line}");
            }
        }
        for topic in LAB_TOPICS {
            assert!(lab(topic).contains(topic.usage));
        }
    }
}
