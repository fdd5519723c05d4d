// SPDX-License-Identifier: MIT OR Apache-2.0
//! Reliability, leaks and thread safety:
//!
//! * tens of thousands of operations (handles, `run`, `socket`, enter guards, add/delete in a
//!   private registry, new namespaces) leave the fd count exactly flat and the resident memory
//!   within a small bound;
//! * ten thousand enter-guard cycles, half of them unwinding from a panic, nested ones too, always
//!   put the thread back;
//! * many threads at once, and a fixed pool of "runtime worker" threads running a thousand jobs,
//!   use `run` and `socket` on several namespaces: every socket is in the namespace asked for, no
//!   pool thread is ever seen in another namespace, and afterwards no thread of the process is.
//!
//! (The tokio version of the last part comes with the library's tokio feature.)

mod reliability_support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{Name, NetNs, NsId};
use reliability_support::{
    fd_count, figures, fresh_registry, quietly, rss_bytes, scaled, seed, thread_namespaces, Rng,
};

/// The namespace of the calling thread, without opening anything (a `stat`).
fn here() -> NsId {
    let st = netnest::rustix::fs::stat("/proc/thread-self/ns/net").unwrap();
    NsId {
        dev: st.st_dev,
        ino: st.st_ino,
    }
}

fn fds_and_memory_stay_flat() {
    let started = Instant::now();
    let cycles = scaled(6_000);
    let warmup = 500;
    let ns = NetNs::new().unwrap();
    let fresh = fresh_registry("leaks");
    let reg = &fresh.reg;
    let original = here();
    let mut ops = 0usize;
    let mut cycle = |i: usize| {
        drop(NetNs::current().unwrap());
        drop(NetNs::from_path("/proc/self/ns/net").unwrap());
        drop(ns.try_clone().unwrap());
        assert_eq!(netnest::run(&ns, here).unwrap(), ns.id());
        let sock = netnest::socket(&ns, AddressFamily::INET, SocketType::DGRAM, None).unwrap();
        assert_eq!(NetNs::of_socket(&sock).unwrap(), ns);
        drop(sock);
        {
            let _in = ns.enter().unwrap();
            assert_eq!(here(), ns.id());
        }
        assert_eq!(here(), original);
        ops += 8;
        if i % 10 == 0 {
            let name = Name::new(format!("l{}", i % 7)).unwrap();
            let made = reg.add(&name).unwrap();
            assert_eq!(reg.open(&name).unwrap(), made);
            assert_eq!(reg.identify(&made).unwrap().len(), 1);
            reg.delete(&name).unwrap();
            assert!(reg.list().unwrap().is_empty());
            ops += 5;
        }
        if i % 25 == 0 {
            drop(NetNs::new().unwrap());
            ops += 1;
        }
    };
    for i in 0..warmup {
        cycle(i);
    }
    let (fd0, rss0) = (fd_count(), rss_bytes());
    let (mut rss_max, mut fd_max) = (rss0, fd0);
    for i in warmup..warmup + cycles {
        cycle(i);
        if i % 500 == 0 {
            let (fd, rss) = (fd_count(), rss_bytes());
            assert_eq!(fd, fd0, "after {i} cycles: fds grew from {fd0} to {fd}");
            fd_max = fd_max.max(fd);
            rss_max = rss_max.max(rss);
        }
    }
    let (fd1, rss1) = (fd_count(), rss_bytes());
    assert_eq!(fd1, fd0, "fds grew from {fd0} to {fd1}");
    let bound = 4 << 20;
    assert!(
        rss1 <= rss0 + bound,
        "resident memory grew from {rss0} to {rss1} bytes (bound {bound})"
    );
    figures(
        "leaks",
        &[
            ("operations", ops.to_string()),
            ("fds_before", fd0.to_string()),
            ("fds_after", fd1.to_string()),
            ("fds_max", fd_max.to_string()),
            ("rss_kib_before", (rss0 >> 10).to_string()),
            ("rss_kib_after", (rss1 >> 10).to_string()),
            ("rss_kib_max", (rss_max >> 10).to_string()),
            ("failures", "0".into()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

fn enter_guard_cycles_with_panics_always_restore() {
    let started = Instant::now();
    let cycles = scaled(10_000);
    let spaces: Vec<NetNs> = (0..3).map(|_| NetNs::new().unwrap()).collect();
    let original = here();
    let mut rng = Rng::new(seed(0x6e65_746e_6573_7405));
    let mut panics = 0usize;
    quietly(|| {
        for i in 0..cycles {
            let a = &spaces[rng.below(spaces.len())];
            let b = &spaces[rng.below(spaces.len())];
            let nested = i % 10 == 0;
            let panic_now = i % 2 == 1;
            let r = std::panic::catch_unwind(|| {
                let _outer = a.enter().unwrap();
                assert_eq!(here(), a.id());
                if nested {
                    let _inner = b.enter().unwrap();
                    assert_eq!(here(), b.id());
                    if panic_now {
                        panic!("unwinding through two guards");
                    }
                }
                assert_eq!(here(), a.id());
                if panic_now {
                    panic!("unwinding through a guard");
                }
            });
            assert_eq!(r.is_err(), panic_now, "cycle {i}");
            panics += usize::from(panic_now);
            assert_eq!(here(), original, "cycle {i}: the thread was not put back");
        }
    });
    figures(
        "enter-guard",
        &[
            ("cycles", cycles.to_string()),
            ("panics", panics.to_string()),
            ("nested", (cycles / 10).to_string()),
            ("failures", "0".into()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

fn threads_land_in_the_namespaces_they_ask_for() {
    let started = Instant::now();
    let threads = 16;
    let per_thread = scaled(150);
    let jobs = scaled(1000);
    let pool = 4;
    let spaces: Vec<NetNs> = (0..4).map(|_| NetNs::new().unwrap()).collect();
    let original = here();
    let checked = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let strays = Mutex::new(Vec::<String>::new());
    let mut rng = Rng::new(seed(0x6e65_746e_6573_7406));
    std::thread::scope(|s| {
        // A watcher: no pool thread may ever be seen outside the original namespace.
        let watcher = s.spawn(|| {
            let mut scans = 0usize;
            while !done.load(Ordering::Relaxed) {
                for (tid, ino, comm) in thread_namespaces() {
                    if ino != original.ino && comm.starts_with("pool-") {
                        strays
                            .lock()
                            .unwrap()
                            .push(format!("{comm} ({tid}) in net:[{ino}]"));
                    }
                }
                scans += 1;
            }
            scans
        });
        // Plain threads: sockets, run, and enter guards on their own thread.
        let mut handles = Vec::new();
        for t in 0..threads {
            let mut r = rng.fork();
            let (spaces, checked) = (&spaces, &checked);
            handles.push(
                std::thread::Builder::new()
                    .name(format!("user-{t}"))
                    .spawn_scoped(s, move || {
                        for _ in 0..per_thread {
                            let ns = &spaces[r.below(spaces.len())];
                            let sock =
                                netnest::socket(ns, AddressFamily::NETLINK, SocketType::RAW, None)
                                    .unwrap();
                            assert_eq!(NetNs::of_socket(&sock).unwrap(), *ns);
                            let other = &spaces[r.below(spaces.len())];
                            assert_eq!(netnest::run(other, here).unwrap(), other.id());
                            if r.chance(1, 4) {
                                let _in = ns.enter().unwrap();
                                assert_eq!(here(), ns.id());
                            }
                            assert_eq!(here(), original);
                            checked.fetch_add(3, Ordering::Relaxed);
                        }
                    })
                    .unwrap(),
            );
        }
        // A fixed pool, as a runtime has: jobs from a queue; the workers never change namespace.
        let (tx, rx) = mpsc::channel::<(usize, usize)>();
        let rx = Arc::new(Mutex::new(rx));
        let mut workers = Vec::new();
        for w in 0..pool {
            let (rx, spaces, checked) = (rx.clone(), &spaces, &checked);
            workers.push(
                std::thread::Builder::new()
                    .name(format!("pool-{w}"))
                    .spawn_scoped(s, move || loop {
                        let job = rx.lock().unwrap().recv();
                        let Ok((a, b)) = job else { break };
                        let sock = netnest::socket(
                            &spaces[a],
                            AddressFamily::INET6,
                            SocketType::DGRAM,
                            None,
                        )
                        .unwrap();
                        assert_eq!(NetNs::of_socket(&sock).unwrap(), spaces[a]);
                        assert_eq!(netnest::run(&spaces[b], here).unwrap(), spaces[b].id());
                        assert_eq!(here(), original, "a pool thread changed namespace");
                        checked.fetch_add(2, Ordering::Relaxed);
                    })
                    .unwrap(),
            );
        }
        for _ in 0..jobs {
            tx.send((rng.below(spaces.len()), rng.below(spaces.len())))
                .unwrap();
        }
        drop(tx);
        for h in handles.into_iter().chain(workers) {
            h.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        let scans = watcher.join().unwrap();
        println!("thread-scan: {scans} scans of /proc/self/task");
    });
    let strays = strays.into_inner().unwrap();
    assert!(strays.is_empty(), "pool threads seen elsewhere: {strays:?}");
    // Afterwards, every thread of the process is where it started.
    let elsewhere: Vec<_> = thread_namespaces()
        .into_iter()
        .filter(|(_, ino, _)| *ino != original.ino)
        .collect();
    assert!(
        elsewhere.is_empty(),
        "threads left in other namespaces: {elsewhere:?}"
    );
    figures(
        "threads",
        &[
            ("threads", threads.to_string()),
            ("pool_threads", pool.to_string()),
            ("jobs", jobs.to_string()),
            ("namespaces", spaces.len().to_string()),
            ("checks", checked.load(Ordering::Relaxed).to_string()),
            ("failures", "0".into()),
            ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    );
}

netnest_testkit::main!(
    fds_and_memory_stay_flat,
    enter_guard_cycles_with_panics_always_restore,
    threads_land_in_the_namespaces_they_ask_for,
);
