// SPDX-License-Identifier: MIT OR Apache-2.0
//! The man pages, in roff (the `man` macros): netnest(8) and netnest-lab(5). Checked in under
//! `docs/man/`; the test below fails when they differ from what this file makes, and
//! `NETNEST_BLESS=1` rewrites them.

use std::fmt::Write as _;

use super::lab::LAB_TOPICS;
use super::lab_file::{Key, EXAMPLE_FILE, KEYS, NOTES};
use super::topics::{topic, DIFFERENCES, ENVIRONMENT, EXAMPLES, EXIT_STATUS, FILES};
use super::{aliases, effective_options, ignored_options, shortest, verbs, LONG_OPTIONS};

/// The date on the pages: the release's (scripts/release sets it with the version).
pub const DATE: &str = "2026-12-06";

/// netnest(8).
pub fn netnest() -> String {
    let mut m = header("NETNEST", 8, "System Administration");
    m.push_str(".SH NAME\nnetnest \\- network namespaces: a drop\\-in for ip netns, and labs\n");
    m.push_str(".SH SYNOPSIS\n");
    m.push_str(
        ".B netnest\n[\\fIOPTIONS\\fR] [\\fBnetns\\fR] \\fISUBCOMMAND\\fR [\\fIARGS\\fR]...\n.br\n",
    );
    m.push_str(".B netnest\n[\\fIOPTIONS\\fR] \\fB\\-batch\\fR \\fIFILE\\fR\n.br\n");
    m.push_str(".B netnest\n\\fISUBCOMMAND\\fR \\fB\\-\\-help\\fR\n.br\n");
    m.push_str(".B netnest\n\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n");
    m.push_str(".SH DESCRIPTION\n");
    text(
        &mut m,
        "netnest is a drop-in for ip netns of iproute2 6.1: the same subcommands, options and \
         abbreviations, the same bytes on stdout and stderr, the same exit codes, in less time. \
         netnest OPTIONS ARGS is ip OPTIONS netns ARGS, and the word netns may be kept, so ip can \
         be replaced by netnest in a script either way. Where ip 6.1 loses data or surprises, \
         netnest fixes it (see DIFFERENCES FROM IP NETNS).",
    );
    m.push_str(".PP\n");
    text(
        &mut m,
        "It adds, on words ip rejects: lab (network topologies from TOML files), prune (stale \
         entries), inspect (one namespace at a glance), attach NAME container:ID, and \
         completions (shell completion scripts).",
    );
    m.push_str(".PP\n");
    text(
        &mut m,
        "Named namespaces follow the iproute2 convention (/run/netns/NAME, a bind mount on an \
         empty file), so ip netns, pyroute2, Go, CNI and netnest see each other's names. Most \
         subcommands need root (CAP_SYS_ADMIN); list, identify, pids and list-id do not.",
    );
    m.push_str(".SH SUBCOMMANDS\n");
    text(
        &mut m,
        "Any unambiguous prefix names a subcommand, tried in ip's order (l is list, a is add, \
         m is monitor, p is pids). No subcommand is list.",
    );
    let mut own = Vec::new();
    for spec in verbs() {
        let Some(topic) = topic(spec.keyword) else {
            continue;
        };
        if topic.own {
            own.push((spec, topic));
            continue;
        }
        subcommand(
            &mut m,
            spec.keyword,
            topic.usage,
            topic.about,
            topic.examples,
        );
        let others: Vec<_> = aliases(spec).collect();
        if !others.is_empty() {
            m.push_str(".PP\n");
            text(&mut m, &format!("Also spelled: {}.", others.join(", ")));
        }
    }
    m.push_str(".SH EXTENSIONS\n");
    text(
        &mut m,
        "Not in ip netns; ip answers each with Command \"WORD\" is unknown.",
    );
    for (spec, topic) in own {
        subcommand(
            &mut m,
            spec.keyword,
            topic.usage,
            topic.about,
            topic.examples,
        );
        if spec.keyword == "lab" {
            for lab in LAB_TOPICS {
                m.push_str(".TP\n");
                let _ = writeln!(m, ".B netnest lab {}", code(lab.usage));
                for about in lab.about {
                    text(&mut m, about);
                }
            }
        }
    }
    m.push_str(".SH OPTIONS\n");
    text(
        &mut m,
        "Options come before the subcommand, with one dash, and any unambiguous prefix names \
         one, tried in ip's order; --x is read as -x, and -- ends the options.",
    );
    for spec in effective_options() {
        m.push_str(".TP\n");
        let word = shortest(spec);
        let mut names = format!("\\fB{}\\fR", code(word));
        if word != spec.name {
            let _ = write!(names, ", \\fB{}\\fR", code(spec.name));
        }
        if let Some(arg) = spec.arg {
            let _ = write!(names, " \\fI{arg}\\fR");
        }
        let _ = writeln!(m, "{names}");
        text(&mut m, spec.help);
    }
    for (name, help) in LONG_OPTIONS {
        m.push_str(".TP\n");
        let _ = writeln!(m, ".B {}", code(name));
        text(&mut m, help);
    }
    m.push_str(".PP\n");
    let ignored: Vec<_> = ignored_options()
        .map(|spec| match spec.arg {
            Some(arg) => format!("{} {arg}", spec.name),
            None => spec.name.to_owned(),
        })
        .collect();
    text(
        &mut m,
        &format!(
            "Accepted for ip's sake and ignored (their values are checked as ip checks them): \
             {}.",
            ignored.join(", ")
        ),
    );
    m.push_str(".SH EXIT STATUS\n");
    table(&mut m, EXIT_STATUS);
    m.push_str(".SH ENVIRONMENT\n");
    table(&mut m, ENVIRONMENT);
    m.push_str(".SH FILES\n");
    table(&mut m, FILES);
    m.push_str(".SH EXAMPLES\n");
    for (command, what) in EXAMPLES {
        m.push_str(".TP\n");
        let _ = writeln!(m, ".B {}", quoted(command));
        text(&mut m, &format!("{}.", capital(what)));
    }
    m.push_str(".SH DIFFERENCES FROM IP NETNS\n");
    text(
        &mut m,
        "Anything not listed here is meant to be identical to ip netns 6.1; docs/compatibility.md \
         in the source gives each difference with its reason and the test that pins it.",
    );
    for difference in DIFFERENCES {
        m.push_str(".IP \\(bu 2\n");
        text(&mut m, difference);
    }
    m.push_str(".SH SEE ALSO\n");
    m.push_str(".BR netnest\\-lab (5),\n.BR ip\\-netns (8),\n.BR ip (8),\n.BR unshare (1),\n.BR nsenter (1)\n");
    m
}

/// netnest-lab(5).
pub fn netnest_lab() -> String {
    let mut m = header("NETNEST-LAB", 5, "File Formats");
    m.push_str(".SH NAME\nnetnest\\-lab \\- topology files of netnest lab\n");
    m.push_str(".SH SYNOPSIS\n");
    for (i, lab) in LAB_TOPICS.iter().enumerate() {
        if i > 0 {
            m.push_str(".br\n");
        }
        let _ = writeln!(m, ".B netnest lab {}", code(lab.usage));
    }
    m.push_str(".SH DESCRIPTION\n");
    text(
        &mut m,
        "A topology file is TOML. It describes a lab: nodes (each a network namespace), veth \
         links between nodes or between a node and the host, bridges, addresses, routes and \
         sysctls. netnest lab up builds all of it in one call, all or nothing, and netnest lab \
         down removes all of it, also after an up that was killed half-way. It replaces the \
         script of ip netns add, ip link add ... type veth peer ..., ip addr add, ip route add \
         and sysctl -w that people write to build test networks, and the script that undoes \
         it.",
    );
    m.push_str(".SH EXAMPLE\n.nf\n.RS 4\n");
    for line in EXAMPLE_FILE.lines() {
        let _ = writeln!(m, "{}", literal(line));
    }
    m.push_str(".RE\n.fi\n.PP\n");
    text(
        &mut m,
        "Two hosts on two subnets joined by a router: the namespaces are trio-h1, trio-h2 \
         and trio-r.",
    );
    for (section, place) in [
        ("TOP-LEVEL KEYS", "top"),
        ("NODE KEYS", "node"),
        ("LINK END KEYS (a AND b)", "end"),
    ] {
        let _ = writeln!(m, ".SH {}", quoted(section));
        for (_, key, what) in KEYS.iter().filter(|(at, _, _): &&Key| *at == place) {
            m.push_str(".TP\n");
            let _ = writeln!(m, ".B {}", quoted(key));
            text(&mut m, what);
        }
    }
    m.push_str(".SH NOTES\n");
    for (i, note) in NOTES.iter().enumerate() {
        if i > 0 {
            m.push_str(".PP\n");
        }
        text(&mut m, note);
    }
    m.push_str(".SH FILES\n");
    table(&mut m, &FILES[2..]);
    m.push_str(".SH SEE ALSO\n.BR netnest (8)\n");
    m
}

fn header(title: &str, section: u8, manual: &str) -> String {
    format!(
        ".\\\" Generated by netnest's reference (crates/netnest-cli/src/reference); do not edit.\n\
         .TH {title} {section} {DATE} \"netnest {}\" \"{manual}\"\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn subcommand(
    m: &mut String,
    keyword: &str,
    usage: &[&str],
    about: &[&str],
    examples: &[(&str, &str)],
) {
    let _ = writeln!(m, ".SS {keyword}");
    for (i, line) in usage.iter().enumerate() {
        if i > 0 {
            m.push_str(".br\n");
        }
        let _ = writeln!(m, ".B netnest {}", code(line));
    }
    for paragraph in about {
        m.push_str(".PP\n");
        text(m, paragraph);
    }
    if !examples.is_empty() {
        m.push_str(".PP\n.nf\n.RS 4\n");
        for (command, what) in examples {
            let line = format!("netnest {command}");
            if what.is_empty() {
                let _ = writeln!(m, "{}", literal(&line));
            } else {
                let _ = writeln!(m, "{}", literal(&format!("{line}    # {what}")));
            }
        }
        m.push_str(".RE\n.fi\n");
    }
}

fn table(m: &mut String, rows: &[(&str, &str)]) {
    for (name, what) in rows {
        m.push_str(".TP\n");
        let _ = writeln!(m, ".B {}", quoted(name));
        text(m, &format!("{}.", capital(what).trim_end_matches('.')));
    }
}

/// Running text: each sentence on a line of its own (roff's rule, so sentences get their
/// spacing), wrapped at 80 bytes; a line that would start with `.` or `'` is protected.
fn text(m: &mut String, text: &str) {
    let mut line = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let word = escape(word);
        if !line.is_empty() && line.len() + 1 + word.len() > 80 {
            end_line(m, &mut line);
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
        let next_is_sentence = words
            .get(i + 1)
            .is_some_and(|next| next.starts_with(|c: char| c.is_ascii_uppercase()));
        if word.ends_with(['.', '?', '!']) && next_is_sentence {
            end_line(m, &mut line);
        }
    }
    end_line(m, &mut line);
}

fn end_line(m: &mut String, line: &mut String) {
    if line.is_empty() {
        return;
    }
    if line.starts_with(['.', '\'']) {
        m.push_str("\\&");
    }
    m.push_str(line);
    m.push('\n');
    line.clear();
}

/// A word of a command line: backslashes and dashes escaped (`\-` is a minus, copy-pasteable).
fn code(text: &str) -> String {
    escape(text)
}

/// A macro argument: escaped, in double quotes when it has spaces.
fn quoted(text: &str) -> String {
    let code = code(text).replace('"', "\\(dq");
    if code.contains(' ') {
        format!("\"{code}\"")
    } else {
        code
    }
}

/// A line of a literal block (`.nf`): escaped, protected from being read as a request.
fn literal(line: &str) -> String {
    let code = code(line);
    if code.starts_with(['.', '\'']) || code.is_empty() {
        format!("\\&{code}")
    } else {
        code
    }
}

fn escape(text: &str) -> String {
    // Every dash is a minus (`\-`): options and commands copied from the page then work.
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('…', "...")
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The checked-in pages are what the reference makes; `NETNEST_BLESS=1` rewrites them.
    #[test]
    fn checked_in_pages_are_current() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/man");
        for (file, page) in [("netnest.8", netnest()), ("netnest-lab.5", netnest_lab())] {
            let path = dir.join(file);
            if std::env::var_os("NETNEST_BLESS").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &page).unwrap();
                continue;
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == page,
                "docs/man/{file} is not what the reference makes: run \
                 NETNEST_BLESS=1 cargo test -p netnest-cli --bin netnest reference"
            );
        }
    }

    #[test]
    fn every_subcommand_and_option_is_on_the_page() {
        let page = netnest();
        for spec in crate::args::VERBS {
            assert!(page.contains(&code(spec.keyword)), "{}", spec.keyword);
        }
        for spec in crate::args::OPTIONS {
            assert!(page.contains(&code(spec.name)), "{}", spec.name);
        }
        let lab = netnest_lab();
        for (_, key, _) in KEYS {
            assert!(lab.contains(&quoted(key)), "{key}");
        }
    }
}
