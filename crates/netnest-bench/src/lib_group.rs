//! The library against the kernel floor, same directory, interleaved.

use std::hint::black_box;
use std::os::fd::OwnedFd;
use std::time::Instant;

use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{Name, NetNs, Registry};

use crate::report::Row;
use crate::stats::Samples;
use crate::{floor, settle, Config};

/// Named create + delete, socket inside, closure inside.
pub fn run(cfg: &Config, rows: &mut Vec<Row>) {
    for dir in cfg.run_dirs() {
        create_delete(cfg, &dir, rows);
    }
    let target = NetNs::new().expect("a namespace");
    let target_fd: OwnedFd = target.try_clone().expect("dup").into_fd();
    let original = floor::current();
    let (mut ours, mut theirs) = (Samples::default(), Samples::default());
    let (mut ours_run, mut theirs_run) = (Samples::default(), Samples::default());
    for _ in 0..cfg.rounds * 20 {
        let t = Instant::now();
        black_box(netnest::socket(&target, AddressFamily::NETLINK, SocketType::RAW, None).unwrap());
        ours.push(t.elapsed());
        let t = Instant::now();
        black_box(floor::socket(&target_fd, &original));
        theirs.push(t.elapsed());
        let t = Instant::now();
        black_box(netnest::run(&target, || black_box(1)).unwrap());
        ours_run.push(t.elapsed());
        let t = Instant::now();
        black_box(floor::run(&target_fd, &original, || black_box(1)));
        theirs_run.push(t.elapsed());
    }
    rows.push(Row {
        group: "lib",
        case: "socket inside a namespace (netnest::socket)".into(),
        ours,
        peer: "floor: setns+socket+setns",
        theirs,
        target: None,
    });
    rows.push(Row {
        group: "lib",
        case: "closure inside a namespace (netnest::run)".into(),
        ours: ours_run,
        peer: "floor: setns+f+setns",
        theirs: theirs_run,
        target: None,
    });
}

fn create_delete(cfg: &Config, dir: &std::path::Path, rows: &mut Vec<Row>) {
    let reg = Registry::new(dir);
    // Make the directory a shared mount once (as the first add would), so both sides start equal.
    let warm = Name::new("warm").unwrap();
    reg.add(&warm).expect("add");
    reg.delete(&warm).expect("delete");
    let original = floor::current();
    let (mut add, mut add_floor, mut del, mut del_floor) = (
        Samples::default(),
        Samples::default(),
        Samples::default(),
        Samples::default(),
    );
    let per_round = 20;
    for round in 0..cfg.rounds {
        for i in 0..per_round {
            let name = Name::new(format!("lib-{round}-{i}")).unwrap();
            let t = Instant::now();
            drop(reg.add(&name).expect("add"));
            add.push(t.elapsed());
            let path = dir.join(format!("floor-{round}-{i}"));
            let t = Instant::now();
            floor::create(&path, &original);
            add_floor.push(t.elapsed());
            let t = Instant::now();
            reg.delete(&name).expect("delete");
            del.push(t.elapsed());
            let t = Instant::now();
            floor::delete(&path);
            del_floor.push(t.elapsed());
        }
        settle(cfg);
    }
    let label = if dir.starts_with("/run") {
        "tmpfs"
    } else {
        "ext4"
    };
    rows.push(Row {
        group: "lib",
        case: format!("create a named namespace ({label})"),
        ours: add,
        peer: "kernel floor, same dir",
        theirs: add_floor,
        target: Some((1.15, false)),
    });
    rows.push(Row {
        group: "lib",
        case: format!("delete a named namespace ({label})"),
        ours: del,
        peer: "kernel floor, same dir",
        theirs: del_floor,
        target: None,
    });
}
