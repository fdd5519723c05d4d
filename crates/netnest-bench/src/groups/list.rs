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
    let targets = if n >= 1000 { vec![target(0.2)] } else { vec![] };
    out.push(compare(
        env,
        case,
        argv(nn, &["list"]),
        argv(ip, &["netns", "list"]),
        targets,
    ));
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
