//! iproute2's grammar, parsed by hand: the global options of `ip` 6.1 (single dash, prefix-matched
//! in `ip`'s own order), the `netns` object word, the subcommand keywords (prefix-matched in
//! `ip netns`'s order) and the number formats `ip` accepts.

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
        let opt = if word.get(1) == Some(&b'-') {
            &word[1..]
        } else {
            word
        };
        // The value of an option that takes one.
        let value = args.get(i + 1).map(OsString::as_os_str);
        let is = |name| matches(opt, name);
        if is("-loops") {
            // Flush attempts of `ip addr flush`: nothing to do with netns.
            if value.is_none() {
                return Parsed::Usage;
            }
            i += 1;
        } else if is("-family") {
            let Some(family) = value else {
                return Parsed::Usage;
            };
            match family.as_bytes() {
                b"help" => return Parsed::Usage,
                b"inet" | b"inet6" | b"link" | b"mpls" | b"bridge" => {}
                _ => return Parsed::Error(ArgError::Family(family.to_owned())),
            }
            i += 1;
        } else if matches!(opt, b"-4" | b"-6" | b"-0" | b"-M" | b"-B") {
            // Family shorthands: ignored.
        } else if is("-human")
            || is("-human-readable")
            || is("-iec")
            || is("-stats")
            || is("-statistics")
            || is("-details")
            || is("-resolve")
            || is("-oneline")
            || is("-timestamp")
            || is("-tshort")
        {
            // Accepted and ignored: netns output does not change (not even with -oneline).
        } else if is("-Version") {
            return Parsed::Version;
        } else if is("-force") {
            opts.force = true;
        } else if is("-batch") {
            let Some(file) = value else {
                return Parsed::Usage;
            };
            opts.batch = Some(file.to_owned());
            i += 1;
        } else if is("-brief") {
            // Ignored.
        } else if is("-json") {
            opts.json = true;
        } else if is("-pretty") {
            opts.pretty = true;
        } else if is("-rcvbuf") {
            let Some(size) = value else {
                return Parsed::Usage;
            };
            if parse_u32(size.as_bytes()).is_none() {
                return Parsed::Error(ArgError::Rcvbuf(size.to_owned()));
            }
            i += 1;
        } else if is_color(opt) {
            // Color is never applied to netns output.
        } else if is("-help") {
            return Parsed::Usage;
        } else if is("-netns") {
            opts.netns.push(value.map(OsStr::to_owned));
            switches.push(value.map(OsStr::to_owned));
            i += 1;
        } else if is("-Numeric") {
            // Ignored.
        } else if is("-all") {
            opts.all = true;
        } else if opt == b"-echo" {
            // Ignored.
        } else {
            return Parsed::Error(ArgError::UnknownOption(OsStr::from_bytes(opt).to_owned()));
        }
        i += 1;
    }
    Parsed::Run(opts, i.min(args.len()))
}

/// `-color`, `-color=always|auto|never` (and their prefixes, such as `-c`).
fn is_color(opt: &[u8]) -> bool {
    let (name, value) = match opt.iter().position(|&b| b == b'=') {
        Some(eq) => (&opt[..eq], Some(&opt[eq + 1..])),
        None => (opt, None),
    };
    matches(name, "-color") && matches!(value, None | Some(b"" | b"always" | b"auto" | b"never"))
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
}

/// `ip netns`'s keywords in the order it tries them: the first prefix match wins, so `s` is `show`,
/// `a` is `add` and `m` is `monitor`.
const VERBS: &[(&str, Verb)] = &[
    ("list", Verb::List),
    ("show", Verb::List),
    ("lst", Verb::List),
    ("list-id", Verb::ListId),
    ("help", Verb::Help),
    ("add", Verb::Add),
    ("set", Verb::Set),
    ("delete", Verb::Delete),
    ("identify", Verb::Identify),
    ("pids", Verb::Pids),
    ("exec", Verb::Exec),
    ("monitor", Verb::Monitor),
    ("attach", Verb::Attach),
    // netnest's own, after all of ip's so no abbreviation of theirs changes meaning
    // (`l` is still `list`, `p` still `pids`).
    ("lab", Verb::Lab),
    ("prune", Verb::Prune),
    ("inspect", Verb::Inspect),
];

impl Verb {
    /// The subcommand `word` names, if any.
    pub fn lookup(word: &[u8]) -> Option<Verb> {
        VERBS
            .iter()
            .find(|(keyword, _)| matches(word, keyword))
            .map(|&(_, verb)| verb)
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

    /// The abbreviations of spec §1.4, all verified against ip 6.1.
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

    /// `get_s32(…, 0)` as spec §2.3 describes it for `attach`'s PID.
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
