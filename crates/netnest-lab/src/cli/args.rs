//! The grammar of `netnest lab …`.

use std::ffi::OsString;
use std::path::PathBuf;

/// A parsed `netnest lab` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
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
    Help,
}

/// What the words after `lab` say, and the output flags found among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub command: Command,
    pub json: bool,
    pub pretty: bool,
}

pub(crate) const USAGE: &str = "\
Usage: netnest lab up FILE [ name NAME ]
       netnest lab down [ --force ] { NAME | FILE }
       netnest lab status [ NAME ]
       netnest lab exec NAME NODE COMMAND [ ARGS ]...
       netnest lab help
Options (before or after the verb): -j[son] -p[retty]
";

/// Whether `word` is a prefix (at least `min` bytes) of `keyword`, as iproute2 matches keywords.
fn matches(word: &str, keyword: &str, min: usize) -> bool {
    word.len() >= min && keyword.starts_with(word)
}

fn utf8(word: &OsString, what: &str) -> Result<String, String> {
    word.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{what} is not valid UTF-8: {word:?}"))
}

/// Parses the words after `lab`.
pub(crate) fn parse(args: &[OsString]) -> Result<Parsed, String> {
    let mut json = false;
    let mut pretty = false;
    let mut words = Vec::new();
    let mut iter = args.iter();
    // Options come before the verb, or anywhere but inside exec's command.
    while let Some(w) = iter.next() {
        let s = w.to_str().unwrap_or("");
        if words
            .first()
            .is_some_and(|v: &OsString| v.to_str().is_some_and(|v| matches(v, "exec", 1)))
            && words.len() >= 3
        {
            words.push(w.clone());
            words.extend(iter.by_ref().cloned());
            break;
        }
        match s {
            "-j" | "-json" | "--json" => json = true,
            "-p" | "-pretty" | "--pretty" => pretty = true,
            _ => words.push(w.clone()),
        }
    }
    let Some(verb) = words.first() else {
        return Ok(Parsed {
            command: Command::Help,
            json,
            pretty,
        });
    };
    let verb = verb.to_str().unwrap_or("");
    let rest = &words[1..];
    let command = if matches(verb, "up", 1) {
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
        Command::Up {
            file: PathBuf::from(file),
            name,
        }
    } else if matches(verb, "down", 1) {
        let force = rest.iter().any(|w| w == "--force" || w == "-force");
        let rest: Vec<&OsString> = rest
            .iter()
            .filter(|w| *w != "--force" && *w != "-force")
            .collect();
        match rest[..] {
            [target] => Command::Down {
                target: target.clone(),
                force,
            },
            [] => return Err("lab down: which lab (NAME or FILE)?".into()),
            _ => return Err("lab down: one lab at a time".into()),
        }
    } else if matches(verb, "status", 1) || matches(verb, "show", 2) || matches(verb, "list", 1) {
        match rest {
            [] => Command::Status { lab: None },
            [lab] => Command::Status {
                lab: Some(utf8(lab, "the lab name")?),
            },
            _ => return Err("lab status: at most one lab".into()),
        }
    } else if matches(verb, "exec", 1) {
        match rest {
            [lab, node, cmd, ..] => Command::Exec {
                lab: utf8(lab, "the lab name")?,
                node: utf8(node, "the node name")?,
                argv: std::iter::once(cmd.clone())
                    .chain(rest[3..].iter().cloned())
                    .collect(),
            },
            _ => return Err("lab exec: NAME NODE COMMAND expected".into()),
        }
    } else if matches(verb, "help", 1) {
        Command::Help
    } else {
        return Err(format!(
            "Command \"{verb}\" is unknown, try \"netnest lab help\"."
        ));
    };
    Ok(Parsed {
        command,
        json,
        pretty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(words: &[&str]) -> Result<Parsed, String> {
        parse(&words.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn grammar() {
        assert_eq!(
            p(&["up", "x.toml"]).unwrap().command,
            Command::Up {
                file: "x.toml".into(),
                name: None
            }
        );
        assert_eq!(
            p(&["u", "x.toml", "name", "t2"]).unwrap().command,
            Command::Up {
                file: "x.toml".into(),
                name: Some("t2".into())
            }
        );
        let s = p(&["-j", "status"]).unwrap();
        assert!(s.json);
        assert_eq!(s.command, Command::Status { lab: None });
        let s = p(&["st", "trio", "-p", "-j"]).unwrap();
        assert!(s.json && s.pretty);
        assert_eq!(
            s.command,
            Command::Status {
                lab: Some("trio".into())
            }
        );
        let e = p(&["exec", "trio", "h1", "ip", "-j", "addr"]).unwrap();
        assert!(!e.json);
        assert_eq!(
            e.command,
            Command::Exec {
                lab: "trio".into(),
                node: "h1".into(),
                argv: ["ip", "-j", "addr"].map(OsString::from).to_vec()
            }
        );
        assert!(p(&["exec", "trio", "h1"]).is_err());
        assert!(p(&["down"]).is_err());
        assert_eq!(
            p(&["down", "--force", "trio"]).unwrap().command,
            Command::Down {
                target: "trio".into(),
                force: true
            }
        );
        assert!(p(&["frob"]).unwrap_err().contains("unknown"));
        assert_eq!(p(&[]).unwrap().command, Command::Help);
    }
}
