// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, concurrency: many processes and threads creating, opening and deleting
//! overlapping names in one registry at once, starting on a run directory that does not exist yet
//! (the race of Debian bug 949235); and netnest and `ip netns` working on `/run/netns` at once.
//!
//! Every operation must succeed or fail with an error that the race explains (see
//! `reliability_support::outcome`), and afterwards the run directory must hold exactly one
//! propagation mount, every name must be a live namespace with exactly one nsfs mount, and
//! nothing else may be left. The whole binary runs in the test kit's sandbox.

mod reliability_support;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use netnest::{CreateMode, Name, NetNs, Registry};
use reliability_support::{
    figures, fork_worker, fresh_registry, mounts_at, mounts_under, remove_default_run_dir,
    run_dir_state, scaled, seed, Rng, StartGate, Tally, Verb,
};

const PROCS: usize = 8;
const THREADS: usize = 4;
const NAMES: usize = 6;

/// One thread's share: random operations on a small pool of names, the first one an add.
fn random_ops(reg: &Registry, names: &[Name], rng: &mut Rng, ops: usize) -> Tally {
    let mut t = Tally::default();
    let pid = std::process::id();
    for i in 0..ops {
        let n = &names[rng.below(names.len())];
        let pick = if i == 0 { 0 } else { rng.below(12) };
        match pick {
            0..=2 => t.record(Verb::Add, &reg.add(n)),
            3..=5 => t.record(Verb::Delete, &reg.delete(n)),
            6..=7 => {
                let opened = reg.open(n);
                if let Ok(ns) = &opened {
                    // A name opens a network namespace, and identify works meanwhile.
                    if let Err(e) = reg.identify(ns) {
                        t.unexpected.push(format!("identify: {e}"));
                    }
                }
                t.record(Verb::Open, &opened)
            }
            8 => t.record(Verb::CreateOrOpen, &reg.create(n, CreateMode::CreateOrOpen)),
            9 => t.record(Verb::Attach, &reg.attach(n, pid)),
            _ => match reg.list() {
                Ok(entries) => {
                    for e in entries {
                        if !names.iter().any(|n| n.as_os_str() == e.name) {
                            t.unexpected
                                .push(format!("list: a name nobody made: {:?}", e.name));
                        }
                    }
                    t.ok("List")
                }
                Err(e) => t.unexpected.push(format!("list: {e}")),
            },
        }
    }
    t
}

fn processes_and_threads_share_a_fresh_registry() {
    let started = Instant::now();
    let rounds = scaled(10);
    let ops_per_thread = 50;
    let mut rng = Rng::new(seed(0x6e65_746e_6573_7401));
    let mut all = Tally::default();
    for round in 0..rounds {
        let fresh = fresh_registry("conc");
        let reg = &fresh.reg;
        assert!(!reg.dir().exists());
        let names: Vec<Name> = (0..NAMES)
            .map(|i| Name::new(format!("n{i}")).unwrap())
            .collect();
        let mut gate = StartGate::new();
        let workers: Vec<_> = (0..PROCS)
            .map(|_| {
                let mut wrng = rng.fork();
                let (gate, names) = (&mut gate, &names);
                fork_worker(move |out| {
                    let mut rngs: Vec<Rng> = (0..THREADS).map(|_| wrng.fork()).collect();
                    gate.wait();
                    let mut tally = Tally::default();
                    std::thread::scope(|s| {
                        let handles: Vec<_> = rngs
                            .iter_mut()
                            .map(|r| s.spawn(move || random_ops(reg, names, r, ops_per_thread)))
                            .collect();
                        for h in handles {
                            tally.merge(h.join().unwrap());
                        }
                    });
                    tally.write(out);
                })
            })
            .collect();
        gate.open();
        let mut round_tally = Tally::default();
        for w in workers {
            let ended = w.wait();
            ended.assert_success("a worker");
            round_tally.merge(Tally::parse(&ended.report));
        }
        assert_eq!(
            round_tally.total(),
            PROCS * THREADS * ops_per_thread,
            "every operation reported"
        );
        assert!(
            round_tally.unexpected.is_empty(),
            "round {round}: unexpected outcomes:\n{}",
            round_tally.unexpected.join("\n")
        );
        let state = run_dir_state(reg);
        if let Err(why) = state.check(false) {
            panic!("round {round}: {why}\n{state:#?}");
        }
        assert_eq!(state.dir_mounts.len(), 1, "one propagation mount");
        // Clean up with the library itself: one delete per name is enough.
        for e in &state.entries {
            reg.delete(&Name::new(e.name.clone()).unwrap()).unwrap();
        }
        let left: Vec<_> = mounts_under(reg.dir())
            .into_iter()
            .filter(|m| m.point != reg.dir())
            .collect();
        assert!(left.is_empty(), "{left:?}");
        all.merge(round_tally);
    }
    figures(
        "concurrency",
        &[
            ("rounds", rounds.to_string()),
            ("processes", PROCS.to_string()),
            ("threads", (PROCS * THREADS).to_string()),
            ("names", NAMES.to_string()),
            ("operations", all.total().to_string()),
            ("failures", all.unexpected.len().to_string()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
            ("outcomes", all.summary()),
        ],
    );
}

/// Runs `/usr/sbin/ip ARGS`; returns the exit code and stderr.
fn ip(args: &[&str]) -> (i32, String) {
    let out = Command::new("/usr/sbin/ip").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ip_list() -> BTreeSet<OsString> {
    let out = Command::new("/usr/sbin/ip")
        .args(["netns", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "ip netns list complains (stale entries?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| OsString::from(l.split(" (id:").next().unwrap()))
        .collect()
}

/// Phase A: netnest threads and `ip netns add` processes add the same names at once, on a fresh
/// `/run/netns` (both take the same flock for the first creation). Phase B: both delete them at
/// once. After each phase both tools see the same names, every one live and mounted once.
fn netnest_and_ip_agree_on_one_directory() {
    let started = Instant::now();
    let rounds = scaled(2);
    let per_round = 24;
    let mut rng = Rng::new(seed(0x6e65_746e_6573_7402));
    let (mut ip_calls, mut nn_calls) = (0usize, 0usize);
    let reg = Registry::default();
    for round in 0..rounds {
        remove_default_run_dir();
        let names: Vec<String> = (0..per_round).map(|i| format!("ia{round}-{i}")).collect();
        let order = |rng: &mut Rng| {
            let mut v: Vec<usize> = (0..per_round).collect();
            for i in (1..v.len()).rev() {
                v.swap(i, rng.below(i + 1));
            }
            v
        };
        for phase in ["add", "delete"] {
            let ip_ok = Mutex::new(0usize);
            let nn_ok = Mutex::new(0usize);
            let problems = Mutex::new(Vec::<String>::new());
            let orders: Vec<Vec<usize>> = (0..4).map(|_| order(&mut rng)).collect();
            std::thread::scope(|s| {
                for (t, ord) in orders.iter().enumerate() {
                    let (names, ip_ok, nn_ok, problems, reg) =
                        (&names, &ip_ok, &nn_ok, &problems, &reg);
                    s.spawn(move || {
                        for &i in ord {
                            let n = &names[i];
                            if t % 2 == 0 {
                                let (code, err) = ip(&["netns", phase, n]);
                                let expected_failure = if phase == "add" {
                                    format!("Cannot create namespace file \"/run/netns/{n}\": File exists\n")
                                } else {
                                    format!("Cannot remove namespace file \"/run/netns/{n}\": No such file or directory\n")
                                };
                                match code {
                                    0 => *ip_ok.lock().unwrap() += 1,
                                    1 if err == expected_failure => {}
                                    _ => problems
                                        .lock()
                                        .unwrap()
                                        .push(format!("ip netns {phase} {n}: rc {code}: {err}")),
                                }
                            } else {
                                let name = Name::new(n.as_str()).unwrap();
                                let (verb, r) = if phase == "add" {
                                    (Verb::Add, reg.add(&name).map(drop))
                                } else {
                                    (Verb::Delete, reg.delete(&name))
                                };
                                match reliability_support::outcome(verb, &r) {
                                    Ok("ok") => *nn_ok.lock().unwrap() += 1,
                                    Ok("exists") if phase == "add" => {}
                                    Ok("missing") if phase == "delete" => {}
                                    other => problems.lock().unwrap().push(format!(
                                        "netnest {phase} {n}: {other:?} {:?}",
                                        r.err()
                                    )),
                                }
                            }
                            // Reads in between, by both: they must never fail outright.
                            if i % 6 == 0 {
                                if let Err(e) = reg.list() {
                                    problems.lock().unwrap().push(format!("list: {e}"));
                                }
                            }
                        }
                    });
                }
            });
            let problems = problems.into_inner().unwrap();
            assert!(
                problems.is_empty(),
                "round {round} {phase}:\n{}",
                problems.join("\n")
            );
            let (ip_ok, nn_ok) = (ip_ok.into_inner().unwrap(), nn_ok.into_inner().unwrap());
            assert_eq!(
                ip_ok + nn_ok,
                per_round,
                "each name {phase}ed exactly once (ip {ip_ok}, netnest {nn_ok})"
            );
            ip_calls += 2 * per_round;
            nn_calls += 2 * per_round;
            // Both tools see the same names.
            let seen_by_ip = ip_list();
            let seen_by_netnest: BTreeSet<OsString> = reg.names().unwrap().into_iter().collect();
            assert_eq!(seen_by_ip, seen_by_netnest, "round {round} after {phase}");
            let state = run_dir_state(&reg);
            if let Err(why) = state.check(false) {
                panic!("round {round} after {phase}: {why}\n{state:#?}");
            }
            assert_eq!(mounts_at(reg.dir()).len(), 1, "one propagation mount");
            if phase == "add" {
                assert_eq!(seen_by_ip.len(), per_round);
                // netnest opens what ip made, and ip enters what netnest made: the same namespace.
                for n in names.iter().step_by(6) {
                    let ns = reg.open(&Name::new(n.as_str()).unwrap()).unwrap();
                    let out = Command::new("/usr/sbin/ip")
                        .args(["netns", "exec", n, "readlink", "/proc/self/ns/net"])
                        .output()
                        .unwrap();
                    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), ns.to_string());
                    assert_ne!(ns, NetNs::current().unwrap());
                }
            } else {
                assert!(seen_by_ip.is_empty());
            }
        }
    }
    remove_default_run_dir();
    figures(
        "concurrency-ip",
        &[
            ("rounds", rounds.to_string()),
            ("ip_processes", ip_calls.to_string()),
            ("netnest_operations", nn_calls.to_string()),
            ("threads", "4".into()),
            ("failures", "0".into()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

netnest_testkit::main!(
    processes_and_threads_share_a_fresh_registry,
    netnest_and_ip_agree_on_one_directory,
);
