// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, crashes of the `netnest` binary: `netnest add`, `delete`, `-all delete`
//! and `attach` are killed with SIGKILL at random points, again and again, on one `/run/netns`
//! inside a sandbox. After every kill:
//!
//! * the state of `/run/netns`, seen from outside (mountinfo and `lstat`, not netnest's own
//!   listing), is one the next command handles: live namespaces mounted exactly once, at worst
//!   stale mode-0 empty files, never a file mounted twice, never the propagation mount stacked or
//!   sharing its parent's peer group;
//! * `netnest add` of the killed command's name behaves exactly as `ip netns add` does in the same
//!   state: both run, one after the other, each in a private copy of the sandbox's mount namespace
//!   (so the mounts one makes do not change the state the other sees), and stdout, stderr, exit
//!   code and what each left in `/run/netns` must agree;
//! * `netnest list` prints what `ip netns list` prints (stdout, stderr, exit code), stale entries
//!   included (`ip` prints `Error: Peer netns reference is invalid.` twice for each);
//! * every fourth kill, `netnest prune` removes exactly the stale entries (and prints their
//!   names), and every live namespace stays.
//!
//! Half of the kills are plain (a random delay after the start, within the command's measured
//! running time); the other half run the command under `strace` with a delay injected after one
//! of the system calls that make the state (`mount`, `open`, `unshare`, `umount2`, `unlinkat`),
//! which widens the windows between two steps to milliseconds, and kill it at a random point.
//!
//! The body runs inside a sandbox (see `reliability_support`): the outer `#[test]` starts this
//! binary again there for the `#[ignore]`d inner test. By hand, at scale:
//! `scripts/stress/cli_run.sh 10 crash`.

mod reliability_support;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reliability_support::{
    argv, figures, finish, inner_allowed, mounts, remove_tree, run, run_inner, scaled, seed, sh,
    show, state, Out, Rng, Sleeper, State, IP, NETNEST, RUN_DIR,
};

const NAMES: [&str; 4] = ["k0", "k1", "k2", "k3"];
const T: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verb {
    Add,
    Attach,
    Delete,
    AllDelete,
}

impl Verb {
    fn words(self, name: &str, pid: u32) -> Vec<OsString> {
        let pid = pid.to_string();
        match self {
            Verb::Add => argv([NETNEST, "add", name]),
            Verb::Attach => argv([NETNEST, "attach", name, &pid]),
            Verb::Delete => argv([NETNEST, "delete", name]),
            Verb::AllDelete => argv([NETNEST, "-all", "delete"]),
        }
    }

    /// The system calls whose completion changes the state, where a delay widens a window.
    fn steps(self) -> &'static [&'static str] {
        match self {
            Verb::Add => &["mount", "open", "unshare", "mkdir"],
            Verb::Attach => &["mount", "open", "mkdir"],
            Verb::Delete | Verb::AllDelete => &["umount2", "unlinkat"],
        }
    }

    /// Whether `out` is a result this command may have when it runs to the end on a state that
    /// another kill left.
    fn finished_ok(self, name: &str, out: &Out) -> bool {
        let exists = format!("Cannot create namespace file \"{RUN_DIR}/{name}\": File exists\n");
        let missing = format!(
            "Cannot remove namespace file \"{RUN_DIR}/{name}\": No such file or directory\n"
        );
        out.stdout.is_empty()
            && match (self, out.code) {
                (_, 0) => out.stderr.is_empty(),
                (Verb::Add | Verb::Attach, 1) => out.stderr == exists.as_bytes(),
                (Verb::Delete, 1) => out.stderr == missing.as_bytes(),
                _ => false,
            }
    }
}

/// How one killed run went.
#[derive(Debug, Default)]
struct Counts {
    kills: usize,
    killed_running: usize,
    killed_traced: usize,
    finished_first: usize,
    widened: usize,
    fresh_dirs: usize,
    stale_seen: usize,
    live_seen: usize,
    adds_compared: usize,
    lists_compared: usize,
    prunes: usize,
    pruned: usize,
    by_verb: BTreeMap<String, usize>,
}

/// Runs `words` and kills it after `delay`; `None` if it was killed, its output if it finished
/// first.
fn kill_after(words: &[OsString], delay: Duration) -> Option<Out> {
    let child = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning netnest");
    let pid = rustix::process::Pid::from_child(&child);
    std::thread::sleep(delay);
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    let out = finish(child, T).unwrap_or_else(|o| panic!("{} hung: {o:?}", show(words)));
    (out.code != 128 + 9).then_some(out)
}

/// Runs `words` under strace with a 3 ms `delay_exit` injected after every call of `syscall`; with
/// `kill_at`, kills the traced command (not strace) that long after its `execve`. Returns how
/// long the command ran after its `execve`, and its output unless it was killed.
fn traced_run(
    words: &[OsString],
    syscall: &str,
    kill_at: Option<Duration>,
) -> (Duration, Option<Out>) {
    let all = traced(words, syscall);
    let mut child = Command::new(&all[0])
        .args(&all[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning strace");
    // strace forks probe children at start-up; the tracee is the child that has exec'd `words`.
    let children = format!("/proc/{0}/task/{0}/children", child.id());
    let deadline = Instant::now() + Duration::from_secs(10);
    let tracee = loop {
        let text = std::fs::read_to_string(&children).unwrap_or_default();
        let found = text.split_whitespace().find(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.split(|&b| b == 0).next() == Some(words[0].as_bytes()))
        });
        if let Some(pid) = found.and_then(|p| p.parse().ok()) {
            break rustix::process::Pid::from_raw(pid);
        }
        // A command that makes none of the delayed calls may come and go between two looks.
        if Instant::now() > deadline || child.try_wait().expect("strace").is_some() {
            break None;
        }
        std::thread::sleep(Duration::from_micros(20));
    };
    let exec = Instant::now();
    if let (Some(delay), Some(pid)) = (kill_at, tracee) {
        std::thread::sleep(delay);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    }
    let out = finish(child, T).unwrap_or_else(|o| panic!("strace {} hung: {o:?}", show(words)));
    let took = exec.elapsed();
    // strace (quiet with -qq) exits with the tracee's status: 128 + 9 when it was killed.
    (took, (out.code != 128 + 9).then_some(out))
}

/// The median running time of `words` (measured by `run_it`) when nobody kills it, each run
/// between `before` and `after`.
fn running_time(
    before: &[OsString],
    words: &[OsString],
    after: &[OsString],
    run_it: impl Fn(&[OsString]) -> (Duration, Out),
) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            run(before, T);
            let (took, out) = run_it(words);
            assert!(out.code == 0, "{}: {out:?}", show(words));
            run(after, T);
            took
        })
        .collect();
    times.sort();
    times[1]
}

/// Runs `words` to the end; returns how long it ran after it was started (as [`kill_after`]
/// counts its delay) and its output.
fn timed_run(words: &[OsString]) -> (Duration, Out) {
    let child = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning netnest");
    let start = Instant::now();
    let out = finish(child, T).expect("hung");
    (start.elapsed(), out)
}

/// `words` under strace with a 3 ms delay after every call of `syscall`.
fn traced(words: &[OsString], syscall: &str) -> Vec<OsString> {
    let mut all = argv(["strace", "-f", "-qq", "-o", "/dev/null", "-e"]);
    all.push(format!("trace={syscall}").into());
    all.push("-e".into());
    all.push(format!("inject={syscall}:delay_exit=3000").into());
    all.push("--".into());
    all.extend(words.iter().cloned());
    all
}

/// The shell script that runs one program's `add NAME` in a private copy of the mount namespace
/// and prints what it left, then undoes a successful add with the same program's `delete`. `$1`
/// is `ip` or `netnest`, `$2` the name.
const ADD_IN_A_COPY: &str = r#"
prog=$1 name=$2 existed=$3
if [ "$prog" = ip ]; then run() { /usr/sbin/ip netns "$@"; }; else run() { "$NETNEST" "$@"; }; fi
run add "$name"
rc=$?
echo "rc=$rc"
find /run/netns -mindepth 1 -maxdepth 1 -printf '%f %y %m %s\n' 2>/dev/null | LC_ALL=C sort
echo "nsfs on $name: $(awk -v p="/run/netns/$name" '$5 == p && / - nsfs /' /proc/self/mountinfo | wc -l)"
echo "nsfs: $(grep -c ' - nsfs ' /proc/self/mountinfo)"
echo "run dir mounts: $(awk '$5 == "/run/netns"' /proc/self/mountinfo | wc -l)"
grep -q ' /run/netns .* shared:' /proc/self/mountinfo && echo "run dir shared"
if [ "$rc" = 0 ]; then run delete "$name" || echo "undo failed"; fi
exit 0
"#;

/// `netnest add NAME` and `ip netns add NAME` in the current state, each in a private copy of the
/// mount namespace: panics unless they agree. The state is unchanged afterwards.
fn add_agrees_with_ip(name: &str) {
    let before = state();
    let existed = Path::new(RUN_DIR).exists();
    let in_copy = |prog: &str| {
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "--", "/bin/sh", "-c"])
            .arg(ADD_IN_A_COPY)
            .args(["sh", prog, name])
            .env("NETNEST", NETNEST)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = finish(cmd.spawn().expect("unshare"), T).expect("add in a copy hung");
        if !existed {
            // The add made the run directory (a mount point only in the copy, gone with it).
            std::fs::remove_dir(RUN_DIR).unwrap();
        }
        out
    };
    let ip = in_copy("ip");
    let nn = in_copy("netnest");
    assert_eq!(
        nn, ip,
        "after a kill, `netnest add {name}` departs from `ip netns add {name}` (netnest, then ip)\n\
         state: {before:#?}"
    );
    let after = state();
    assert_eq!(before, after, "comparing the adds changed the state");
}

/// `netnest list` and `ip netns list` in the current state: stdout, stderr (ip prints
/// `Error: Peer netns reference is invalid.` twice per stale entry) and exit code must agree.
fn list_agrees_with_ip() {
    let ip = run(&argv([IP, "netns", "list"]), T);
    let nn = run(&argv([NETNEST, "list"]), T);
    assert_eq!(nn, ip, "netnest list departs from ip netns list");
}

/// `netnest prune` in the current state: it must remove exactly the stale entries, print their
/// names (one a line), exit 0, and keep every live one (same name, same namespace). Returns how
/// many it removed.
fn prune_removes_exactly_the_stale_entries() -> usize {
    let before = state();
    let out = run(&argv([NETNEST, "prune"]), T);
    assert!(
        out.code == 0 && out.stderr.is_empty(),
        "netnest prune: {out:?}"
    );
    let mut printed: Vec<&[u8]> = out.stdout.split(|&b| b == b'\n').collect();
    assert_eq!(printed.pop(), Some(&b""[..]), "netnest prune: {out:?}");
    printed.sort();
    let stale: Vec<&[u8]> = before.stale().map(|e| e.name.as_bytes()).collect();
    assert_eq!(
        printed, stale,
        "netnest prune printed other names than the stale ones"
    );
    let after = state();
    if let Err(problem) = after.check(false, true) {
        panic!("netnest prune left:\n{problem}\nbefore: {before:#?}");
    }
    let live = |st: &State| -> Vec<(OsString, Option<(u64, u64)>)> {
        st.live().map(|e| (e.name.clone(), e.ns)).collect()
    };
    assert_eq!(
        live(&before),
        live(&after),
        "netnest prune changed the live names"
    );
    stale.len()
}

/// What the kill loop does besides killing and checking.
#[derive(Debug, Clone, Copy)]
struct Extra {
    /// Run `netnest prune` after every this many kills (0: never).
    prune_every: usize,
}

/// The kill loop shared by the CI test and its variants.
fn kill_loop(kills: usize, seed_value: u64, extra: Extra) -> Counts {
    let mut rng = Rng::new(seed(seed_value));
    let sleeper = Sleeper::new();
    let pid = sleeper.pid();
    if std::env::var_os("NETNEST_STRESS_SHARED_RUN").is_some_and(|v| v == "1") {
        // /run as systemd leaves it: shared.
        sh("mount --make-shared /run");
    }

    // How long each command runs when nobody kills it.
    // How long each command runs when nobody kills it, plainly and under each strace delay.
    let add = Verb::Add.words("t", pid);
    let delete = Verb::Delete.words("t", pid);
    let nothing = argv(["true"]);
    let mut times: BTreeMap<(Verb, &str), Duration> = BTreeMap::new();
    for verb in [Verb::Add, Verb::Attach, Verb::Delete, Verb::AllDelete] {
        let words = verb.words("t", pid);
        let (before, after) = match verb {
            Verb::Add | Verb::Attach => (&nothing, &delete),
            Verb::Delete | Verb::AllDelete => (&add, &nothing),
        };
        times.insert((verb, ""), running_time(before, &words, after, timed_run));
        for &syscall in verb.steps() {
            let took = running_time(before, &words, after, |w| {
                let (took, out) = traced_run(w, syscall, None);
                (took, out.expect("not killed"))
            });
            times.insert((verb, syscall), took);
        }
    }
    let typical = |verb: Verb, syscall: &str| times[&(verb, syscall)];

    let mut c = Counts::default();
    let mut history: Vec<String> = Vec::new();
    for k in 0..kills {
        if k % 5 == 0 {
            // One kill in five on a run directory that does not exist yet: the first add's
            // mkdir, bind, make-private and make-shared are in the window.
            remove_tree(Path::new(RUN_DIR));
            c.fresh_dirs += 1;
        }
        let verb = match rng.below(10) {
            0..=3 => Verb::Add,
            4..=5 => Verb::Attach,
            6..=8 => Verb::Delete,
            _ => Verb::AllDelete,
        };
        let name = *rng.pick(&NAMES);
        let words = verb.words(name, pid);
        let traced = rng.chance(1, 2);
        let finished = if !traced {
            let delay = typical(verb, "").mul_f64(rng.below(1000) as f64 / 1000.0);
            history.push(format!("{k}: {} killed after {delay:?}", show(&words[1..])));
            kill_after(&words, delay)
        } else {
            let syscall = *rng.pick(verb.steps());
            let delay = typical(verb, syscall).mul_f64(rng.below(1000) as f64 / 1000.0);
            c.widened += 1;
            history.push(format!(
                "{k}: {} under strace (+3 ms after each {syscall}) killed after {delay:?}",
                show(&words[1..])
            ));
            traced_run(&words, syscall, Some(delay)).1
        };
        c.kills += 1;
        *c.by_verb.entry(format!("{verb:?}")).or_default() += 1;
        match finished {
            None => {
                c.killed_running += 1;
                c.killed_traced += usize::from(traced);
            }
            Some(out) => {
                c.finished_first += 1;
                let ok = verb == Verb::AllDelete || verb.finished_ok(name, &out);
                assert!(
                    ok,
                    "{} ran to its end with an unexpected result: {out:?}\n{}",
                    show(&words),
                    history.join("\n")
                );
            }
        }

        let st: State = state();
        if let Err(problem) = st.check(true, true) {
            panic!(
                "after kill {k} the state is not one the next command handles:\n{problem}\n\
                 history:\n{}",
                history.join("\n")
            );
        }
        c.stale_seen += st.stale().count();
        c.live_seen += st.live().count();

        add_agrees_with_ip(name);
        c.adds_compared += 1;
        list_agrees_with_ip();
        c.lists_compared += 1;
        if extra.prune_every > 0 && k % extra.prune_every == extra.prune_every - 1 {
            c.prunes += 1;
            c.pruned += prune_removes_exactly_the_stale_entries();
        }
    }

    // Whatever the kills left, `-all delete` clears it, and nothing remains mounted.
    let out = run(&argv([NETNEST, "-all", "delete"]), T);
    assert!(out.code == 0, "netnest -all delete at the end: {out:?}");
    let end = state();
    end.check(false, true).unwrap();
    assert!(
        end.entries.is_empty() && end.nsfs_total == 0,
        "left behind: {end:#?}"
    );
    drop(sleeper);
    c
}

#[test]
fn sigkill_add_delete_attach_at_random_points() {
    run_inner("inner_sigkill_at_random_points", Duration::from_secs(120));
}

#[test]
#[ignore = "helper: runs inside the sandbox of sigkill_add_delete_attach_at_random_points"]
fn inner_sigkill_at_random_points() {
    if !inner_allowed("inner_sigkill_at_random_points") {
        return;
    }
    let started = Instant::now();
    let extra = Extra { prune_every: 4 };
    let c = kill_loop(scaled(40), 0x636c_6963_7261_7368, extra);
    figures(
        "crash.sigkill_add_delete_attach_at_random_points",
        &[
            ("kills", c.kills.to_string()),
            ("killed_running", c.killed_running.to_string()),
            ("finished_first", c.finished_first.to_string()),
            ("strace_widened", c.widened.to_string()),
            ("killed_under_strace", c.killed_traced.to_string()),
            ("fresh_dirs", c.fresh_dirs.to_string()),
            ("stale_seen", c.stale_seen.to_string()),
            ("live_seen", c.live_seen.to_string()),
            ("adds_compared_with_ip", c.adds_compared.to_string()),
            ("lists_compared_with_ip", c.lists_compared.to_string()),
            ("prunes", c.prunes.to_string()),
            ("stale_pruned", c.pruned.to_string()),
            ("by_verb", format!("{:?}", c.by_verb)),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

/// A kill of the first `netnest add` between its bind of `/run/netns` onto itself and the
/// `make-private` that follows, with `/run` shared (the systemd default): the bind is left in
/// `/run`'s peer group, the next add only makes it shared (it is already a mount point), and from
/// then on every namespace is mounted twice (`/run/netns/a` and its propagated copy), the very
/// thing iproute2 7.0's make-private step (and netnest's) exists to prevent.
#[test]
fn add_killed_between_bind_and_make_private_under_a_shared_run() {
    run_inner(
        "inner_killed_between_bind_and_private",
        Duration::from_secs(60),
    );
}

#[test]
#[ignore = "helper: runs inside the sandbox of add_killed_between_bind_and_make_private_under_a_shared_run"]
fn inner_killed_between_bind_and_private() {
    if !inner_allowed("inner_killed_between_bind_and_private") {
        return;
    }
    sh("mount --make-shared /run");
    // On a fresh run directory the mounts are: make-shared (EINVAL), bind, make-private,
    // make-shared. Hold the add for 10 s after the bind, kill it as soon as the bind is seen.
    let mut strace = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=mount",
            "-e",
            "inject=mount:delay_exit=10000000:when=2",
            "--",
            NETNEST,
            "add",
            "first",
        ])
        .stdin(Stdio::null())
        .spawn()
        .expect("strace");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !mounts().iter().any(|m| m.point == Path::new(RUN_DIR)) {
        assert!(Instant::now() < deadline, "the bind never happened");
        std::thread::sleep(Duration::from_micros(100));
    }
    let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", strace.id()))
        .unwrap_or_default();
    for pid in children.split_whitespace().filter_map(|p| p.parse().ok()) {
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(pid).unwrap(),
            rustix::process::Signal::KILL,
        );
    }
    // strace would sit out its injected delay before noticing.
    let _ = strace.kill();
    let _ = strace.wait();

    // What the kill left: the run directory bound onto itself, still in /run's peer group, and
    // nothing else (the name's file comes later). The next add must still mount its namespace
    // once.
    let out = run(&argv([NETNEST, "add", "second"]), T);
    assert_eq!(out.code, 0, "{out:?}");
    let st = state();
    let second = st
        .entries
        .iter()
        .find(|e| e.name.as_bytes() == b"second")
        .expect("second exists");
    let report = format!("{st:#?}");
    assert_eq!(
        second.nsfs_mounts, 1,
        "second mounted more than once: {report}"
    );
    assert_eq!(st.nsfs_total, 1, "{report}");
    st.check(false, false).unwrap();
}

/// A run directory that `ip netns add` 6.1 prepared under a shared `/run`: bound onto itself and
/// made shared, without the make-private step, so it stays in `/run`'s peer group. netnest's next
/// add repairs it (private, then shared) and its namespace is mounted once.
#[test]
fn run_dir_prepared_by_ip_under_a_shared_run_is_repaired() {
    run_inner("inner_run_dir_prepared_by_ip", Duration::from_secs(60));
}

#[test]
#[ignore = "helper: runs inside the sandbox of run_dir_prepared_by_ip_under_a_shared_run_is_repaired"]
fn inner_run_dir_prepared_by_ip() {
    if !inner_allowed("inner_run_dir_prepared_by_ip") {
        return;
    }
    sh("mount --make-shared /run");
    let out = run(&argv([IP, "netns", "add", "by-ip"]), T);
    assert_eq!(out.code, 0, "{out:?}");
    let before = state();
    assert!(
        before
            .dir_mounts
            .iter()
            .any(|m| m.peer_group().is_some()
                && m.peer_group() == before.parent_peer_group.as_deref()),
        "ip 6.1 leaves the run directory in /run's peer group: {before:#?}"
    );
    let out = run(&argv([NETNEST, "add", "by-netnest"]), T);
    assert_eq!(out.code, 0, "{out:?}");
    let st = state();
    let report = format!("{st:#?}");
    let ours = st
        .entries
        .iter()
        .find(|e| e.name.as_bytes() == b"by-netnest")
        .expect("by-netnest exists");
    assert_eq!(ours.nsfs_mounts, 1, "mounted more than once: {report}");
    // ip's own name, made before the repair, keeps its propagated copy; the directory itself no
    // longer shares /run's peer group.
    let top = st
        .dir_mounts
        .last()
        .expect("the run directory is a mount point");
    assert_ne!(
        top.peer_group(),
        st.parent_peer_group.as_deref(),
        "{report}"
    );
    assert!(top.peer_group().is_some(), "still shared: {report}");
    // And ip's later adds follow: mounted once too.
    let out = run(&argv([IP, "netns", "add", "by-ip-after"]), T);
    assert_eq!(out.code, 0, "{out:?}");
    let st = state();
    let after = st
        .entries
        .iter()
        .find(|e| e.name.as_bytes() == b"by-ip-after")
        .expect("by-ip-after exists");
    assert_eq!(after.nsfs_mounts, 1, "{st:#?}");
}

/// A `delete` that starts while an `add` of the same name has made its file but not yet bound its
/// namespace on it, and unlinks after the bind. Without the run directory's lock around both, the
/// delete's unmount found nothing, the add's bind landed, and the delete's unlink failed with
/// `EBUSY` (the 8 × 60 race of scripts/stress/add_delete_race.sh, made certain with delays).
/// Now the delete waits for the add: both succeed, as if one ran after the other.
#[test]
fn delete_racing_an_add_of_the_same_name_is_serialized() {
    run_inner("inner_delete_racing_add", Duration::from_secs(60));
}

#[test]
#[ignore = "helper: runs inside the sandbox of delete_racing_an_add_of_the_same_name_is_serialized"]
fn inner_delete_racing_add() {
    if !inner_allowed("inner_delete_racing_add") {
        return;
    }
    // The run directory exists and is a shared mount: the add's mounts are then make-shared,
    // then the namespace's bind (the 2nd), held for 1 s.
    assert_eq!(run(&argv([NETNEST, "add", "first"]), T).code, 0);
    let traced = |inject: &str, words: &[&str]| {
        Command::new("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "-e", inject])
            .arg("--")
            .args(words)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("strace")
    };
    let add = traced(
        "inject=mount:delay_enter=1000000:when=2",
        &[NETNEST, "add", "raced"],
    );
    // Until the add's file exists (it waits at its bind then).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new("/run/netns/raced").exists() {
        assert!(Instant::now() < deadline, "the add never made its file");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The delete's unlink is held 1.5 s: past the add's bind, if the delete does not wait.
    let delete = traced(
        "inject=unlink,unlinkat:delay_enter=1500000",
        &[NETNEST, "delete", "raced"],
    );
    let add = finish(add, T).expect("add finished");
    let delete = finish(delete, T).expect("delete finished");
    assert_eq!((add.code, &add.stderr[..]), (0, &b""[..]), "add: {add:?}");
    assert_eq!(
        (delete.code, &delete.stderr[..]),
        (0, &b""[..]),
        "delete: {delete:?}"
    );
    let st = state();
    assert!(
        !st.entries.iter().any(|e| e.name.as_bytes() == b"raced"),
        "{st:#?}"
    );
    assert_eq!(st.nsfs_total, 1, "only `first` is mounted: {st:#?}");
    st.check(false, false).unwrap();
}
