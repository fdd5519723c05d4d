// SPDX-License-Identifier: MIT OR Apache-2.0
//! The JSON of netnest's own subcommands (`-j inspect`, `-j prune`) is valid JSON whatever the
//! names hold: control bytes are escaped as `\u00XX` and bytes that are not UTF-8 become U+FFFD.
//! (`-j list` keeps `ip`'s escaping, byte for byte: the differential suite checks it.) Each run
//! is a sandbox (private mount and network namespace, tmpfs on `/run`); without root the tests
//! fail, saying so. Python's `json` module is the parser.

#[allow(dead_code)] // the helpers this file does not use
mod common;

use common::sh;

/// Reads a JSON document on stdin and prints `ascii()` of what `$1` (a Python expression over
/// `d`) selects; fails on invalid JSON.
const PARSE: &str = r#"parse() { python3 -c 'import json,sys; d=json.loads(sys.stdin.buffer.read()); print(ascii(eval(sys.argv[1])))' "$1"; }"#;

#[test]
fn inspect_json_is_valid_for_any_name() {
    let (out, err, code) = sh(&format!(
        r#"{PARSE}
        N=$(printf 'c\001t\tq"b\\\377x\033')
        $NN add "$N"
        $NN -j inspect "$N" | parse 'd["name"]'
        $NN -j -p inspect "$N" | parse '[d["name"], d["pids"], [l["ifname"] for l in d["links"]]]'
        $NN inspect "$N" | head -1 | od -An -c | tr -s ' ' ' '
        "#
    ));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "'c\\x01t\\tq\"b\\\\\\ufffdx\\x1b'\n\
         ['c\\x01t\\tq\"b\\\\\\ufffdx\\x1b', [], ['lo']]\n \
         c 001 t \\t q \" b \\ 377 x 033 \\n\n"
    );
}

#[test]
fn prune_json_is_valid_for_any_name() {
    let (out, err, code) = sh(&format!(
        r#"{PARSE}
        mkdir /run/netns
        for n in "$(printf 'a\001')" "$(printf 'b\377\376')" "$(printf 'c\n\033[1m')"; do
            : >"/run/netns/$n"; chmod 0 "/run/netns/$n"
        done
        $NN -j prune | parse 'sorted(e["name"] for e in d)'
        ls -A /run/netns | wc -l
        for n in "$(printf 'd\037')"; do : >"/run/netns/$n"; chmod 0 "/run/netns/$n"; done
        $NN -j -p prune | parse 'd'
        "#
    ));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(
        out,
        "['a\\x01', 'b\\ufffd\\ufffd', 'c\\n\\x1b[1m']\n0\n[{'name': 'd\\x1f'}]\n"
    );
}
