// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest list`, `identify` and `pids` against `ip netns …` with 10, 100 and 1000 named
//! namespaces, first without nsids, then with an nsid for each (where `ip` does two netlink round
//! trips per name).

use std::process::{Child, Command, Stdio};

use netnest::netlink::SocketOptions;
use netnest::{CommandExt, Name, Registry};
use netnest_bench::plan::Role;
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;

use super::{argv, argv_with, commands, failed, measure, Env};

const G: &str = "list";

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    super::clear_registry();
    for &n in &env.size.list_sizes {
        let settler = env.settler();
        let reg = Registry::default();
        let names: Vec<String> = (0..n).map(|i| format!("l{i:04}")).collect();
        let made = names
            .iter()
            .try_for_each(|s| reg.add(&Name::new(s.as_str()).expect("valid")).map(drop));
        match made.and_then(|()| sleeper(&reg, &names[n - 1])) {
            Ok(mut child) => {
                at_size(env, out, &reg, &names, child.id());
                let _ = child.kill();
                let _ = child.wait();
            }
            Err(e) => out.push(failed(G, format!("{n} namespaces"), e.to_string())),
        }
        super::clear_registry();
        settler.settle();
    }
}

/// A process sleeping in namespace `name`, for `identify` and `pids` to find.
fn sleeper(reg: &Registry, name: &str) -> netnest::Result<Child> {
    let ns = reg.open(&Name::new(name).expect("valid"))?;
    Command::new("sleep")
        .arg("3600")
        .stdin(Stdio::null())
        .spawn_in(&ns)
}

fn at_size(env: &Env, out: &mut Vec<Case>, reg: &Registry, names: &[String], pid: u32) {
    let n = names.len();
    let nn = &env.netnest;
    let ip = &env.ip;
    let pid = pid.to_string();
    let last = names[n - 1].as_str();

    out.push(compare(
        env,
        format!("list, {n} namespaces, no nsids"),
        argv(nn, &["list"]),
        argv(ip, &["netns", "list"]),
        vec![],
    ));
    let (ours, peer) = (
        argv_with(nn, &["identify"], &pid),
        argv_with(ip, &["netns", "identify"], &pid),
    );
    out.push(compare(
        env,
        format!("identify PID, {n} namespaces"),
        ours,
        peer,
        vec![target(0.6)],
    ));
    let (ours, peer) = (
        argv_with(nn, &["pids"], last),
        argv_with(ip, &["netns", "pids"], last),
    );
    out.push(compare(
        env,
        format!("pids NAME, {n} namespaces"),
        ours,
        peer,
        vec![target(0.6)],
    ));

    let case = format!("list, {n} namespaces, with nsids");
    if let Err(e) = set_nsids(reg, names) {
        out.push(failed(G, case, format!("assigning nsids: {e}")));
        return;
    }
    let probe = spawn::output(&argv(nn, &["list"]));
    if !probe.1.contains("(id: ") {
        out.push(super::skipped(
            G,
            case,
            "netnest list prints no nsids yet (branch cli2 not merged)",
        ));
        return;
    }
    // The kernel's own lookups cost about 0.38 of ip at 1000 nsids (each walks the nsid table):
    // the command's target is to stay within 15 % of their in-process floor.
    let targets = if n >= 1000 {
        vec![target(0.45), Target::at_most("", "netnest", FLOOR, 1.15)]
    } else {
        vec![]
    };
    out.push(compare_with_floor(
        env,
        case,
        argv(nn, &["list"]),
        argv(ip, &["netns", "list"]),
        reg,
        targets,
    ));
}

/// The label of the in-process floor of the nsid lookups.
const FLOOR: &str = "kernel floor (in process)";

/// [`compare`], plus the library in this process and the kernel floor of the same lookups
/// ([`netnest_bench::floor::nsid_lookups`]).
fn compare_with_floor(
    env: &Env,
    name: String,
    ours: Vec<std::ffi::OsString>,
    peer: Vec<std::ffi::OsString>,
    reg: &Registry,
    targets: Vec<Target>,
) -> Case {
    let same = spawn::output(&ours) == spawn::output(&peer);
    let targets = targets
        .into_iter()
        .map(|t| Target {
            metric: name.clone(),
            ..t
        })
        .collect();
    let dir = std::ffi::CString::new(reg.dir().as_os_str().as_encoded_bytes()).expect("no NUL");
    let (mut names, mut buf) = (vec![0u8; 16 * 1024], vec![0u8; 64 * 1024]);
    let timed = |f: &mut dyn FnMut() -> Result<(), String>| {
        let t0 = std::time::Instant::now();
        f()?;
        Ok(vec![t0.elapsed()])
    };
    let mut sides = vec![
        commands("netnest", Role::Ours, false, move |_| vec![ours.clone()]),
        commands("ip", Role::Peer, false, move |_| vec![peer.clone()]),
        netnest_bench::plan::Side::ours("Registry::list_with_nsids", move |_| {
            timed(&mut || reg.list_with_nsids().map(drop).map_err(|e| e.to_string()))
        }),
        netnest_bench::plan::Side::peer(FLOOR, move |_| {
            timed(&mut || {
                netnest_bench::floor::nsid_lookups(&dir, &mut names, &mut buf)
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        }),
    ];
    let mut case = measure(
        G,
        name.clone(),
        &[name.as_str()],
        env.size.list,
        &mut sides,
        &env.settler(),
        targets,
    );
    if !same {
        case.note = Some("outputs differ between netnest and ip".into());
    }
    case
}

fn target(max: f64) -> Target {
    Target::at_most("", "netnest", "ip", max)
}

/// netnest against ip on one command line each; checks first that both print the same.
fn compare(
    env: &Env,
    name: String,
    ours: Vec<std::ffi::OsString>,
    peer: Vec<std::ffi::OsString>,
    targets: Vec<Target>,
) -> Case {
    let (a, b) = (spawn::output(&ours), spawn::output(&peer));
    let same = a == b;
    let targets = targets
        .into_iter()
        .map(|t| Target {
            metric: name.clone(),
            ..t
        })
        .collect();
    let mut sides = vec![
        commands("netnest", Role::Ours, false, move |_| vec![ours.clone()]),
        commands("ip", Role::Peer, false, move |_| vec![peer.clone()]),
    ];
    let mut case = measure(
        G,
        name.clone(),
        &[name.as_str()],
        env.size.list,
        &mut sides,
        &env.settler(),
        targets,
    );
    if !same {
        case.note = Some(format!(
            "outputs differ: netnest rc {} {:?}/{:?}, ip rc {} {:?}/{:?}",
            a.0,
            cut(&a.1),
            cut(&a.2),
            b.0,
            cut(&b.1),
            cut(&b.2)
        ));
    }
    case
}

fn cut(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Gives every namespace an nsid (`ip netns set NAME auto`), over one netlink socket.
fn set_nsids(reg: &Registry, names: &[String]) -> netnest::Result<()> {
    let mut sock = SocketOptions::new().open()?;
    for name in names {
        let ns = reg.open(&Name::new(name.as_str()).expect("valid"))?;
        sock.set_nsid(&ns, None)?;
    }
    Ok(())
}
