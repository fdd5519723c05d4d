// SPDX-License-Identifier: MIT OR Apache-2.0
//! Helpers shared by the CLI's integration tests.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use netnest_testkit::{Sandbox, Scenario};

/// This crate's `netnest` binary.
#[allow(dead_code)] // not every test file runs scripts
pub const NETNEST: &str = env!("CARGO_BIN_EXE_netnest");

/// Runs the shell `script` in a fresh sandbox (`netnest_testkit::Sandbox`: private mount,
/// network and pid namespaces, tmpfs on `/run`), with `$NN` the netnest binary and `$EX` the
/// example labs; its stdout, stderr and exit code, as text. Without root the test fails, saying
/// so.
#[allow(dead_code)] // not every test file runs scripts
pub fn sh(script: &str) -> (String, String, i32) {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/labs");
    let out = Sandbox::new().env("NN", NETNEST).env("EX", examples).run(&[
        "/bin/sh".into(),
        "-c".into(),
        script.into(),
    ]);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.code,
    )
}

/// A scenario comparing `ip netns` with this crate's `netnest` binary.
pub fn sc() -> Scenario {
    // NETNEST_DIFF_BIN runs the suite against another build (CI: the musl one).
    match std::env::var_os("NETNEST_DIFF_BIN") {
        Some(bin) => Scenario::new(bin),
        None => Scenario::new(env!("CARGO_BIN_EXE_netnest")),
    }
}

/// `ip netns help` (to stderr, rc 255), as iproute2 6.1 prints it.
pub const USAGE: &str = "Usage:\tip netns list
\tip netns add NAME
\tip netns attach NAME PID
\tip netns set NAME NETNSID
\tip [-all] netns delete [NAME]
\tip netns identify [PID]
\tip netns pids NAME
\tip [-all] netns exec [NAME] cmd ...
\tip netns monitor
\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]
NETNSID := auto | POSITIVE-INT
";

/// Valid names made of bytes that break naive quoting, printing or UTF-8 handling.
pub fn odd_names() -> Vec<Vec<u8>> {
    vec![
        b"with space".to_vec(),
        b"q'uo\"te".to_vec(),
        b"back\\slash".to_vec(),
        b"tab\there".to_vec(),
        b"new\nline".to_vec(),
        b"cr\rff\x0cbs\x08".to_vec(),
        b"ctl\x01\x1b\x7f".to_vec(),
        b"bad\xff\xfeutf8".to_vec(),
        "utf8-\u{e9}\u{1f600}".as_bytes().to_vec(),
        b"-leading-dash".to_vec(),
        b"$(x)`y`*?[z]".to_vec(),
        b" ".to_vec(),
        b"...".to_vec(),
        vec![b'n'; 255],
    ]
}

/// `name` as iproute2's JSON writer escapes it: only `\t \n \r \f \b \\ \"`; every other byte,
/// control bytes and invalid UTF-8 included, raw.
pub fn json_name(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    for &b in name {
        match b {
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x0c => out.extend_from_slice(b"\\f"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            _ => out.push(b),
        }
    }
    out
}

/// Raw bytes as an `OsString` (for environment values).
pub fn os(bytes: &[u8]) -> OsString {
    OsString::from_vec(bytes.to_vec())
}

/// Words that run a program under strace, making every call of `syscall` fail with `errno`
/// (threads and children included), so both programs meet the same failure.
pub fn inject(syscall: &str, errno: &str) -> Vec<String> {
    ["strace", "-f", "-qq", "-o", "/dev/null", "-e"]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("inject={syscall}:error={errno}")])
        .collect()
}
