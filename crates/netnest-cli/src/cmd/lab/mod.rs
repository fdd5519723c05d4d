// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab up|down|status|exec|logs|pingall|test|graph|generate|link|help …` (netnest's
//! own; not in `ip netns`): declarative
//! topologies, built and removed by the `netnest-lab` library. This file holds the grammar of the
//! words after `lab` and the dispatch; each subcommand has a file.
//!
//! `-j` and `-p` may also come after `lab`, anywhere before `exec`'s command. Exit codes: 0 on
//! success (also for `down` of a lab that is not up), 1 when the work failed (an invalid file, a
//! failed step, an unknown lab), 255 for words that do not parse, and for `exec` the command's
//! own status, as `netnest exec`.

mod down;
mod exec;
mod generate;
mod graph;
mod link;
mod logs;
mod pingall;
mod status;
mod test;
mod up;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use netnest_lab::Options;

use super::{Ctx, Status};
use crate::args::{matches, Effect, OptionSpec};
use crate::{messages, reference};

/// A parsed `netnest lab` command.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    Up {
        file: PathBuf,
        name: Option<String>,
    },
    Down {
        target: OsString,
        force: bool,
    },
    Status {
        lab: Option<String>,
    },
    Exec {
        lab: String,
        node: String,
        argv: Vec<OsString>,
    },
    Logs {
        lab: String,
        node: String,
    },
    Pingall {
        lab: String,
    },
    Test {
        target: OsString,
    },
    Graph {
        target: OsString,
        format: graph::GraphFormat,
    },
    Generate {
        shape: String,
        args: Vec<String>,
    },
    Link {
        lab: String,
        end: String,
        action: link::LinkAction,
    },
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Up,
    Down,
    Status,
    Exec,
    Logs,
    Pingall,
    Test,
    Graph,
    Generate,
    Link,
    Help,
}

/// The keywords after `lab`, in the order they are tried (the first prefix match wins: `s` is
/// `status`, `sh` is `show`).
pub(crate) const VERBS: &[(&str, Verb)] = &[
    ("up", Verb::Up),
    ("down", Verb::Down),
    ("status", Verb::Status),
    ("show", Verb::Status),
    ("list", Verb::Status),
    ("exec", Verb::Exec),
    ("logs", Verb::Logs),
    ("pingall", Verb::Pingall),
    ("test", Verb::Test),
    ("graph", Verb::Graph),
    ("generate", Verb::Generate),
    ("link", Verb::Link),
    ("help", Verb::Help),
];

/// Runs `netnest lab ARGS…` (`args` are the words after `lab`).
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let command = match parse(ctx, args) {
        Ok(command) => command,
        Err(message) => {
            messages::say(&message);
            return Status::Exit(255);
        }
    };
    let options = Options::new().with_registry(ctx.registry.clone());
    let done = match command {
        Command::Help => {
            // The same text as `netnest lab --help` (crate::reference).
            let help = reference::help::for_words(crate::args::Verb::Lab, &[]).unwrap_or_default();
            ctx.out.write(help.as_bytes());
            Ok(Status::Ok)
        }
        Command::Up { file, name } => up::run(&file, name.as_deref(), &options),
        Command::Down { target, force } => down::run(&target, force, &options),
        Command::Status { lab } => status::run(ctx, lab.as_deref(), &options),
        Command::Exec { lab, node, argv } => exec::run(ctx, &lab, &node, &argv, &options),
        Command::Logs { lab, node } => logs::run(ctx, &lab, &node, &options),
        Command::Pingall { lab } => pingall::run(ctx, &lab, &options),
        Command::Test { target } => test::run(ctx, &target, &options),
        Command::Graph { target, format } => graph::run(ctx, &target, format, &options),
        Command::Generate { shape, args } => generate::run(ctx, &shape, &args),
        Command::Link { lab, end, action } => link::run(&lab, &end, &action, &options),
    };
    done.unwrap_or_else(|message| {
        messages::say(&message);
        Status::FAILED
    })
}

/// Whether `word` is `-json` or `-pretty` (as the global options match them); sets it in `ctx`.
fn output_option(ctx: &mut Ctx, word: &[u8]) -> bool {
    let word = word
        .strip_prefix(b"-")
        .filter(|w| w.starts_with(b"-"))
        .unwrap_or(word);
    match OptionSpec::lookup(word).map(|spec| spec.effect) {
        Some(Effect::Json) => ctx.opts.json = true,
        Some(Effect::Pretty) => ctx.opts.pretty = true,
        _ => return false,
    }
    true
}

fn utf8(word: &OsString, what: &str) -> Result<String, String> {
    word.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{what} is not valid UTF-8: {word:?}"))
}

/// Parses the words after `lab`, taking `-j` and `-p` out of them.
fn parse(ctx: &mut Ctx, args: &[OsString]) -> Result<Command, String> {
    let mut words: Vec<OsString> = Vec::new();
    let mut rest = args.iter();
    while let Some(word) = rest.next() {
        // exec's command and its arguments are its own.
        if words.len() >= 3 && lookup(&words[0]) == Some(Verb::Exec) {
            words.push(word.clone());
            words.extend(rest.by_ref().cloned());
            break;
        }
        if !output_option(ctx, word.as_bytes()) {
            words.push(word.clone());
        }
    }
    let Some(verb) = words.first() else {
        return Ok(Command::Help);
    };
    let rest = &words[1..];
    match lookup(verb) {
        Some(Verb::Up) => parse_up(rest),
        Some(Verb::Down) => parse_down(rest),
        Some(Verb::Status) => match rest {
            [] => Ok(Command::Status { lab: None }),
            [lab] => Ok(Command::Status {
                lab: Some(utf8(lab, "the lab name")?),
            }),
            _ => Err("lab status: at most one lab".into()),
        },
        Some(Verb::Exec) => match rest {
            [lab, node, argv @ ..] if !argv.is_empty() => Ok(Command::Exec {
                lab: utf8(lab, "the lab name")?,
                node: utf8(node, "the node name")?,
                argv: argv.to_vec(),
            }),
            _ => Err("lab exec: NAME NODE COMMAND expected".into()),
        },
        Some(Verb::Logs) => match rest {
            [lab, node] => Ok(Command::Logs {
                lab: utf8(lab, "the lab name")?,
                node: utf8(node, "the node name")?,
            }),
            _ => Err("lab logs: NAME NODE expected".into()),
        },
        Some(Verb::Pingall) => match rest {
            [lab] => Ok(Command::Pingall {
                lab: utf8(lab, "the lab name")?,
            }),
            _ => Err("lab pingall: NAME expected".into()),
        },
        Some(Verb::Test) => match rest {
            [target] => Ok(Command::Test {
                target: target.clone(),
            }),
            _ => Err("lab test: NAME or FILE expected".into()),
        },
        Some(Verb::Graph) => parse_graph(rest),
        Some(Verb::Generate) => {
            let words = rest
                .iter()
                .map(|w| utf8(w, "an argument"))
                .collect::<Result<Vec<_>, _>>()?;
            match words.split_first() {
                Some((shape, args)) => Ok(Command::Generate {
                    shape: shape.clone(),
                    args: args.to_vec(),
                }),
                None => Err("lab generate: which shape (linear, star, tree, ring, clos)?".into()),
            }
        }
        Some(Verb::Link) => {
            let words = rest
                .iter()
                .map(|w| utf8(w, "an argument"))
                .collect::<Result<Vec<_>, _>>()?;
            match &words[..] {
                [lab, end, action @ ..] => Ok(Command::Link {
                    lab: lab.clone(),
                    end: end.clone(),
                    action: link::LinkAction::parse(action)?,
                }),
                _ => Err(
                    "lab link: NAME NODE:IFNAME { set KEY VALUE... | clear | up | down } expected"
                        .into(),
                ),
            }
        }
        Some(Verb::Help) => Ok(Command::Help),
        None => Err(format!(
            "Command \"{}\" is unknown, try \"netnest lab help\".",
            verb.to_string_lossy()
        )),
    }
}

pub(crate) fn lookup(word: &OsString) -> Option<Verb> {
    VERBS
        .iter()
        .find(|(keyword, _)| matches(word.as_bytes(), keyword))
        .map(|&(_, verb)| verb)
}

/// `graph NAME|FILE [--format dot|mermaid|svg]`.
fn parse_graph(rest: &[OsString]) -> Result<Command, String> {
    let mut format = graph::GraphFormat::Dot;
    let mut target = None;
    let mut words = rest.iter();
    while let Some(w) = words.next() {
        if w == "--format" || w == "-format" || w == "format" {
            let value = words
                .next()
                .ok_or("lab graph: --format needs dot, mermaid or svg")?;
            format = graph::GraphFormat::parse(&utf8(value, "the format")?)?;
        } else if target.is_none() {
            target = Some(w.clone());
        } else {
            return Err("lab graph: one lab or file at a time".into());
        }
    }
    let target = target.ok_or("lab graph: which lab (NAME or FILE)?")?;
    Ok(Command::Graph { target, format })
}

/// `down [--force] NAME|FILE` (`--force` before or after the lab).
fn parse_down(rest: &[OsString]) -> Result<Command, String> {
    let is_force = |w: &&OsString| *w == "--force" || *w == "-force";
    let force = rest.iter().any(|w| is_force(&w));
    let targets: Vec<&OsString> = rest.iter().filter(|w| !is_force(w)).collect();
    match targets[..] {
        [target] => Ok(Command::Down {
            target: target.clone(),
            force,
        }),
        [] => Err("lab down: which lab (NAME or FILE)?".into()),
        _ => Err("lab down: one lab at a time".into()),
    }
}

/// `up FILE [name NAME]`.
fn parse_up(rest: &[OsString]) -> Result<Command, String> {
    let file = rest.first().ok_or("lab up: which topology file?")?;
    let name = match &rest[1..] {
        [] => None,
        [k, v] if k == "name" || k == "--name" => Some(utf8(v, "the lab name")?),
        _ => {
            return Err(format!(
                "lab up: unexpected arguments after {}",
                file.to_string_lossy()
            ))
        }
    };
    Ok(Command::Up {
        file: PathBuf::from(file),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Options as GlobalOptions;

    fn p(words: &[&str]) -> (Result<Command, String>, bool, bool) {
        let mut ctx = Ctx::new(GlobalOptions::default());
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        let command = parse(&mut ctx, &args);
        (command, ctx.opts.json, ctx.opts.pretty)
    }

    #[test]
    fn grammar() {
        assert_eq!(
            p(&["up", "x.toml"]).0,
            Ok(Command::Up {
                file: "x.toml".into(),
                name: None
            })
        );
        assert_eq!(
            p(&["u", "x.toml", "name", "t2"]).0,
            Ok(Command::Up {
                file: "x.toml".into(),
                name: Some("t2".into())
            })
        );
        assert_eq!(
            p(&["-j", "status"]),
            (Ok(Command::Status { lab: None }), true, false)
        );
        let status = Command::Status {
            lab: Some("trio".into()),
        };
        assert_eq!(
            p(&["st", "trio", "-p", "-j"]),
            (Ok(status.clone()), true, true)
        );
        assert_eq!(
            p(&["sh", "trio", "--json"]),
            (Ok(status.clone()), true, false)
        );
        assert_eq!(p(&["l", "trio"]).0, Ok(status));
        assert_eq!(
            p(&["exec", "trio", "h1", "ip", "-j", "addr"]),
            (
                Ok(Command::Exec {
                    lab: "trio".into(),
                    node: "h1".into(),
                    argv: ["ip", "-j", "addr"].map(OsString::from).to_vec()
                }),
                false,
                false
            )
        );
        assert!(p(&["exec", "trio", "h1"]).0.is_err());
        assert!(p(&["down"]).0.is_err());
        assert!(p(&["down", "--force"]).0.is_err());
        assert_eq!(
            p(&["d", "trio", "--force"]).0,
            Ok(Command::Down {
                target: "trio".into(),
                force: true
            })
        );
        assert_eq!(
            p(&["lo", "trio", "h1"]).0,
            Ok(Command::Logs {
                lab: "trio".into(),
                node: "h1".into()
            })
        );
        assert!(p(&["logs", "trio"]).0.is_err());
        assert!(p(&["frob"]).0.unwrap_err().contains("unknown"));
        assert_eq!(p(&[]).0, Ok(Command::Help));
        assert_eq!(p(&["h"]).0, Ok(Command::Help));
    }

    /// The help's table of lab subcommands and the parser's agree: every documented keyword
    /// parses, and every parsed keyword is documented (or an alias of one).
    #[test]
    fn help_and_parser_agree() {
        let documented = crate::reference::lab::LAB_TOPICS;
        for topic in documented {
            assert!(
                lookup(&OsString::from(topic.keyword)).is_some(),
                "{}",
                topic.keyword
            );
        }
        for (keyword, verb) in VERBS {
            let named = documented
                .iter()
                .any(|t| lookup(&OsString::from(t.keyword)) == Some(*verb));
            assert!(named, "{keyword} is not in the help");
        }
    }
}
