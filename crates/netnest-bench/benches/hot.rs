// SPDX-License-Identifier: MIT OR Apache-2.0
//! Micro-benchmarks of the library's hot paths, with a harness of a few dozen lines (no
//! framework): each case is calibrated to samples of about 5 ms, 11 samples, median and
//! quartiles per operation.
//!
//! ```text
//! cargo bench -p netnest-bench                    # all, in a sandbox it makes itself
//! cargo bench -p netnest-bench -- socket          # the cases whose name contains "socket"
//! # instruction counts, repeatable on a noisy machine (fixed iterations, no calibration):
//! valgrind --tool=callgrind target/release/deps/hot-* --iters 1000 identify
//! ```
//!
//! The cases that need privileges run in a sandbox: the harness re-executes itself under
//! `unshare --mount --net --propagation private` with a tmpfs on `/run`, so nothing touches the
//! host's `/run/netns`.

use std::ffi::OsString;
use std::hint::black_box;
use std::os::fd::AsFd;
use std::process::Command;
use std::time::{Duration, Instant};

use netnest::netlink::{Socket, SocketOptions};
use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{CommandExt, IpRoute, Name, NetNs, Registry};
use netnest_bench::floor::Floor;
use netnest_bench::stats::{human, Summary};

const INSIDE: &str = "NETNEST_HOT_SANDBOX";

struct Harness {
    filter: Vec<String>,
    fixed: Option<u64>,
}

impl Harness {
    fn wants(&self, name: &str) -> bool {
        self.filter.is_empty() || self.filter.iter().any(|w| name.contains(w.as_str()))
    }

    fn bench(&self, name: &str, mut f: impl FnMut()) {
        if !self.wants(name) {
            return;
        }
        if let Some(n) = self.fixed {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            println!(
                "{name:<44} {n} iterations, {}/op",
                human(t.elapsed().as_secs_f64() * 1e6 / n as f64)
            );
            return;
        }
        // Calibrate: how many calls make about 5 ms.
        let mut iters: u64 = 1;
        loop {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            let e = t.elapsed();
            if e >= Duration::from_millis(5) || iters >= 1 << 20 {
                break;
            }
            iters = if e.is_zero() {
                iters * 10
            } else {
                (iters * 6_000_000 / e.as_nanos().max(1) as u64).max(iters + 1)
            };
        }
        let samples: Vec<Duration> = (0..11)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..iters {
                    f();
                }
                t.elapsed() / iters as u32
            })
            .collect();
        let s = Summary::of(&samples);
        println!(
            "{name:<44} {:>10}/op  [{} – {}]  ({iters} per sample)",
            human(s.median),
            human(s.p25),
            human(s.p75)
        );
    }
}

fn sandbox() {
    if std::env::var_os(INSIDE).is_some() {
        if let Err(e) = netnest_bench::sandbox::check() {
            eprintln!("hot: refusing to run: {e}");
            std::process::exit(2);
        }
        return;
    }
    let exe = std::env::current_exe().expect("current_exe");
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let status = Command::new("unshare")
        .args([
            "--mount",
            "--net",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
        ])
        .arg("mount -t tmpfs tmpfs /run && exec \"$@\"")
        .arg("sh")
        .arg(exe)
        .args(args)
        .env(INSIDE, "1")
        .status()
        .expect("unshare");
    std::process::exit(status.code().unwrap_or(1));
}

fn main() {
    sandbox();
    let mut filter = Vec::new();
    let mut fixed = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--iters" => fixed = args.next().and_then(|n| n.parse().ok()),
            _ if a.starts_with('-') => {}
            _ => filter.push(a),
        }
    }
    let h = Harness { filter, fixed };
    let run_dir = "/run/netns";
    let reg = Registry::new(run_dir);
    let names: Vec<Name> = (0..100)
        .map(|i| Name::new(format!("hot{i:03}")).unwrap())
        .collect();
    let spaces: Vec<NetNs> = names.iter().map(|n| reg.add(n).expect("add")).collect();
    let ns = &spaces[99];
    let floor = Floor::new().expect("floor");

    h.bench("Name::new", || {
        drop(black_box(Name::new(black_box("blue"))))
    });
    h.bench("Registry::path", || drop(black_box(reg.path(&names[7]))));
    h.bench("NetNs::current", || drop(NetNs::current().unwrap()));
    h.bench("Registry::open", || drop(reg.open(&names[7]).unwrap()));
    h.bench("NetNs::enter + drop", || drop(ns.enter().unwrap()));
    h.bench("kernel floor: setns + setns back", || {
        floor.run_in(ns.as_fd(), || ()).unwrap()
    });
    h.bench("netnest::run (empty closure)", || {
        netnest::run(ns, || ()).unwrap()
    });
    h.bench("netnest::socket (netlink)", || {
        drop(netnest::socket(ns, AddressFamily::NETLINK, SocketType::RAW, None).unwrap())
    });
    h.bench("kernel floor: setns + socket + setns back", || {
        drop(floor.socket_in(ns.as_fd()).unwrap())
    });
    let worker = netnest::Worker::new(ns).expect("worker");
    h.bench("Worker::run (empty closure)", || worker.run(|| ()).unwrap());
    h.bench("Worker::socket (netlink)", || {
        drop(
            worker
                .socket(AddressFamily::NETLINK, SocketType::RAW, None)
                .unwrap(),
        )
    });
    drop(worker);
    h.bench("netlink Socket::open (here)", || {
        drop(Socket::open().unwrap())
    });
    h.bench("IpRoute::new + link_list (here)", || {
        drop(IpRoute::new().unwrap().link_list().unwrap())
    });
    h.bench("IpRoute::in_netns + link_list", || {
        drop(IpRoute::in_netns(ns).unwrap().link_list().unwrap())
    });
    let mut sock = SocketOptions::new().open().unwrap();
    h.bench("Socket::nsids_of, 100 namespaces", || {
        drop(sock.nsids_of(spaces.iter().map(|s| s.as_fd())).unwrap())
    });
    h.bench("Registry::names, 100 entries", || {
        drop(reg.names().unwrap())
    });
    h.bench("Registry::list, 100 entries", || drop(reg.list().unwrap()));
    h.bench("Registry::identify, 100 entries", || {
        drop(reg.identify(ns).unwrap())
    });
    h.bench("Registry::pids", || drop(reg.pids(&names[99]).unwrap()));
    let mut k = 0u64;
    h.bench("Registry::add + delete (tmpfs)", || {
        k += 1;
        let n = Name::new(format!("hot-add{k}")).unwrap();
        drop(reg.add(&n).unwrap());
        reg.delete(&n).unwrap();
    });
    h.bench("Command::spawn_in(true) + wait", || {
        Command::new("true").spawn_in(ns).unwrap().wait().unwrap();
    });

    // The kernel's cost of RTM_GETNSID grows with the number of nsids assigned in the asking
    // namespace (a linear scan of its nsid table per lookup): the same 1000 lookups, before and
    // after every namespace gets an nsid.
    if h.wants("nsids_of, 1000") {
        let many: Vec<NetNs> = (0..1000).map(|_| NetNs::new().expect("new")).collect();
        h.bench("Socket::nsids_of, 1000 namespaces, no nsids", || {
            drop(sock.nsids_of(many.iter().map(|s| s.as_fd())).unwrap())
        });
        for ns in &many {
            sock.set_nsid(ns, None).expect("set_nsid");
        }
        h.bench("Socket::nsids_of, 1000 namespaces, 1000 nsids", || {
            drop(sock.nsids_of(many.iter().map(|s| s.as_fd())).unwrap())
        });
    }

    drop(spaces);
    for n in &names {
        let _ = reg.delete(n);
    }
}
