// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest` against `ip netns`, one process per operation: start-up (`-V`), `add`, `delete`
//! (run directory on tmpfs and on ext4), `exec NAME true`. Every build of `netnest` given runs,
//! and beside them the floor of each command (`kernel-floor`: a static process that makes only
//! the system calls of `ip`'s semantics), which says how far below `ip` any command can go.

use std::ffi::OsString;
use std::path::Path;

use netnest::{Name, Registry};
use netnest_bench::plan::{Iter, Role, Side};
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;
use rustix::mount::UnmountFlags;

use super::{argv, commands, failed, measure, skipped, Env};

const G: &str = "cli";

/// Runs the group.
pub fn run(env: &Env, out: &mut Vec<Case>) {
    super::clear_registry();
    out.push(startup(env));
    out.push(add_delete(env, "add, delete (/run/netns on tmpfs)"));
    match &env.ext4 {
        Some(dir) => out.push(on_ext4(env, dir)),
        None => out.push(skipped(
            G,
            "add, delete (/run/netns on ext4)",
            "no --ext4-dir",
        )),
    }
    out.push(exec(env));
}

/// One side per `netnest` build, each running the commands `words(iter, build index)` gives.
fn builds<'a>(
    env: &'a Env,
    sum: bool,
    words: impl Fn(Iter, usize) -> Vec<Vec<String>> + Copy + 'a,
) -> Vec<Side<'a>> {
    env.netnest_builds()
        .into_iter()
        .enumerate()
        .map(|(i, (label, bin, role))| {
            commands(label, role, sum, move |it| {
                words(it, i).iter().map(|w| line(bin, w)).collect()
            })
        })
        .collect()
}

fn line(bin: &Path, words: &[String]) -> Vec<OsString> {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    argv(bin, &words)
}

fn w(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

fn startup(env: &Env) -> Case {
    let mut sides = builds(env, false, |_, _| vec![w(&["-V"])]);
    for (label, floor) in &env.floors {
        sides.push(commands(label, Role::Reference, false, move |_| {
            vec![argv(floor, &["noop"])]
        }));
    }
    sides.push(commands("ip", Role::Peer, false, |_| {
        vec![argv(&env.ip, &["-V"])]
    }));
    measure(
        G,
        "start-up: -V",
        &["-V"],
        env.size.proc,
        &mut sides,
        &env.settler(),
        vec![],
    )
}

fn add_delete(env: &Env, name: &str) -> Case {
    let mut sides = builds(env, true, |it, i| {
        let ns = format!("nn{i}-{}", it.tag());
        vec![w(&["add", &ns]), w(&["delete", &ns])]
    });
    for (f, (label, floor)) in env.floors.iter().enumerate() {
        sides.push(commands(label, Role::Reference, true, move |it| {
            let path = format!("/run/netns/fl{f}-{}", it.tag());
            vec![
                argv(floor, &["add", &path]),
                argv(floor, &["delete", &path]),
            ]
        }));
    }
    sides.push(commands("ip", Role::Peer, true, |it| {
        let ns = format!("ip-{}", it.tag());
        vec![
            argv(&env.ip, &["netns", "add", &ns]),
            argv(&env.ip, &["netns", "delete", &ns]),
        ]
    }));
    let targets = vec![
        Target::at_most("add", "netnest", "ip", 0.6),
        Target::at_most("delete", "netnest", "ip", 0.6),
    ];
    measure(
        G,
        name,
        &["add", "delete", "add+delete"],
        env.size.proc,
        &mut sides,
        &env.settler(),
        targets,
    )
}

/// The same with `/run/netns` a bind mount of a directory on the root filesystem (ext4 here, as
/// the machines' real `/run/netns`), inside the sandbox's mount namespace.
fn on_ext4(env: &Env, dir: &Path) -> Case {
    let name = "add, delete (/run/netns on ext4)";
    let source = dir.join("cli-netns");
    let setup = std::fs::create_dir_all(&source)
        .and_then(|()| std::fs::create_dir_all("/run/netns"))
        .map_err(|e| e.to_string())
        .and_then(|()| rustix::mount::mount_bind(&source, "/run/netns").map_err(|e| e.to_string()));
    if let Err(e) = setup {
        return failed(
            G,
            name,
            format!("binding {} on /run/netns: {e}", source.display()),
        );
    }
    let case = add_delete(env, name);
    super::clear_registry();
    let _ = rustix::mount::unmount("/run/netns", UnmountFlags::DETACH);
    let _ = std::fs::remove_dir(&source);
    case
}

fn exec(env: &Env) -> Case {
    let case = "exec NAME true";
    let reg = Registry::default();
    let ns = Name::new("bench-exec").expect("a valid name");
    if let Err(e) = reg.add(&ns) {
        return failed(G, case, format!("Registry::add: {e}"));
    }
    let probe = spawn::output(&argv(&env.netnest, &["exec", "bench-exec", "true"]));
    let result = if spawn::not_implemented(&probe.2) {
        skipped(G, case, format!("netnest exec: {}", probe.2.trim()))
    } else if probe.0 != 0 {
        failed(
            G,
            case,
            format!("netnest exec exited {}: {}", probe.0, probe.2.trim()),
        )
    } else {
        let mut sides = builds(env, false, |_, _| vec![w(&["exec", "bench-exec", "true"])]);
        for (label, floor) in &env.floors {
            sides.push(commands(label, Role::Reference, false, move |_| {
                vec![argv(floor, &["exec", "/run/netns/bench-exec", "true"])]
            }));
        }
        // netnest keeps the cgroup mounts that 6.1 drops: the floor of that, with the first floor.
        if let Some((label, floor)) = env.floors.first() {
            let label = format!("{label}, cgroup kept");
            sides.push(commands(&label, Role::Reference, false, move |_| {
                vec![argv(
                    floor,
                    &["exec-cgroup", "/run/netns/bench-exec", "true"],
                )]
            }));
        }
        sides.push(commands("ip", Role::Peer, false, |_| {
            vec![argv(&env.ip, &["netns", "exec", "bench-exec", "true"])]
        }));
        measure(
            G,
            case,
            &["exec NAME true"],
            env.size.proc,
            &mut sides,
            &env.settler(),
            vec![Target::at_most("exec NAME true", "netnest", "ip", 0.7)],
        )
    };
    let _ = reg.delete(&ns);
    result
}
