// SPDX-License-Identifier: MIT OR Apache-2.0
//! iproute2's grammar, parsed by hand: the global options of `ip` 6.1 (single dash, prefix-matched
//! in `ip`'s own order), the `netns` object word, the subcommand keywords (prefix-matched in
//! `ip netns`'s order) and the number formats `ip` accepts.
//!
//! Both the options and the subcommands are tables ([`OPTIONS`], [`VERBS`]) in the order `ip` tries
//! them: the parser walks them, and the help text, the man page and the shell completions can be
//! generated from the same rows, so the four cannot drift apart.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// The global options that matter to `ip netns` (all others are accepted and ignored, as `ip`
/// accepts them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `-all`: every named namespace (`delete`, `exec`), and no name check.
    pub all: bool,
    /// `-json`.
    pub json: bool,
    /// `-pretty` (only with `-json`).
    pub pretty: bool,
    /// `-force`: batch mode goes on after a failing line.
    pub force: bool,
    /// `-batch FILE` (`-` is stdin).
    pub batch: Option<OsString>,
    /// Each `-netns NAME`, in order (`None` when the word is missing): `ip` switches at each one,
    /// while it reads the options.
    pub netns: Vec<Option<OsString>>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Run with these options; the netns arguments start at this index.
    Run(Options, usize),
    /// `-Version`.
    Version,
    /// `-help`, or an option whose value is missing: the usage, rc 255.
    Usage,
    /// A wrong option: a message, rc 255.
    Error(ArgError),
    /// `-n NAME` options came before the option that ended the parse: switch, then this.
    SwitchThen(Vec<Option<OsString>>, Box<Parsed>),
}

/// A wrong global option.
#[derive(Debug, PartialEq, Eq)]
pub enum ArgError {
    /// `Option "%s" is unknown, try "netnest -help".`
    UnknownOption(OsString),
    /// `Error: argument "%s" is wrong: invalid protocol family`
    Family(OsString),
    /// `Invalid rcvbuf size '%s'`
    Rcvbuf(OsString),
}

/// iproute2's `matches()`: `word` is a non-empty prefix of `keyword`.
pub fn matches(word: &[u8], keyword: &str) -> bool {
    !word.is_empty() && keyword.as_bytes().starts_with(word)
}

/// How `ip` 6.1 recognises an option's word (after a leading `--` is cut to `-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Any non-empty prefix of the name (`matches()`): `-j`, `-js`, `-json`. The first row that
    /// matches wins, so `-b` is `-batch`, not `-brief`.
    Prefix,
    /// The name exactly (`strcmp()`): `-4`, `-echo`.
    Exact,
    /// A prefix of the name, optionally followed by `=always`, `=auto`, `=never` or `=`
    /// (`matches_color()`): `-c`, `-color=auto`.
    Color,
}

/// What an option does to `ip netns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Accepted and ignored (it changes nothing in `ip netns`'s output).
    Ignored,
    /// Accepted and ignored; its value is checked as `ip` checks it.
    IgnoredValue(Check),
    /// `-all`.
    All,
    /// `-json`.
    Json,
    /// `-pretty`.
    Pretty,
    /// `-force`.
    Force,
    /// `-batch FILE`.
    Batch,
    /// `-netns NAME`: switch to NAME before running.
    Netns,
    /// `-Version`: print the version and stop.
    Version,
    /// `-help`: print the usage and stop (rc 255).
    Help,
}

/// How `ip` checks the value of an option it otherwise ignores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Any word.
    Any,
    /// A protocol family (`inet`, `inet6`, `link`, `mpls`, `bridge`; `help` prints the usage).
    Family,
    /// An unsigned integer in C's notations (`-rcvbuf`).
    Unsigned,
}

/// One global option of `ip` 6.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The full name, with its single dash (`-json`).
    pub name: &'static str,
    /// How a word is matched against [`name`](OptionSpec::name).
    pub rule: Rule,
    /// The value the option takes (the word after it), if any: `FILE`, `NAME`.
    pub arg: Option<&'static str>,
    /// What it does to `netnest`, in one line.
    pub help: &'static str,
    /// What it does to the parse.
    pub effect: Effect,
}

const fn opt(
    name: &'static str,
    rule: Rule,
    arg: Option<&'static str>,
    effect: Effect,
    help: &'static str,
) -> OptionSpec {
    OptionSpec {
        name,
        rule,
        arg,
        help,
        effect,
    }
}

use Effect::{Ignored, IgnoredValue};
use Rule::{Exact, Prefix};

/// `ip` 6.1's global options, in the order its main loop tries them: the first row that matches
/// a word is the option it names.
pub const OPTIONS: &[OptionSpec] = &[
    opt(
        "-loops",
        Prefix,
        Some("COUNT"),
        IgnoredValue(Check::Any),
        "flush attempts of ip addr flush: ignored",
    ),
    opt(
        "-family",
        Prefix,
        Some("FAMILY"),
        IgnoredValue(Check::Family),
        "protocol family (inet, inet6, link, mpls, bridge): ignored",
    ),
    opt("-4", Exact, None, Ignored, "-family inet: ignored"),
    opt("-6", Exact, None, Ignored, "-family inet6: ignored"),
    opt("-0", Exact, None, Ignored, "-family link: ignored"),
    opt("-M", Exact, None, Ignored, "-family mpls: ignored"),
    opt("-B", Exact, None, Ignored, "-family bridge: ignored"),
    opt(
        "-human",
        Prefix,
        None,
        Ignored,
        "human-readable numbers: ignored",
    ),
    opt(
        "-human-readable",
        Prefix,
        None,
        Ignored,
        "human-readable numbers: ignored",
    ),
    opt("-iec", Prefix, None, Ignored, "IEC units: ignored"),
    opt("-stats", Prefix, None, Ignored, "statistics: ignored"),
    opt("-statistics", Prefix, None, Ignored, "statistics: ignored"),
    opt("-details", Prefix, None, Ignored, "details: ignored"),
    opt("-resolve", Prefix, None, Ignored, "resolve names: ignored"),
    opt(
        "-oneline",
        Prefix,
        None,
        Ignored,
        "one record per line: ignored (netns output is one line per record)",
    ),
    opt("-timestamp", Prefix, None, Ignored, "timestamps: ignored"),
    opt(
        "-tshort",
        Prefix,
        None,
        Ignored,
        "short timestamps: ignored",
    ),
    opt(
        "-Version",
        Prefix,
        None,
        Effect::Version,
        "print the version and exit",
    ),
    opt(
        "-force",
        Prefix,
        None,
        Effect::Force,
        "with -batch: go on after a failing line",
    ),
    opt(
        "-batch",
        Prefix,
        Some("FILE"),
        Effect::Batch,
        "read commands from FILE (- for stdin), one per line",
    ),
    opt("-brief", Prefix, None, Ignored, "brief output: ignored"),
    opt("-json", Prefix, None, Effect::Json, "print JSON"),
    opt(
        "-pretty",
        Prefix,
        None,
        Effect::Pretty,
        "with -json: indent the JSON",
    ),
    opt(
        "-rcvbuf",
        Prefix,
        Some("SIZE"),
        IgnoredValue(Check::Unsigned),
        "netlink receive buffer size: ignored",
    ),
    opt(
        "-color",
        Rule::Color,
        None,
        Ignored,
        "colour output (=always, =auto, =never): ignored",
    ),
    opt(
        "-help",
        Prefix,
        None,
        Effect::Help,
        "print the usage and exit",
    ),
    opt(
        "-netns",
        Prefix,
        Some("NAME"),
        Effect::Netns,
        "run the command inside the named namespace NAME",
    ),
    opt("-Numeric", Prefix, None, Ignored, "numeric output: ignored"),
    opt(
        "-all",
        Prefix,
        None,
        Effect::All,
        "delete or exec: every named namespace; no name check",
    ),
    opt("-echo", Exact, None, Ignored, "echo requests: ignored"),
];

impl OptionSpec {
    /// Whether `word` (with a single leading dash) names this option.
    pub fn matches(&self, word: &[u8]) -> bool {
        match self.rule {
            Rule::Prefix => matches(word, self.name),
            Rule::Exact => word == self.name.as_bytes(),
            Rule::Color => {
                let (name, value) = match word.iter().position(|&b| b == b'=') {
                    Some(eq) => (&word[..eq], Some(&word[eq + 1..])),
                    None => (word, None),
                };
                matches(name, self.name)
                    && matches!(value, None | Some(b"" | b"always" | b"auto" | b"never"))
            }
        }
    }

    /// The option `word` names: the first row of [`OPTIONS`] that matches it.
    pub fn lookup(word: &[u8]) -> Option<&'static OptionSpec> {
        OPTIONS.iter().find(|spec| spec.matches(word))
    }
}

/// Parses the global options, as `ip`'s main loop does: until the first word that does not start
/// with `-`, or `--`; `--x` is read as `-x`.
pub fn parse(args: &[OsString]) -> Parsed {
    let mut switches = Vec::new();
    match parse_options(args, &mut switches) {
        // The `-n`s before the option that ends the parse still switch first, as in ip.
        outcome @ (Parsed::Version | Parsed::Usage | Parsed::Error(_)) if !switches.is_empty() => {
            Parsed::SwitchThen(switches, Box::new(outcome))
        }
        outcome => outcome,
    }
}

/// [`parse`], recording each `-n` in `switches` as it is read.
fn parse_options(args: &[OsString], switches: &mut Vec<Option<OsString>>) -> Parsed {
    let mut opts = Options::default();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let word = arg.as_bytes();
        if word == b"--" {
            i += 1;
            break;
        }
        if word.first() != Some(&b'-') {
            break;
        }
        let word = word
            .strip_prefix(b"-")
            .filter(|w| w.starts_with(b"-"))
            .unwrap_or(word);
        let Some(spec) = OptionSpec::lookup(word) else {
            return Parsed::Error(ArgError::UnknownOption(OsStr::from_bytes(word).to_owned()));
        };
        let value = args.get(i + 1).map(OsString::as_os_str);
        if spec.arg.is_some() {
            i += 1;
        }
        match (spec.effect, value) {
            (Effect::Version, _) => return Parsed::Version,
            (Effect::Help, _) => return Parsed::Usage,
            (Effect::Netns, value) => {
                // A missing NAME is reported when the switch is made.
                opts.netns.push(value.map(OsStr::to_owned));
                switches.push(value.map(OsStr::to_owned));
            }
            // Every other option with a value needs it.
            (_, None) if spec.arg.is_some() => return Parsed::Usage,
            (IgnoredValue(check), Some(value)) => {
                if let Some(stop) = check.apply(value) {
                    return stop;
                }
            }
            (Effect::Batch, Some(file)) => opts.batch = Some(file.to_owned()),
            (Effect::All, _) => opts.all = true,
            (Effect::Json, _) => opts.json = true,
            (Effect::Pretty, _) => opts.pretty = true,
            (Effect::Force, _) => opts.force = true,
            (Ignored | IgnoredValue(_) | Effect::Batch, _) => {}
        }
        i += 1;
    }
    Parsed::Run(opts, i.min(args.len()))
}

impl Check {
    /// `None` if `ip` accepts `value`; otherwise how the parse ends.
    fn apply(self, value: &OsStr) -> Option<Parsed> {
        match self {
            Check::Any => None,
            Check::Family => match value.as_bytes() {
                b"help" => Some(Parsed::Usage),
                b"inet" | b"inet6" | b"link" | b"mpls" | b"bridge" => None,
                _ => Some(Parsed::Error(ArgError::Family(value.to_owned()))),
            },
            Check::Unsigned => match parse_u32(value.as_bytes()) {
                Some(_) => None,
                None => Some(Parsed::Error(ArgError::Rcvbuf(value.to_owned()))),
            },
        }
    }
}

/// Whether `word` names the `netns` object, as `ip`'s object table resolves it: `net`, `netn` or
/// `netns` (`n` and `ne` are `neighbor`, which comes first in the table).
pub fn is_netns_object(word: &[u8]) -> bool {
    word.len() >= 3 && matches(word, "netns")
}

/// The subcommands of `ip netns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `list`, `show`, `lst`.
    List,
    /// `list-id`.
    ListId,
    /// `help`.
    Help,
    /// `add`.
    Add,
    /// `set`.
    Set,
    /// `delete`.
    Delete,
    /// `identify`.
    Identify,
    /// `pids`.
    Pids,
    /// `exec`.
    Exec,
    /// `monitor`.
    Monitor,
    /// `attach`.
    Attach,
    /// `lab` (netnest's own: topologies).
    Lab,
    /// `prune` (netnest's own: remove stale entries).
    Prune,
    /// `inspect` (netnest's own: nsid, pids and links of one namespace).
    Inspect,
    /// `completions` (netnest's own: shell completion scripts).
    Completions,
}

/// One subcommand keyword of `ip netns` (or of netnest's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerbSpec {
    /// The keyword (`list`); any non-empty prefix names it unless an earlier row matches first.
    pub keyword: &'static str,
    /// The subcommand it names (`show` and `lst` are other keywords for [`Verb::List`]).
    pub verb: Verb,
    /// Its arguments, as the usage writes them (`NAME PID`).
    pub args: &'static str,
    /// What it does, in one line.
    pub help: &'static str,
}

const fn verb(
    keyword: &'static str,
    verb: Verb,
    args: &'static str,
    help: &'static str,
) -> VerbSpec {
    VerbSpec {
        keyword,
        verb,
        args,
        help,
    }
}

/// `ip netns`'s keywords in the order it tries them: the first prefix match wins, so `s` is `show`,
/// `a` is `add` and `m` is `monitor`.
pub const VERBS: &[VerbSpec] = &[
    verb(
        "list",
        Verb::List,
        "",
        "list the named namespaces, with their nsids",
    ),
    verb("show", Verb::List, "", "the same as list"),
    verb("lst", Verb::List, "", "the same as list"),
    verb(
        "list-id",
        Verb::ListId,
        "[target-nsid POSITIVE-INT] [nsid POSITIVE-INT]",
        "list the nsids this namespace (or the target) has assigned",
    ),
    verb("help", Verb::Help, "", "print the usage"),
    verb(
        "add",
        Verb::Add,
        "NAME",
        "create a new namespace and name it",
    ),
    verb(
        "set",
        Verb::Set,
        "NAME NETNSID",
        "assign an nsid (a number, or auto) to a named namespace",
    ),
    verb(
        "delete",
        Verb::Delete,
        "[NAME]",
        "remove a name (with -all: every name)",
    ),
    verb(
        "identify",
        Verb::Identify,
        "[PID]",
        "print the names of a process's namespace",
    ),
    verb(
        "pids",
        Verb::Pids,
        "NAME",
        "print the processes inside a named namespace",
    ),
    verb(
        "exec",
        Verb::Exec,
        "[NAME] cmd ...",
        "run a command inside a named namespace (with -all: each)",
    ),
    verb(
        "monitor",
        Verb::Monitor,
        "",
        "print names as they are added and deleted",
    ),
    verb(
        "attach",
        Verb::Attach,
        "NAME PID",
        "name the namespace of a running process",
    ),
    // netnest's own, after all of ip's so no abbreviation of theirs changes meaning
    // (`l` is still `list`, `p` still `pids`).
    verb(
        "lab",
        Verb::Lab,
        "{ up | down | status | exec | help } ...",
        "build, inspect and remove topologies from TOML files",
    ),
    verb(
        "prune",
        Verb::Prune,
        "",
        "remove names whose namespace is gone",
    ),
    verb(
        "inspect",
        Verb::Inspect,
        "NAME",
        "print a named namespace's nsid, processes and links",
    ),
    verb(
        "completions",
        Verb::Completions,
        "{ bash | zsh | fish }",
        "print the completion script for a shell",
    ),
];

impl Verb {
    /// The subcommand `word` names, if any.
    pub fn lookup(word: &[u8]) -> Option<Verb> {
        VERBS
            .iter()
            .find(|spec| matches(word, spec.keyword))
            .map(|spec| spec.verb)
    }
}

/// `get_s32(…, 0)`: C's `strtol` in base 0 (leading white space, a sign, `0x` for hex, `0` for
/// octal), the whole word used, the value within `i32`.
pub fn parse_s32(word: &[u8]) -> Option<i32> {
    let value = parse_c_integer(word)?;
    i32::try_from(value).ok()
}

/// `get_unsigned(…, 0)`: C's `strtoul` in base 0, the value within `u32`. As with `strtoul`, a
/// leading `-` negates (so `-1` is too large).
fn parse_u32(word: &[u8]) -> Option<u32> {
    let value = parse_c_integer(word)?;
    u32::try_from(value).ok()
}

/// The integer `strtol(word, &end, 0)` reads, if it reads all of `word`; `None` for an empty word,
/// trailing junk or a value beyond ±2^64.
fn parse_c_integer(word: &[u8]) -> Option<i128> {
    let mut rest = word;
    while let [b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r', tail @ ..] = rest {
        rest = tail;
    }
    let negative = match rest {
        [b'-', tail @ ..] => {
            rest = tail;
            true
        }
        [b'+', tail @ ..] => {
            rest = tail;
            false
        }
        _ => false,
    };
    let radix = match rest {
        [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit() => {
            rest = &rest[2..];
            16
        }
        [b'0', ..] => 8,
        _ => 10,
    };
    if rest.is_empty() {
        return None;
    }
    let mut value: i128 = 0;
    for &b in rest {
        let digit = char::from(b).to_digit(radix)?;
        value = value * i128::from(radix) + i128::from(digit);
        if value > i128::from(u64::MAX) {
            return None;
        }
    }
    Some(if negative { -value } else { value })
}

/// `is_pid()` of `ip netns identify`: every byte a decimal digit (so the empty word is a pid).
pub fn is_pid(word: &[u8]) -> bool {
    word.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    fn run(words: &[&str]) -> (Options, usize) {
        match parse(&args(words)) {
            Parsed::Run(opts, first) => (opts, first),
            other => panic!("{words:?}: {other:?}"),
        }
    }

    fn unknown(opt: &str) -> Parsed {
        Parsed::Error(ArgError::UnknownOption(opt.into()))
    }

    #[test]
    fn matches_is_a_nonempty_prefix() {
        assert!(matches(b"l", "list"));
        assert!(matches(b"list", "list"));
        assert!(!matches(b"lists", "list"));
        assert!(!matches(b"", "list"));
        assert!(!matches(b"x", "list"));
    }

    #[test]
    fn options_by_prefix() {
        for all in ["-a", "-al", "-all", "--all", "--a"] {
            assert!(run(&[all, "list"]).0.all, "{all}");
        }
        for json in ["-j", "-js", "-json", "--j"] {
            assert!(run(&[json]).0.json, "{json}");
        }
        for pretty in ["-p", "-pretty"] {
            assert!(run(&[pretty]).0.pretty, "{pretty}");
        }
        assert!(run(&["-force"]).0.force);
        assert!(run(&["-f", "inet"]).0 == Options::default());
        assert_eq!(run(&["-b", "file"]).0.batch, Some("file".into()));
        assert_eq!(run(&["-batch", "-"]).0.batch, Some("-".into()));
        assert_eq!(run(&["-j", "-p", "list", "-x"]), {
            let opts = Options {
                json: true,
                pretty: true,
                ..Options::default()
            };
            (opts, 2)
        });
    }

    /// The first row that matches wins: short words name the option `ip` 6.1 picks.
    #[test]
    fn table_order_decides_short_words() {
        let first: &[(&str, &str)] = &[
            ("-", "-loops"),
            ("-l", "-loops"),
            ("-f", "-family"),
            ("-h", "-human"),
            ("-human-", "-human-readable"),
            ("-s", "-stats"),
            ("-stati", "-statistics"),
            ("-t", "-timestamp"),
            ("-ts", "-tshort"),
            ("-V", "-Version"),
            ("-b", "-batch"),
            ("-br", "-brief"),
            ("-j", "-json"),
            ("-p", "-pretty"),
            ("-r", "-resolve"),
            ("-rc", "-rcvbuf"),
            ("-c", "-color"),
            ("-he", "-help"),
            ("-n", "-netns"),
            ("-N", "-Numeric"),
            ("-a", "-all"),
            ("-echo", "-echo"),
            ("-4", "-4"),
        ];
        for &(word, name) in first {
            let spec = OptionSpec::lookup(word.as_bytes()).map(|s| s.name);
            assert_eq!(spec, Some(name), "{word}");
        }
        for word in ["-e", "-ech", "-44", "-x", "-jsonx", "-c=x"] {
            assert_eq!(OptionSpec::lookup(word.as_bytes()), None, "{word}");
        }
    }

    /// Every row can be documented: a name with one dash, a help line, and a value name exactly
    /// when the option takes a value.
    #[test]
    fn table_rows_are_documented() {
        for spec in OPTIONS {
            assert!(
                spec.name.starts_with('-') && spec.name.len() > 1,
                "{spec:?}"
            );
            assert!(!spec.help.is_empty(), "{spec:?}");
            let takes_value = matches!(
                spec.effect,
                Effect::IgnoredValue(_) | Effect::Batch | Effect::Netns
            );
            assert_eq!(spec.arg.is_some(), takes_value, "{spec:?}");
        }
        for spec in VERBS {
            assert_eq!(Verb::lookup(spec.keyword.as_bytes()), Some(spec.verb));
            assert!(!spec.help.is_empty(), "{spec:?}");
        }
    }

    #[test]
    fn ignored_options() {
        let ignored = [
            "-s",
            "-stats",
            "-statistics",
            "-d",
            "-details",
            "-r",
            "-resolve",
            "-o",
            "-oneline",
            "-t",
            "-timestamp",
            "-ts",
            "-tshort",
            "-br",
            "-brief",
            "-h",
            "-human",
            "-i",
            "-iec",
            "-N",
            "-Numeric",
            "-4",
            "-6",
            "-0",
            "-M",
            "-B",
            "-echo",
            "-c",
            "-color",
            "-color=auto",
            "-c=never",
            "-col=always",
            "-color=",
        ];
        for opt in ignored {
            assert_eq!(run(&[opt, "list"]), (Options::default(), 1), "{opt}");
        }
        assert_eq!(run(&["-l", "3", "list"]), (Options::default(), 2));
        assert_eq!(run(&["-rc", "0x10", "list"]), (Options::default(), 2));
        assert_eq!(run(&["-f", "bridge", "x"]), (Options::default(), 2));
        // A lone `-` is a prefix of `-loops`, which takes a value.
        assert_eq!(run(&["-", "netns", "list"]), (Options::default(), 2));
    }

    #[test]
    fn end_of_options() {
        assert_eq!(run(&["--", "-j"]), (Options::default(), 1));
        assert_eq!(run(&[]), (Options::default(), 0));
        assert_eq!(run(&["list", "-j"]), (Options::default(), 0));
    }

    #[test]
    fn wrong_options() {
        let parse = |words: &[&str]| parse(&args(words));
        assert_eq!(parse(&["-x"]), unknown("-x"));
        assert_eq!(parse(&["--x"]), unknown("-x"));
        assert_eq!(parse(&["---"]), unknown("--"));
        assert_eq!(parse(&["-jp"]), unknown("-jp"));
        assert_eq!(parse(&["-e"]), unknown("-e"));
        assert_eq!(parse(&["-jsonx"]), unknown("-jsonx"));
        assert_eq!(parse(&["-c=foo"]), unknown("-c=foo"));
        assert_eq!(parse(&["-V"]), Parsed::Version);
        assert_eq!(parse(&["-help"]), Parsed::Usage);
        assert_eq!(parse(&["-b"]), Parsed::Usage);
        assert_eq!(parse(&["-l"]), Parsed::Usage);
        assert_eq!(parse(&["-f", "help"]), Parsed::Usage);
        assert_eq!(
            parse(&["-f", "bad"]),
            Parsed::Error(ArgError::Family("bad".into()))
        );
        assert_eq!(
            parse(&["-rc", "x"]),
            Parsed::Error(ArgError::Rcvbuf("x".into()))
        );
    }

    #[test]
    fn netns_option_is_recorded() {
        assert_eq!(run(&["-n", "x", "list"]).0.netns, vec![Some("x".into())]);
        assert_eq!(run(&["-netns"]).0.netns, vec![None]);
        assert_eq!(
            run(&["-n", "x", "-n", "y", "list"]).0.netns,
            vec![Some("x".into()), Some("y".into())]
        );
    }

    #[test]
    fn object_word() {
        for yes in ["net", "netn", "netns"] {
            assert!(is_netns_object(yes.as_bytes()), "{yes}");
        }
        for no in ["", "n", "ne", "netc", "netnsx", "list"] {
            assert!(!is_netns_object(no.as_bytes()), "{no}");
        }
    }

    /// The abbreviations `ip netns` 6.1 accepts, all verified against it.
    #[test]
    fn verbs_by_prefix() {
        let table: &[(&[&str], Verb)] = &[
            (&["l", "li", "lis", "list"], Verb::List),
            (&["s", "sh", "sho", "show"], Verb::List),
            (&["ls", "lst"], Verb::List),
            (&["list-", "list-i", "list-id"], Verb::ListId),
            (&["h", "he", "hel", "help"], Verb::Help),
            (&["a", "ad", "add"], Verb::Add),
            (&["se", "set"], Verb::Set),
            (&["d", "de", "del", "delete"], Verb::Delete),
            (&["i", "id", "identify"], Verb::Identify),
            (&["p", "pi", "pids"], Verb::Pids),
            (&["e", "ex", "exec"], Verb::Exec),
            (&["m", "mo", "monitor"], Verb::Monitor),
            (&["at", "att", "attach"], Verb::Attach),
        ];
        for (words, verb) in table {
            for word in *words {
                assert_eq!(Verb::lookup(word.as_bytes()), Some(*verb), "{word}");
            }
        }
        for word in ["", "x", "lists", "adds", "deletex", "list-idx", "net"] {
            assert_eq!(Verb::lookup(word.as_bytes()), None, "{word}");
        }
    }

    /// `get_s32(…, 0)` as `ip netns attach` reads its PID.
    #[test]
    fn s32_base_zero() {
        let ok: &[(&str, i32)] = &[
            ("4298", 4298),
            ("+4298", 4298),
            (" 4298", 4298),
            ("\t\n 7", 7),
            ("0x1", 1),
            ("0X1f", 31),
            ("010", 8),
            ("0", 0),
            ("-1", -1),
            ("2147483647", i32::MAX),
            ("-2147483648", i32::MIN),
            ("-0x10", -16),
        ];
        for &(word, value) in ok {
            assert_eq!(parse_s32(word.as_bytes()), Some(value), "{word:?}");
        }
        let bad = [
            "",
            " ",
            "abc",
            "1e3",
            "4298 ",
            "self",
            "0x",
            "0xg",
            "08",
            "2147483648",
            "-2147483649",
            "99999999999999999999",
            "+-1",
            "-",
            "1 2",
        ];
        for word in bad {
            assert_eq!(parse_s32(word.as_bytes()), None, "{word:?}");
        }
    }

    #[test]
    fn u32_base_zero() {
        assert_eq!(parse_u32(b"0x10"), Some(16));
        assert_eq!(parse_u32(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_u32(b"4294967296"), None);
        assert_eq!(parse_u32(b"x"), None);
    }

    #[test]
    fn pids_are_digits() {
        assert!(is_pid(b"123"));
        assert!(is_pid(b"007"));
        assert!(is_pid(b""));
        for no in ["self", "-1", "+1", "1a", " 1"] {
            assert!(!is_pid(no.as_bytes()), "{no}");
        }
    }
}
