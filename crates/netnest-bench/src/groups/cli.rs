//! `netnest` against `ip netns`, one process per operation: start-up (`-V`), `add`, `delete`
//! (run directory on tmpfs and on ext4), `exec NAME true`.

use std::path::Path;

use netnest::{Name, Registry};
use netnest_bench::report::{Case, Target};
use netnest_bench::spawn;
use rustix::mount::UnmountFlags;

use super::{argv, argv_with, commands, failed, measure, skipped, Env};

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

fn startup(env: &Env) -> Case {
    let mut sides: Vec<_> = env
        .netnest_builds()
        .into_iter()
        .map(|(label, bin)| commands(label, true, false, move |_| vec![argv(bin, &["-V"])]))
        .collect();
    sides.push(commands("ip", false, false, |_| {
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
    let mut sides: Vec<_> = env
        .netnest_builds()
        .into_iter()
        .enumerate()
        .map(|(i, (label, bin))| {
            commands(label, true, true, move |it| {
                let ns = format!("nn{i}-{}", it.tag());
                vec![
                    argv_with(bin, &["add"], &ns),
                    argv_with(bin, &["delete"], &ns),
                ]
            })
        })
        .collect();
    sides.push(commands("ip", false, true, |it| {
        let ns = format!("ip-{}", it.tag());
        vec![
            argv_with(&env.ip, &["netns", "add"], &ns),
            argv_with(&env.ip, &["netns", "delete"], &ns),
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
        let mut sides: Vec<_> = env
            .netnest_builds()
            .into_iter()
            .map(|(label, bin)| {
                commands(label, true, false, move |_| {
                    vec![argv(bin, &["exec", "bench-exec", "true"])]
                })
            })
            .collect();
        sides.push(commands("ip", false, false, |_| {
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
