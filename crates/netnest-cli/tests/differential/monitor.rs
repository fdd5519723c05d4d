// SPDX-License-Identifier: MIT OR Apache-2.0
//! `monitor` (docs/ip-netns-behaviour.md, "monitor"): `add NAME` / `delete NAME` for each entry created in or removed from
//! `/run/netns`.
//!
//! The monitor never ends, so each scenario runs it through a wrapper shell: the monitor starts in
//! the background (on a pseudo-terminal made by `script`, or on a pipe), the wrapper waits until
//! its inotify watch exists (visible in `/proc/PID/fdinfo`), makes the changes, waits for the
//! lines (at most 3 s), kills the monitor by its pid and prints what it wrote. On a terminal
//! `ip` is line-buffered, so both programs print the same lines (`script` turns `\n` into `\r\n`);
//! on a pipe `ip` never flushes and loses everything, where netnest writes each line at once.

use std::time::Duration;

use netnest_testkit::Scenario;

use super::*;

/// The wrapper: `sh -c WRAPPER sh MODE PROGRAM ARGS…` with MODE `tty` or `pipe`; `$EVENTS` holds
/// the changes to make and `$LINES` how many lines to wait for.
const WRAPPER: &str = r#"
out=/tmp/monitor.out
mode=$1; shift
case $mode in
tty) script -qfec "exec $*" /dev/null >$out </dev/null 2>&1 & ;;
pipe) "$@" 2>&1 | cat >$out & ;;
esac
i=0
until grep -qs '^inotify wd:' /proc/[0-9]*/fdinfo/*; do
    i=$((i + 1)); [ $i -lt 3000 ] || { echo "no inotify watch" >&2; exit 99; }; sleep 0.01
done
pid=$(grep -ls '^inotify wd:' /proc/[0-9]*/fdinfo/* | head -n 1 | cut -d/ -f3)
eval "$EVENTS" >/dev/null 2>&1
i=0
until [ "$(wc -l <$out)" -ge "$LINES" ]; do
    i=$((i + 1)); [ $i -lt 300 ] || break; sleep 0.01
done
kill "$pid"; wait
cat $out
"#;

/// The changes of docs/ip-netns-behaviour.md, "monitor": add, attach, touch, mkdir, rmdir, rm, del, del, add, del.
const EVENTS: &str = r#"
ip netns add m1
unshare --net sleep 3600 & s=$!
while [ /proc/$s/ns/net -ef /proc/self/ns/net ]; do :; done
ip netns attach m2 $s
touch /run/netns/t; mkdir /run/netns/d; rmdir /run/netns/d; rm /run/netns/t
ip netns del m1; ip netns del m2; ip netns add m1; ip netns del m1
kill $s
"#;

const LINES: [&str; 10] = [
    "add m1",
    "add m2",
    "add t",
    "add d",
    "delete d",
    "delete t",
    "delete m1",
    "delete m2",
    "add m1",
    "delete m1",
];

fn monitored(mode: &str, events: &str, lines: usize) -> Scenario {
    sc().wrap(["sh", "-c", WRAPPER, "sh", mode])
        .env("EVENTS", events)
        .env("LINES", lines.to_string())
        .timeout(Duration::from_secs(60))
}

fn on_tty(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

#[test]
fn same_lines_on_a_terminal() {
    monitored("tty", EVENTS, LINES.len())
        .arg("monitor")
        .expect(Expect::ok().stdout(on_tty(&LINES)));
}

#[test]
fn abbreviation_extra_words_and_json() {
    monitored("tty", "ip netns add x; ip netns del x", 2)
        .opt("-j")
        .args(["m", "extra", "words"])
        .expect(Expect::ok().stdout(on_tty(&["add x", "delete x"])));
}

#[test]
fn makes_the_run_directory() {
    monitored("tty", "touch /run/netns/f", 1)
        .arg("monitor")
        .after("ls -ld /run/netns | cut -c1-10")
        .expect(
            Expect::ok()
                .stdout(on_tty(&["add f"]))
                .after("drwxr-xr-x\n"),
        );
}

#[test]
fn names_are_printed_raw() {
    monitored(
        "tty",
        "touch '/run/netns/a b' \"/run/netns/$(printf 'x\\001y')\"",
        2,
    )
    .arg("monitor")
    .expect(Expect::ok().stdout("add a b\r\nadd x\x01y\r\n"));
}

#[test]
fn read_only_run() {
    sc().setup("mount -o remount,ro /run")
        .arg("monitor")
        .expect(Expect::code(1).stderr("mkdir /run/netns failed: Read-only file system\n"));
}

#[test]
fn name_check_applies() {
    sc().args(["monitor", "a/b"])
        .expect(Expect::code(255).stderr("Invalid netns name \"a/b\"\n"));
}

// ---- Deliberate difference (docs/compatibility.md) ----

/// On a pipe ip's lines wait in its stdio buffer and die with it; netnest writes them as they
/// happen.
#[test]
fn lines_reach_a_pipe_at_once() {
    let lines: String = LINES.iter().map(|l| format!("{l}\n")).collect();
    monitored("pipe", EVENTS, LINES.len())
        .arg("monitor")
        .differs(Expect::ok(), Expect::ok().stdout(lines));
}
