// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel floor on its own.
//!
//! As a command, the floor of `ip netns …` (only the system calls of `ip`'s semantics, see
//! `netnest_bench::floor::cli`; the C runtime's entry point, no Rust runtime set-up):
//!
//! ```text
//! kernel-floor noop                          # start and exit
//! kernel-floor add DIR/NAME                  # ip netns add NAME
//! kernel-floor delete DIR/NAME               # ip netns delete NAME
//! kernel-floor exec DIR/NAME CMD [ARGS]...   # ip netns exec NAME CMD...
//! kernel-floor exec-cgroup DIR/NAME CMD...   # the same, keeping the cgroup mounts (as netnest)
//! ```
//!
//! As a program to look at with `strace` or `perf`: the library-level floor (named create and
//! delete, anonymous create, a socket and an empty closure inside a namespace, on one thread), N
//! times each, medians printed:
//!
//! ```text
//! unshare --mount --net --propagation private -- sh -c 'mount -t tmpfs tmpfs /run &&
//!     NETNEST_BENCH_SANDBOX=$(stat -L -c %i /proc/self/ns/mnt) strace -c kernel-floor bench /run/netns 100'
//! ```
//!
//! It refuses to mount anything unless `NETNEST_BENCH_SANDBOX` names its own mount namespace (the
//! driver sets it after checking its sandbox), so a stray run cannot touch the host.
//!
//! No netnest code runs here: rustix (and libc's `execvp`) only, on the main thread.
#![no_main]

use std::ffi::{CString, OsString};
use std::os::fd::AsFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netnest_bench::floor::{cli, Floor};
use netnest_bench::stats::{human, Summary};

/// The C entry point (no Rust runtime set-up, as the `netnest` command). The arguments come from
/// `argv` itself: `std::env::args_os` is empty without Rust's `main` on musl (glibc alone hands
/// them to the standard library before `main`).
// `no_mangle` counts as unsafe code: this is the program's only `main`.
#[allow(unsafe_code)]
#[no_mangle]
extern "C" fn main(argc: i32, argv: *const *const std::ffi::c_char) -> i32 {
    let args: Vec<OsString> = (1..usize::try_from(argc).unwrap_or(0))
        .map(|i| {
            // SAFETY: the C runtime passes `argc` valid NUL-terminated strings in `argv`.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            OsString::from_vec(arg.to_bytes().to_vec())
        })
        .collect();
    // Everything but `noop` mounts or makes namespaces: only in the bench's sandbox.
    if args.first().is_some_and(|a| a != "noop") {
        if let Err(e) = netnest_bench::sandbox::check_marked() {
            eprintln!("kernel-floor: refusing to run: {e}");
            return 2;
        }
    }
    let c = |s: &OsString| CString::new(s.as_bytes()).expect("no NUL in arguments");
    let result = match args.first().map(|s| s.as_bytes()) {
        Some(b"noop") => Ok(()),
        Some(b"add") if args.len() == 2 => {
            let path = Path::new(&args[1]);
            let dir = path.parent().unwrap_or(Path::new("/"));
            cli::add(&c(&dir.as_os_str().to_owned()), &c(&args[1]))
        }
        Some(b"delete") if args.len() == 2 => cli::delete(&c(&args[1])),
        Some(verb @ (b"exec" | b"exec-cgroup")) if args.len() >= 3 => {
            let path = Path::new(&args[1]);
            let name = path.file_name().unwrap_or_default().to_owned();
            let mut etc = OsString::from("/etc/netns/");
            etc.push(&name);
            let keep = verb == b"exec-cgroup";
            let argv: Vec<CString> = args[2..].iter().map(c).collect();
            cli::exec_env(&c(&args[1]), &c(&name), &c(&etc), keep).map(|()| {
                let e = cli::execvp(&argv);
                eprintln!("kernel-floor: exec: {e}");
                std::process::exit(1)
            })
        }
        Some(b"bench") => bench(args.get(1), args.get(2)),
        _ => {
            eprintln!("usage: kernel-floor noop | add PATH | delete PATH | exec[-cgroup] PATH CMD... | bench [DIR [N]]");
            return 255;
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kernel-floor: {e}");
            1
        }
    }
}

fn bench(dir: Option<&OsString>, n: Option<&OsString>) -> std::io::Result<()> {
    let dir = dir.map_or_else(|| PathBuf::from("/run/netns"), |d| PathBuf::from(d.clone()));
    let n: usize = n.and_then(|s| s.to_str()?.parse().ok()).unwrap_or(100);
    let cdir = CString::new(dir.as_os_str().as_bytes().to_vec())?;
    Floor::prepare_dir(&cdir)?;
    let floor = Floor::new()?;
    let (mut add, mut del, mut anon, mut sock, mut run) = (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let path = CString::new(dir.join(format!("floor{i}")).into_os_string().into_vec())?;
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
