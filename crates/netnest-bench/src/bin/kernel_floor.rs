//! The kernel floor on its own, to look at with `strace` or `perf`: only the system calls of a
//! named create and delete, an anonymous create, a socket and an empty closure inside a
//! namespace (see `netnest_bench::floor`), each repeated N times, medians printed.
//!
//! ```text
//! unshare --mount --net --propagation private -- sh -c \
//!     'mount -t tmpfs tmpfs /run && strace -c kernel-floor /run/netns 100'
//! ```
//!
//! This program uses no netnest code: rustix only, on the main thread.

use std::ffi::CString;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use netnest_bench::floor::Floor;
use netnest_bench::stats::{human, Summary};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/run/netns".into()));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let cdir = CString::new(dir.as_os_str().as_bytes())?;
    Floor::prepare_dir(&cdir)?;
    let floor = Floor::new()?;
    let (mut add, mut del, mut anon, mut sock, mut run) = (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let path = CString::new(dir.join(format!("floor{i}")).as_os_str().as_bytes())?;
        let t = Instant::now();
        floor.add(&path)?;
        add.push(t.elapsed());
        let t = Instant::now();
        floor.delete(&path)?;
        del.push(t.elapsed());
        let t = Instant::now();
        let ns = floor.new_anonymous()?;
        anon.push(t.elapsed());
        let t = Instant::now();
        drop(floor.socket_in(ns.as_fd())?);
        sock.push(t.elapsed());
        let t = Instant::now();
        floor.run_in(ns.as_fd(), || ())?;
        run.push(t.elapsed());
    }
    let show = |what: &str, v: &[Duration]| {
        let s = Summary::of(v);
        println!(
            "{what:<28} median {:>10}  (±{:.0}%, n={})",
            human(s.median),
            s.spread() * 100.0,
            s.n
        );
    };
    show("named create", &add);
    show("named delete", &del);
    show("anonymous create", &anon);
    show("socket inside", &sock);
    show("empty closure inside", &run);
    Ok(())
}
