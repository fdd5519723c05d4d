// SPDX-License-Identifier: MIT OR Apache-2.0
//! The library against the kernel floor ([`netnest_bench::floor`]: the bare system calls on the
//! same thread), in one process, interleaved: named create and delete (on tmpfs and on ext4, same
//! directory for both), anonymous create, a socket inside a namespace, a closure inside one, a
//! link dump inside one.

use std::ffi::CString;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use netnest::rustix::net::{AddressFamily, SocketType};
use netnest::{IpRoute, Name, NetNs, Registry};
use netnest_bench::floor::Floor;
use netnest_bench::plan::Side;
use netnest_bench::report::{Case, Target};
use rustix::mount::UnmountFlags;

use super::{failed, measure, skipped, Env};

const G: &str = "floor";
const FLOOR: &str = "kernel floor";

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    let floor = match Floor::new() {
        Ok(f) => f,
        Err(e) => {
            out.push(failed(G, "kernel floor", e.to_string()));
            return;
        }
    };
    super::clear_registry();
    out.push(named(
        env,
        &floor,
        "named create, delete (tmpfs)",
        Path::new("/run/netns"),
    ));
    match &env.ext4 {
        Some(dir) => {
            let dir = dir.join("netns");
            out.push(named(env, &floor, "named create, delete (ext4)", &dir));
            let _ = rustix::mount::unmount(&dir, UnmountFlags::DETACH);
            let _ = std::fs::remove_dir(&dir);
        }
        None => out.push(skipped(G, "named create, delete (ext4)", "no --ext4-dir")),
    }
    out.push(anonymous(env, &floor));
    match NetNs::new() {
        Ok(ns) => in_namespace(env, &floor, &ns, out),
        Err(e) => out.push(failed(G, "inside a namespace", e.to_string())),
    }
}

fn cpath(dir: &Path, name: &str) -> CString {
    CString::new(dir.join(name).as_os_str().as_bytes()).expect("no NUL")
}

/// `Registry::add` + `delete` against open+unshare+mount+setns / umount+unlink, in `dir`.
fn named(env: &Env, floor: &Floor, case: &str, dir: &Path) -> Case {
    if let Err(e) = Floor::prepare_dir(&cpath(dir, "")) {
        return failed(G, case, format!("preparing {}: {e}", dir.display()));
    }
    let reg = Registry::new(dir);
    let lib = Side::ours("Registry::add, delete", |it| {
        let name = Name::new(format!("lib{}", it.tag())).expect("valid");
        let t0 = Instant::now();
        let ns = reg.add(&name).map_err(|e| e.to_string())?;
        let create = t0.elapsed();
        drop(ns);
        let t1 = Instant::now();
        reg.delete(&name).map_err(|e| e.to_string())?;
        let delete = t1.elapsed();
        Ok(vec![create, delete, create + delete])
    });
    let bare = Side::peer(FLOOR, |it| {
        let path = cpath(dir, &format!("flr{}", it.tag()));
        let t0 = Instant::now();
        floor.add(&path).map_err(|e| e.to_string())?;
        let create = t0.elapsed();
        let t1 = Instant::now();
        floor.delete(&path).map_err(|e| e.to_string())?;
        let delete = t1.elapsed();
        Ok(vec![create, delete, create + delete])
    });
    let mut sides = [lib, bare];
    measure(
        G,
        case,
        &["create", "delete", "create+delete"],
        env.size.create,
        &mut sides,
        &env.settler(),
        vec![Target::at_most(
            "create",
            "Registry::add, delete",
            FLOOR,
            1.15,
        )],
    )
}

/// `NetNs::new` against unshare + open + setns back.
fn anonymous(env: &Env, floor: &Floor) -> Case {
    let lib = Side::ours("NetNs::new", |_| {
        let t0 = Instant::now();
        let ns = NetNs::new().map_err(|e| e.to_string())?;
        let t = t0.elapsed();
        drop(ns);
        Ok(vec![t])
    });
    let bare = Side::peer(FLOOR, |_| {
        let t0 = Instant::now();
        let fd = floor.new_anonymous().map_err(|e| e.to_string())?;
        let t = t0.elapsed();
        drop(fd);
        Ok(vec![t])
    });
    let mut sides = [lib, bare];
    measure(
        G,
        "anonymous create",
        &["anonymous create"],
        env.size.create,
        &mut sides,
        &env.settler(),
        vec![],
    )
}

fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<Vec<Duration>, String> {
    let t0 = Instant::now();
    let value = f()?;
    let t = t0.elapsed();
    drop(value);
    Ok(vec![t])
}

fn in_namespace(env: &Env, floor: &Floor, ns: &NetNs, out: &mut Vec<Case>) {
    let settler = env.settler();
    let plan = env.size.cheap;
    let s = |e: netnest::Error| e.to_string();
    let io = |e: std::io::Error| e.to_string();
    let netlink = || (AddressFamily::NETLINK, SocketType::RAW);

    let mut sides = [
        Side::ours("netnest::socket", |_| {
            timed(|| netnest::socket(ns, netlink().0, netlink().1, None).map_err(s))
        }),
        Side::ours("NetNs::enter + socket", |_| {
            timed(|| {
                let _inside = ns.enter().map_err(s)?;
                rustix::net::socket(netlink().0, netlink().1, None).map_err(|e| e.to_string())
            })
        }),
        Side::peer(FLOOR, |_| timed(|| floor.socket_in(ns.as_fd()).map_err(io))),
    ];
    out.push(measure(
        G,
        "socket inside a namespace",
        &["socket inside a namespace"],
        plan,
        &mut sides,
        &settler,
        vec![],
    ));

    let mut sides = [
        Side::ours("netnest::run", |_| {
            timed(|| netnest::run(ns, || ()).map_err(s))
        }),
        Side::ours("NetNs::enter", |_| {
            timed(|| ns.enter().map(drop).map_err(s))
        }),
        Side::peer(FLOOR, |_| {
            timed(|| floor.run_in(ns.as_fd(), || ()).map_err(io))
        }),
    ];
    out.push(measure(
        G,
        "empty closure inside a namespace",
        &["empty closure inside a namespace"],
        plan,
        &mut sides,
        &settler,
        vec![],
    ));

    let mut buf = vec![0u8; 32 * 1024];
    let mut sides = [
        Side::ours("IpRoute::in_netns + link_list", |_| {
            timed(|| {
                IpRoute::in_netns(ns)
                    .and_then(|mut r| r.link_list())
                    .map_err(s)
            })
        }),
        Side::peer(FLOOR, |_| {
            timed(|| floor.link_dump_in(ns.as_fd(), &mut buf).map_err(io))
        }),
    ];
    out.push(measure(
        G,
        "socket + link dump inside a namespace",
        &["socket + link dump inside a namespace"],
        plan,
        &mut sides,
        &settler,
        vec![],
    ));
}
