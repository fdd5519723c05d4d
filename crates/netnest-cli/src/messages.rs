// SPDX-License-Identifier: MIT OR Apache-2.0
//! Every text `netnest` writes to stderr, byte for byte as `ip netns` 6.1 writes it (docs/ip-netns-behaviour.md), and
//! the one place that turns a [`netnest::Error`] into iproute2's message, by command and by step.
//!
//! The only texts that differ from `ip`'s are those that name the program itself: the usage block
//! and the hints (`try "netnest help"`).

use std::os::unix::ffi::OsStrExt;

use netnest::{Error, Op};

use crate::args::ArgError;
use crate::errno;
use crate::output::error as print;

/// The usage block of `ip netns help`, naming `netnest`.
pub const USAGE: &str = "\
Usage:\tnetnest list
\tnetnest add NAME
\tnetnest attach NAME PID
\tnetnest set NAME NETNSID
\tnetnest [-all] delete [NAME]
\tnetnest identify [PID]
\tnetnest pids NAME
\tnetnest [-all] exec [NAME] cmd ...
\tnetnest monitor
\tnetnest list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]
NETNSID := auto | POSITIVE-INT";

/// The usage block, to stderr.
pub fn usage() {
    print(&[USAGE.as_bytes()]);
}

/// A text of its own on stderr (`No netns name specified`, `extra arguments specified`…).
pub fn say(text: &str) {
    print(&[text.as_bytes()]);
}

/// A wrong global option.
pub fn arg_error(e: &ArgError) {
    match e {
        ArgError::UnknownOption(opt) => print(&[
            b"Option \"",
            opt.as_bytes(),
            b"\" is unknown, try \"netnest -help\".",
        ]),
        ArgError::Family(family) => print(&[
            b"Error: argument \"",
            family.as_bytes(),
            b"\" is wrong: invalid protocol family",
        ]),
        ArgError::Rcvbuf(size) => print(&[b"Invalid rcvbuf size '", size.as_bytes(), b"'"]),
    }
}

/// `Invalid netns name "%s"`.
pub fn invalid_name(name: &[u8]) {
    print(&[b"Invalid netns name \"", name, b"\""]);
}

/// `Command "%s" is unknown, try "netnest help".`
pub fn unknown_command(word: &[u8]) {
    print(&[b"Command \"", word, b"\" is unknown, try \"netnest help\"."]);
}

/// `Object "%s" is unknown, try "netnest help".` (a batch line that is not a netns command).
pub fn unknown_object(word: &[u8]) {
    print(&[b"Object \"", word, b"\" is unknown, try \"netnest help\"."]);
}

/// `Invalid PID: %s` of `attach`.
pub fn invalid_pid(word: &[u8]) {
    print(&[b"Invalid PID: ", word]);
}

/// `Specified string '%s' is not a pid` of `identify`.
pub fn not_a_pid(word: &[u8]) {
    print(&[b"Specified string '", word, b"' is not a pid"]);
}

/// What `add` and `attach` bind onto the new file.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// `add`: a new namespace, `/proc/self/ns/net` in `ip`'s words.
    New,
    /// `attach`: the namespace of process `pid`.
    Pid(i32),
    /// `attach NAME container:ID` (an extension): what to call the source in messages.
    Named(&'a str),
}

/// A failure of `add NAME` or `attach NAME PID`. `dir` is the run directory (`/run/netns`).
pub fn add_failed(dir: &[u8], name: &[u8], source: Source, e: &Error) {
    let why = why(e);
    let file = [dir, b"/", name].concat();
    match e.op() {
        Op::CreateRunDir => print(&[b"mkdir ", dir, b" failed: ", &why]),
        Op::OpenRunDir => print(&[
            b"Cannot open netns runtime directory \"",
            dir,
            b"\": ",
            &why,
        ]),
        Op::MakeShared => print(&[b"mount --make-shared ", dir, b" failed: ", &why]),
        Op::BindRunDir => print(&[b"mount --bind ", dir, b" ", dir, b" failed: ", &why]),
        // iproute2 7.0's step and text; 6.1 has no such step.
        Op::MakePrivate => print(&[b"mount --make-private ", dir, b" failed: ", &why]),
        Op::CreateFile => print(&[b"Cannot create namespace file \"", &file, b"\": ", &why]),
        Op::Unshare | Op::SpawnThread => print(&[
            b"Failed to create a new network namespace \"",
            name,
            b"\": ",
            &why,
        ]),
        Op::Remove => print(&[b"Cannot remove namespace file \"", &file, b"\": ", &why]),
        // Op::Bind, and whatever else fails once the namespace exists.
        _ => {
            let proc = match source {
                Source::New => "/proc/self/ns/net".to_owned(),
                Source::Pid(pid) => format!("/proc/{pid}/ns/net"),
                Source::Named(what) => what.to_owned(),
            };
            print(&[
                b"Bind ",
                proc.as_bytes(),
                b" -> ",
                &file,
                b" failed: ",
                &why,
            ]);
        }
    }
}

/// A failure of `delete NAME`, of one entry of `-all delete` or of `prune`: the file the library
/// could not remove is the error's path.
pub fn delete_failed(e: &Error) {
    let file = e.path().map_or(&b""[..], |p| p.as_os_str().as_bytes());
    print(&[b"Cannot remove namespace file \"", file, b"\": ", &why(e)]);
}

/// `-all delete` could not read the run directory (`Failed to open directory %s: %s`).
pub fn foreach_failed(dir: &[u8], e: &Error) {
    print(&[b"Failed to open directory ", dir, b": ", &why(e)]);
}

/// A failure of `identify` (note: no space after the colon in the directory's message).
pub fn identify_failed(dir: &[u8], e: &Error) {
    let why = why(e);
    match e.op() {
        Op::Stat => print(&[b"Stat of netns failed: ", &why]),
        Op::ReadDir => print(&[b"Failed to open directory ", dir, b":", &why]),
        _ => print(&[b"Cannot open network namespace: ", &why]),
    }
}

/// A failure of `pids NAME`.
pub fn pids_failed(e: &Error) {
    let why = why(e);
    match e.op() {
        Op::Stat => print(&[b"Stat of netns failed: ", &why]),
        Op::ReadDir => print(&[b"Open of /proc failed: ", &why]),
        _ => print(&[b"Cannot open network namespace: ", &why]),
    }
}

/// `Cannot open file "%s" for reading: %s` of `-batch FILE`.
pub fn batch_unreadable(file: &[u8], e: &std::io::Error) {
    print(&[
        b"Cannot open file \"",
        file,
        b"\" for reading: ",
        errno::io_text(e).as_bytes(),
    ]);
}

/// `Command failed %s:%d` after a failing batch line.
pub fn batch_line_failed(file: &[u8], line: usize) {
    print(&[b"Command failed ", file, b":", line.to_string().as_bytes()]);
}

/// The `strerror` text of the error's errno.
fn why(e: &Error) -> Vec<u8> {
    errno::io_text(e.io_error()).into_bytes()
}

/// A kernel refusal of a request (`rtnl_talk`): `Error: <extack>.`, or `RTNETLINK answers: %s`
/// when the kernel gave no message.
pub fn netlink_talk(e: &Error) {
    match e.kernel_error().and_then(|k| k.message.as_deref()) {
        Some(message) => extack(message),
        None => print(&[b"RTNETLINK answers: ", &why(e)]),
    }
}

/// A dump that failed (`rtnl_dump_filter`): the extack as `Error: <msg>.`; without one, `ENOENT`
/// and `EOPNOTSUPP` are silent, `EMSGSIZE` is `Error: Buffer too small for object.`, anything else
/// `RTNETLINK answers: %s`.
pub fn netlink_dump(e: &Error) {
    if let Some(message) = e.kernel_error().and_then(|k| k.message.as_deref()) {
        return extack(message);
    }
    match e.raw_os_error() {
        Some(libc::ENOENT) | Some(libc::EOPNOTSUPP) => {}
        Some(libc::EMSGSIZE) => say("Error: Buffer too small for object."),
        _ => print(&[b"RTNETLINK answers: ", &why(e)]),
    }
}

/// `Error: <message>` with a `.` added unless it ends with one.
fn extack(message: &str) {
    let dot: &[u8] = if message.ends_with('.') { b"" } else { b"." };
    print(&[b"Error: ", message.as_bytes(), dot]);
}

/// The netlink socket could not be opened: `Cannot open netlink socket: %s` then
/// `Cannot open rtnetlink` (rc 1).
pub fn netlink_open_failed(e: &Error) {
    print(&[b"Cannot open netlink socket: ", &why(e)]);
    say("Cannot open rtnetlink");
}

/// `Cannot open network namespace "NAME": %s` (`set`, `exec`, `-n`).
pub fn cannot_open_named(name: &[u8], e: &Error) {
    print(&[b"Cannot open network namespace \"", name, b"\": ", &why(e)]);
}

/// `setting the network namespace "NAME" failed: %s` (`exec`, `-n`).
pub fn setns_failed(name: &[u8], errno: i32) {
    print(&[
        b"setting the network namespace \"",
        name,
        b"\" failed: ",
        errno::text(errno).as_bytes(),
    ]);
}

/// `Error: argument "%s" is wrong: %s` (`invarg`, rc 255).
pub fn invarg(msg: &str, arg: &[u8]) {
    print(&[b"Error: argument \"", arg, b"\" is wrong: ", msg.as_bytes()]);
}

/// `Error: duplicate "%s": "%s" is the second value.` (`duparg`, rc 255).
pub fn duparg(key: &str, arg: &[u8]) {
    print(&[
        b"Error: duplicate \"",
        key.as_bytes(),
        b"\": \"",
        arg,
        b"\" is the second value.",
    ]);
}

/// `Command line is not complete. Try option "help"` (`incomplete_command`, rc 255).
pub fn incomplete() {
    say("Command line is not complete. Try option \"help\"");
}
