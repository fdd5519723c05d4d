// SPDX-License-Identifier: MIT OR Apache-2.0
//! Property tests of the binary's own parsers and printer, over inputs from a seeded
//! generator (splitmix64, no dependency; `NETNEST_STRESS_SEED` replaces the seed and
//! `NETNEST_STRESS_SCALE` multiplies the counts, as in the reliability tests):
//!
//! * **the grammar** (`args.rs`): `parse` never panics on arbitrary argv bytes; it never looks past
//!   the word where it stops (changing the words after it changes nothing), nor past a wrong
//!   option; `--x` is read as `-x`; a wrong option is reported with exactly the word given;
//!   `Verb::lookup` is "the first keyword of `ip netns`'s table that the word abbreviates", the
//!   table written out independently from docs/ip-netns-behaviour.md, "Names and subcommands", netnest's own keywords (`lab`, `prune`,
//!   `inspect`) after all of it; `parse_s32` is iproute2's `get_s32`, checked
//!   against glibc's own `strtol`; `is_pid` is "every byte a digit";
//! * **the JSON writer** (`output.rs`): for records of arbitrary bytes and any `i64`, the output
//!   parses back (with iproute2's escaping rules: only `\t \n \r \f \b \\ \"` escaped, every other
//!   byte raw) to exactly the records, in compact and pretty form alike; plain text is the raw
//!   bytes; nothing panics.
//!
//! Batch-line splitting (`batch.rs`) is not reachable from here: `split` and `Lines` are private
//! to `batch` (see docs/reliability.md); the binary-level batch tests in
//! `tests/reliability_hostile.rs` cover it against `ip -batch`.
// The oracle for `parse_s32` is glibc's `strtol`, called through FFI.
#![allow(unsafe_code)]

use std::ffi::{CString, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::args::{is_pid, parse, parse_s32, ArgError, Parsed, Verb};
use crate::output::Format;

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn new(fixed: u64) -> Rng {
        let seed = std::env::var("NETNEST_STRESS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(fixed);
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` bytes: mostly from `alphabet`, sometimes anything but NUL.
    fn bytes(&mut self, len: usize, alphabet: &[u8]) -> Vec<u8> {
        (0..len)
            .map(|_| {
                if self.chance(1, 8) {
                    1 + self.below(255) as u8
                } else {
                    *self.pick(alphabet)
                }
            })
            .collect()
    }
}

/// `NETNEST_STRESS_SCALE` times `ci`.
fn scaled(ci: usize) -> usize {
    let scale = std::env::var("NETNEST_STRESS_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1usize);
    ci * scale.max(1)
}

fn os(bytes: &[u8]) -> OsString {
    OsString::from_vec(bytes.to_vec())
}

// ---------------------------------------------------------------------------------------------
// The grammar.

/// Option words ip knows (full names and pieces of them), values, and junk.
fn option_word(rng: &mut Rng) -> Vec<u8> {
    const NAMES: &[&str] = &[
        "-loops",
        "-family",
        "-human-readable",
        "-iec",
        "-statistics",
        "-details",
        "-resolve",
        "-oneline",
        "-timestamp",
        "-tshort",
        "-Version",
        "-force",
        "-batch",
        "-brief",
        "-json",
        "-pretty",
        "-rcvbuf",
        "-color=always",
        "-color=never",
        "-color=bad",
        "-help",
        "-netns",
        "-Numeric",
        "-all",
        "-echo",
        "-4",
        "-6",
        "-0",
        "-M",
        "-B",
        "--",
        "-",
        "---",
    ];
    match rng.below(6) {
        0..=2 => {
            let name = rng.pick(NAMES).as_bytes();
            let end = 1 + rng.below(name.len());
            let mut w = name[..end.max(2).min(name.len())].to_vec();
            if rng.chance(1, 6) {
                w.insert(0, b'-');
            }
            w
        }
        3 => {
            let len = rng.below(8);
            let mut w = vec![b'-'];
            w.extend(rng.bytes(len, b"-=abcdefhijlnoprstvABMNV046"));
            w
        }
        4 => {
            let len = rng.below(10);
            rng.bytes(len, b"0123456789xinetlk-")
        }
        _ => {
            let words: &[&[u8]] = &[b"list", b"netns", b"add", b"x", b"inet", b"help", b""];
            rng.pick(words).to_vec()
        }
    }
}

fn random_argv(rng: &mut Rng) -> Vec<OsString> {
    let n = rng.below(7);
    (0..n).map(|_| os(&option_word(rng))).collect()
}

#[test]
fn parse_never_panics_and_never_reads_past_its_stop() {
    let mut rng = Rng::new(0x6172_6773_7072_6f70);
    let (mut runs, mut stopped_early) = (0, 0);
    for _ in 0..scaled(20_000) {
        let argv = random_argv(&mut rng);
        let parsed = parse(&argv);
        runs += 1;
        // Any tail: a wrong option or -Version ends the parse where it is; a run stops at a word
        // that is not an option (or just after `--`). (The usage may come from a value missing at
        // the end, which a longer command line supplies.)
        let tail: Vec<OsString> = random_argv(&mut rng);
        // `-n NAME` options before an option that ends the parse switch first: the same.
        let ending = match &parsed {
            Parsed::SwitchThen(_, outcome) => outcome.as_ref(),
            other => other,
        };
        match ending {
            Parsed::SwitchThen(..) => panic!("nested SwitchThen for {argv:?}"),
            Parsed::Run(_, first) if *first < argv.len() => {
                stopped_early += 1;
                let mut changed = argv[..=*first].to_vec();
                changed.extend(tail);
                assert_eq!(parse(&changed), parsed, "{argv:?} then {changed:?}");
            }
            Parsed::Run(_, first) => assert_eq!(*first, argv.len(), "{argv:?}"),
            Parsed::Usage => {}
            Parsed::Error(_) | Parsed::Version => {
                let mut longer = argv.clone();
                longer.extend(tail);
                assert_eq!(parse(&longer), parsed, "{argv:?} then {longer:?}");
            }
        }
    }
    assert!(runs > 0 && stopped_early > 0);
}

#[test]
fn double_dash_options_read_as_single_dash() {
    let mut rng = Rng::new(0x6464_6173_6864_6173);
    for _ in 0..scaled(20_000) {
        let mut argv = random_argv(&mut rng);
        let Some(first) = argv.first().map(|w| w.as_bytes().to_vec()) else {
            continue;
        };
        // `-w` (w not empty, not starting with `-`) and `--w` are the same option.
        if first.len() < 2 || first[0] != b'-' || first[1] == b'-' {
            continue;
        }
        let single = parse(&argv);
        argv[0] = os(&[b"-", &first[..]].concat());
        assert_eq!(parse(&argv), single, "{argv:?}");
    }
}

#[test]
fn wrong_options_are_named_as_given() {
    let mut rng = Rng::new(0x776f_6e67_6f70_7473);
    let mut wrong = 0;
    for _ in 0..scaled(20_000) {
        let len = 1 + rng.below(6);
        let mut word = vec![b'-'];
        word.extend(rng.bytes(len, b"xyzqwkg=-\xff"));
        if let Parsed::Error(ArgError::UnknownOption(opt)) = parse(&[os(&word)]) {
            wrong += 1;
            let expected = if word.starts_with(b"--") {
                &word[1..]
            } else {
                &word[..]
            };
            assert_eq!(opt.as_bytes(), expected);
        }
    }
    assert!(wrong > 0);
}

/// `ip netns`'s keywords in its order (docs/ip-netns-behaviour.md, "Names and subcommands"), written out again for the model.
const IP_NETNS_ORDER: [(&str, Verb); 13] = [
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
];

/// netnest's own keywords, which come after all of `ip`'s (so none of `ip`'s abbreviations
/// changes meaning).
const NETNEST_OWN: [(&str, Verb); 4] = [
    ("lab", Verb::Lab),
    ("prune", Verb::Prune),
    ("inspect", Verb::Inspect),
    ("completions", Verb::Completions),
];

#[test]
fn verb_lookup_is_the_first_keyword_abbreviated() {
    let model = |word: &[u8]| {
        IP_NETNS_ORDER
            .iter()
            .chain(NETNEST_OWN.iter())
            .find(|(k, _)| !word.is_empty() && k.as_bytes().starts_with(word))
            .map(|&(_, v)| v)
    };
    // Every prefix of every keyword, and random words from their letters.
    for (k, _) in IP_NETNS_ORDER.iter().chain(NETNEST_OWN.iter()) {
        for end in 0..=k.len() + 1 {
            let mut w = k.as_bytes()[..end.min(k.len())].to_vec();
            if end > k.len() {
                w.push(b's');
            }
            assert_eq!(
                Verb::lookup(&w),
                model(&w),
                "{:?}",
                String::from_utf8_lossy(&w)
            );
        }
    }
    let mut rng = Rng::new(0x7665_7262_7370_7265);
    for _ in 0..scaled(50_000) {
        let len = rng.below(9);
        let w = rng.bytes(len, b"listhowdaexcpnmrfyub-");
        assert_eq!(
            Verb::lookup(&w),
            model(&w),
            "{:?}",
            w.escape_ascii().to_string()
        );
    }
}

/// iproute2's `get_s32(&v, s, 0)` on glibc's `strtol`: the whole word used, no ERANGE, within
/// `i32`.
fn get_s32_oracle(word: &[u8]) -> Option<i32> {
    let c = CString::new(word).ok()?;
    if word.is_empty() {
        return None;
    }
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: `c` is a NUL-terminated string that outlives the call, and `end` is a valid place
    // for strtol to store a pointer into it; errno is the calling thread's own.
    let (value, errno, consumed) = unsafe {
        *libc::__errno_location() = 0;
        let value = libc::strtol(c.as_ptr(), &mut end, 0);
        let consumed = end.offset_from(c.as_ptr());
        (value, *libc::__errno_location(), consumed)
    };
    if consumed == 0 || consumed as usize != word.len() || errno == libc::ERANGE {
        return None;
    }
    i32::try_from(value).ok()
}

#[test]
fn parse_s32_is_iproute2s_get_s32() {
    let mut rng = Rng::new(0x7374_726f_6c6f_7263);
    let edges: &[&[u8]] = &[
        b"2147483647",
        b"2147483648",
        b"-2147483648",
        b"-2147483649",
        b"0x7fffffff",
        b"0x80000000",
        b"-0x80000000",
        b"017777777777",
        b"020000000000",
        b"9223372036854775807",
        b"9223372036854775808",
        b"-9223372036854775809",
        b"18446744073709551615",
        b"18446744073709551616",
        b"0x",
        b"0X",
        b"0x+1",
        b"+0x1",
        b"-0",
        b" \t\n\x0b\x0c\r7",
        b"08",
        b"0b1",
    ];
    for &w in edges {
        assert_eq!(
            parse_s32(w),
            get_s32_oracle(w),
            "{:?}",
            w.escape_ascii().to_string()
        );
    }
    for _ in 0..scaled(100_000) {
        let len = rng.below(14);
        let w = rng.bytes(len, b"0123456789abcdefxX+- \t\n");
        assert_eq!(
            parse_s32(&w),
            get_s32_oracle(&w),
            "{:?}",
            w.escape_ascii().to_string()
        );
    }
}

#[test]
fn is_pid_means_every_byte_a_digit() {
    let mut rng = Rng::new(0x6973_7069_6470_6964);
    for _ in 0..scaled(20_000) {
        let len = rng.below(6);
        let w = rng.bytes(len, b"0123456789 +-x");
        assert_eq!(is_pid(&w), w.iter().all(u8::is_ascii_digit));
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON writer.

type Record = (Vec<u8>, Option<i64>);

/// Prints `records` as `ip netns list` does.
fn print(format: Format, records: &[Record]) -> Vec<u8> {
    crate::output::tests::list(format, records)
}

/// A reader for iproute2's JSON: whitespace between tokens, strings with only the seven escapes
/// (anything else after a backslash is an error; every other byte is taken raw), integers.
struct JsonReader<'a> {
    b: &'a [u8],
    at: usize,
}

impl JsonReader<'_> {
    fn blank(&mut self) {
        while self.b.get(self.at).is_some_and(|c| b" \n".contains(c)) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.blank();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected {:?} at {}", c as char, self.at))
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.blank();
        self.b.get(self.at).copied()
    }

    fn string(&mut self) -> Result<Vec<u8>, String> {
        self.eat(b'"')?;
        let mut s = Vec::new();
        loop {
            let c = *self.b.get(self.at).ok_or("unterminated string")?;
            self.at += 1;
            match c {
                b'"' => return Ok(s),
                b'\\' => {
                    let e = *self.b.get(self.at).ok_or("lone backslash")?;
                    self.at += 1;
                    s.push(match e {
                        b't' => b'\t',
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b'f' => 0x0c,
                        b'b' => 0x08,
                        b'\\' => b'\\',
                        b'"' => b'"',
                        other => return Err(format!("escape \\{}", other as char)),
                    });
                }
                b'\t' | b'\n' | b'\r' | 0x0c | 0x08 => {
                    return Err(format!("raw {c:#x} in a string"));
                }
                other => s.push(other),
            }
        }
    }

    fn int(&mut self) -> Result<i64, String> {
        self.blank();
        let start = self.at;
        if self.b.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        while self.b.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        std::str::from_utf8(&self.b[start..self.at])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| format!("bad integer at {start}"))
    }

    /// `[{"name":"…"[,"id":N]},…]\n`, the whole input.
    fn records(b: &[u8]) -> Result<Vec<Record>, String> {
        let mut r = JsonReader { b, at: 0 };
        let mut records = Vec::new();
        r.eat(b'[')?;
        if r.peek() != Some(b']') {
            loop {
                r.eat(b'{')?;
                if r.string()? != b"name" {
                    return Err("first key is not name".into());
                }
                r.eat(b':')?;
                let name = r.string()?;
                let mut id = None;
                if r.peek() == Some(b',') {
                    r.eat(b',')?;
                    if r.string()? != b"id" {
                        return Err("second key is not id".into());
                    }
                    r.eat(b':')?;
                    id = Some(r.int()?);
                }
                r.eat(b'}')?;
                records.push((name, id));
                if r.peek() == Some(b',') {
                    r.eat(b',')?;
                } else {
                    break;
                }
            }
        }
        r.eat(b']')?;
        if &r.b[r.at..] != b"\n" {
            return Err(format!(
                "after the array: {:?}",
                r.b[r.at..].escape_ascii().to_string()
            ));
        }
        Ok(records)
    }
}

fn random_records(rng: &mut Rng) -> Vec<Record> {
    let n = rng.below(6);
    (0..n)
        .map(|_| {
            let len = if rng.chance(1, 20) {
                300 + rng.below(300)
            } else {
                rng.below(20)
            };
            // Any byte at all, NUL included: the writer must not care.
            let name: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.chance(1, 3) {
                        *rng.pick(b"\t\n\r\x0c\x08\\\"/\x00\x01\x1b\x7f\xff\xc3\xa9 ")
                    } else {
                        rng.below(256) as u8
                    }
                })
                .collect();
            let id = match rng.below(4) {
                0 => None,
                1 => Some(*rng.pick(&[i64::MIN, i64::MAX, -1, 0, i64::from(i32::MAX)])),
                _ => Some(rng.below(1000) as i64),
            };
            (name, id)
        })
        .collect()
}

#[test]
fn json_parses_back_to_the_same_bytes() {
    let mut rng = Rng::new(0x6a73_6f6e_7772_6974);
    for _ in 0..scaled(5_000) {
        let records = random_records(&mut rng);
        let shown = format!("{records:?}");
        for pretty in [false, true] {
            let out = print(Format::Json { pretty }, &records);
            let back = JsonReader::records(&out).unwrap_or_else(|e| {
                panic!(
                    "pretty={pretty}: {e} in \"{}\" for {shown}",
                    out.escape_ascii()
                )
            });
            assert_eq!(back, records, "pretty={pretty}: \"{}\"", out.escape_ascii());
        }
    }
}

#[test]
fn json_escapes_exactly_seven_bytes() {
    // Every byte alone in a name: escaped if and only if it is one of the seven.
    for b in 0..=255u8 {
        let out = print(Format::Json { pretty: false }, &[(vec![b], None)]);
        let inner = &out[b"[{\"name\":\"".len()..out.len() - b"\"}]\n".len()];
        let escaped: Option<&[u8]> = match b {
            b'\t' => Some(b"\\t"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            0x0c => Some(b"\\f"),
            0x08 => Some(b"\\b"),
            b'\\' => Some(b"\\\\"),
            b'"' => Some(b"\\\""),
            _ => None,
        };
        assert_eq!(inner, escaped.unwrap_or(&[b]), "byte {b:#04x}");
    }
}

#[test]
fn plain_text_is_the_raw_bytes() {
    let mut rng = Rng::new(0x706c_6169_6e74_7874);
    for _ in 0..scaled(5_000) {
        let records = random_records(&mut rng);
        let mut expected = Vec::new();
        for (name, id) in &records {
            expected.extend_from_slice(name);
            if let Some(id) = id {
                expected.extend_from_slice(format!(" (id: {id})").as_bytes());
            }
            expected.push(b'\n');
        }
        assert_eq!(print(Format::Plain, &records), expected);
    }
}
