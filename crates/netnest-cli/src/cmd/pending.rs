//! Subcommands whose keywords are recognised (so abbreviations resolve as `ip`'s table does: `m` is
//! `monitor`, `se` is `set`) but that this version does not run yet.

use super::Status;
use crate::args::Verb;
use crate::messages;

/// Says the subcommand is not implemented yet: rc 1.
pub fn run(verb: Verb) -> Status {
    let what = match verb {
        // TODO(issue: nsids over netlink): `set NAME NETNSID`.
        Verb::Set => "\"set\"",
        // TODO(issue: nsids over netlink): `list-id [target-nsid N] [nsid M]`.
        Verb::ListId => "\"list-id\"",
        // TODO(issue: monitor): `monitor`.
        Verb::Monitor => "\"monitor\"",
        _ => "this subcommand",
    };
    messages::not_implemented(what);
    Status::FAILED
}
