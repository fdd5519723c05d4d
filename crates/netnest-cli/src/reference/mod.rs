// SPDX-License-Identifier: MIT OR Apache-2.0
//! The reference: what every subcommand, option, file and exit status means, written once and
//! rendered three ways, so they cannot drift apart:
//!
//! * `help`: `netnest --help`, `netnest SUBCOMMAND --help`, `netnest help SUBCOMMAND`;
//! * `man`: the pages netnest(8) and netnest-lab(5) (checked in under `docs/man/`; a test fails
//!   when they differ from what this module makes);
//! * `completions`: `netnest completions bash|zsh|fish`.
//!
//! The words themselves and their one-line summaries come from the grammar's tables
//! ([`crate::args::VERBS`], [`crate::args::OPTIONS`]); this module adds the long texts
//! ([`topics`]), the lab's subcommands and the topology file's keys ([`lab`]).
//!
//! Texts are plain: paragraphs of words, no markup. `FILE`, `NAME` and the like are the
//! placeholders of the usage lines.

pub mod completions;
pub mod help;
pub mod lab;
// The pages are rendered by the tests, which compare them with the checked-in `docs/man/`:
// the binary does not carry them.
#[cfg(test)]
mod lab_file;
#[cfg(test)]
mod man;
pub mod topics;

use crate::args::{Effect, OptionSpec, Rule, VerbSpec, OPTIONS, VERBS};

/// The version and the build, as `--version` and `-V` print it: one line shaped like `ip -V`'s
/// (`ip utility, iproute2-6.1.0, libbpf 1.1.2`), so `cut -d, -f2` gives the version of either.
pub fn version_line() -> String {
    format!(
        "netnest utility, netnest-{}, {}\n",
        env!("CARGO_PKG_VERSION"),
        build()
    )
}

/// The build: architecture, C library, static or dynamic (`x86_64 musl static`).
pub fn build() -> String {
    let libc = if cfg!(target_env = "musl") {
        "musl"
    } else if cfg!(target_env = "gnu") {
        "glibc"
    } else {
        "libc"
    };
    let linking = if cfg!(target_feature = "crt-static") {
        "static"
    } else {
        "dynamic"
    };
    format!("{} {libc} {linking}", std::env::consts::ARCH)
}

/// How a word of the command line is completed, and what a subcommand's argument is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// A name in the run directory.
    Namespace,
    /// A new name: nothing to offer.
    NewName,
    /// A process id.
    Pid,
    /// A command and its arguments.
    Command,
    /// A lab that is up (a record in the state directory).
    Lab,
    /// A node of the lab named by the previous word.
    Node,
    /// A topology file (`*.toml`).
    TopologyFile,
    /// A lab, or a topology file.
    LabOrFile,
    /// One of these words.
    Words(&'static [&'static str]),
    /// A subcommand (for `help`).
    Subcommand,
    /// Anything: nothing to offer.
    Any,
}

/// The subcommands in the order the reference presents them: `ip netns`'s usage order, then
/// netnest's own. Each appears once, under its main keyword.
pub fn verbs() -> impl Iterator<Item = &'static VerbSpec> {
    topics::ORDER
        .iter()
        .filter_map(|keyword| VERBS.iter().find(|spec| spec.keyword == *keyword))
}

/// Every keyword that names `spec`'s subcommand (`list`, `show`, `lst`).
pub fn aliases(spec: &VerbSpec) -> impl Iterator<Item = &'static str> + '_ {
    VERBS
        .iter()
        .filter(move |other| other.verb == spec.verb && other.keyword != spec.keyword)
        .map(|other| other.keyword)
}

/// The shortest word that names the option, given the table's order (`-a` for `-all`, `-he` for
/// `-help`); the name itself for exact options.
pub fn shortest(spec: &OptionSpec) -> &'static str {
    if spec.rule == Rule::Exact {
        return spec.name;
    }
    (2..spec.name.len())
        .map(|len| &spec.name[..len])
        .find(|prefix| {
            OptionSpec::lookup(prefix.as_bytes()).map(|found| found.name) == Some(spec.name)
        })
        .unwrap_or(spec.name)
}

/// The options that change what `ip netns` does (the others are accepted and ignored).
pub fn effective_options() -> impl Iterator<Item = &'static OptionSpec> {
    OPTIONS.iter().filter(|spec| !is_ignored(spec))
}

/// The options accepted for `ip`'s sake and ignored.
pub fn ignored_options() -> impl Iterator<Item = &'static OptionSpec> {
    OPTIONS.iter().filter(|spec| is_ignored(spec))
}

fn is_ignored(spec: &OptionSpec) -> bool {
    matches!(spec.effect, Effect::Ignored | Effect::IgnoredValue(_))
}

/// The GNU-style options netnest adds: `(name, help)`.
pub const LONG_OPTIONS: &[(&str, &str)] = &[
    (
        "--help",
        "print this help on stdout and exit 0 (SUBCOMMAND --help: that subcommand's)",
    ),
    (
        "--version",
        "print the version and the build (as -V) and exit 0",
    ),
];

/// Where to read more, printed at the end of `--help`.
pub const MORE: &str = "man netnest, man netnest-lab (topology files), \
    docs/compatibility.md (every difference from ip netns), \
    https://github.com/netnest/netnest";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_words_name_their_option() {
        let find = |name| OPTIONS.iter().find(|spec| spec.name == name).unwrap();
        assert_eq!(shortest(find("-all")), "-a");
        assert_eq!(shortest(find("-help")), "-he");
        assert_eq!(shortest(find("-Version")), "-V");
        assert_eq!(shortest(find("-netns")), "-n");
        assert_eq!(shortest(find("-echo")), "-echo");
        for spec in OPTIONS {
            let word = shortest(spec);
            assert_eq!(
                OptionSpec::lookup(word.as_bytes()).map(|s| s.name),
                Some(spec.name)
            );
        }
    }

    #[test]
    fn the_version_line_names_the_build() {
        let line = version_line();
        assert!(line.starts_with("netnest utility, netnest-0."), "{line}");
        assert!(
            line.ends_with(" static\n") || line.ends_with(" dynamic\n"),
            "{line}"
        );
        assert!(
            line.contains(" glibc ") || line.contains(" musl "),
            "{line}"
        );
    }
}
