// SPDX-License-Identifier: MIT OR Apache-2.0
//! `down` removes only what is still the lab's, stops what runs in it, knows its builder, and
//! says what it could not read; `up` fails cleanly without privileges, on a full disk and on
//! hostile paths. Against the real kernel, in netnest_testkit's sandbox (private mount and
//! network namespaces, a tmpfs on `/run`); the killed and unprivileged `up`s re-run this binary
//! as a worker inside the same sandbox.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::time::Duration;

use netnest::Registry;
use netnest_lab::{Lab, LabError, Options, Phase, Topology};

/// Worker: `kill:NAME` builds [`kill_topology`] and SIGKILLs itself after its first namespace;
/// `up:FILE` brings FILE up and prints the error.
const WORKER_ENV: &str = "NETNEST_LAB_TEARDOWN_WORKER";

const LABS: &str = "/run/netnest/labs";

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn ip(args: &[&str]) -> String {
    let out = Command::new("ip").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn names_with_prefix(lab: &str) -> Vec<String> {
    Registry::default()
        .list()
        .unwrap()
        .into_iter()
        .map(|e| e.name.to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{lab}-")))
        .collect()
}

fn assert_gone(lab: &str) {
    assert_eq!(
        names_with_prefix(lab),
        Vec::<String>::new(),
        "namespaces left"
    );
    assert!(
        !Path::new(&format!("{LABS}/{lab}.toml")).exists(),
        "record left"
    );
    assert!(
        !Path::new(&format!("{LABS}/{lab}.made")).exists(),
        "journal left"
    );
}

fn kill_topology(name: &str) -> Topology {
    let mut b = Lab::builder(name);
    for i in 1..=12 {
        b.node(&format!("n{i}"));
    }
    b.build().unwrap()
}

fn worker(spec: &str) -> ExitCode {
    if let Some(name) = spec.strip_prefix("kill:") {
        let _ = kill_topology(name).up_with(&Options::new(), &mut |p| {
            if p.phase == Phase::Namespaces {
                let me = netnest::rustix::process::getpid();
                let _ = netnest::rustix::process::kill_process(
                    me,
                    netnest::rustix::process::Signal::KILL,
                );
                std::thread::sleep(Duration::from_secs(10));
            }
        });
        return ExitCode::from(4);
    }
    let file = spec.strip_prefix("up:").unwrap();
    match Topology::from_file(file).unwrap().up() {
        Ok(lab) => {
            lab.leave_up();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(3)
        }
    }
}

/// An `up` of a 12-node lab killed right after its first namespace: returns the lab's name.
///
/// The worker kills itself when told of its first namespace, but the namespaces are made on
/// two threads and that news comes from a third: on a loaded machine the creators can make all
/// twelve before the kill lands. So the worker runs under `strace`, which kills it when a
/// creator thread starts its third namespace (`unshare` is counted per thread): at most four
/// namespaces are ever made, whatever the scheduling, and at least one (a thread starts its next
/// only after naming the last).
fn killed_up() -> String {
    let name = unique("kd");
    let status = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=unshare"])
        .args(["-e", "inject=unshare:signal=KILL:when=3"])
        .arg(std::env::current_exe().unwrap())
        .env(WORKER_ENV, format!("kill:{name}"))
        .status()
        .expect("strace (the killed up runs under it)");
    assert_eq!(status.signal(), Some(9), "{status:?}");
    assert!(Path::new(&format!("{LABS}/{name}.toml")).exists());
    name
}

fn libc_einval() -> i32 {
    netnest::rustix::io::Errno::INVAL.raw_os_error()
}

fn sleeper() -> Child {
    Command::new("sleep").arg("60").spawn().unwrap()
}

/// After an interrupted `up`, a name the lab would have made and a name the user deleted and
/// made again are the user's: `down` leaves both and says so.
fn down_spares_namespaces_it_did_not_make() {
    let lab = killed_up();
    let all: Vec<String> = kill_topology(&lab)
        .nodes
        .iter()
        .map(|n| n.namespace.clone())
        .collect();
    let made = names_with_prefix(&lab);
    assert!((1..=4).contains(&made.len()), "{made:?}");
    // A namespace whose identity was written down but which the kill left unnamed has an
    // identity recorded: `never` must be in neither list.
    let journal = std::fs::read_to_string(format!("{LABS}/{lab}.made")).unwrap();
    let journaled: Vec<&str> = journal
        .lines()
        .filter_map(|l| l.split(' ').next())
        .collect();
    let never = all
        .iter()
        .find(|n| !made.contains(n) && !journaled.contains(&n.as_str()))
        .unwrap()
        .clone();
    // `again`: one the lab named (the kill may leave a name that is no namespace yet).
    let again = made
        .iter()
        .find(|n| {
            Registry::default()
                .open(&netnest::Name::new(n.as_str()).unwrap())
                .is_ok()
        })
        .expect("a namespace the lab named")
        .clone();
    ip(&["netns", "add", &never]);
    // The lab's namespace is held open while the user deletes and remakes the name: once freed,
    // its inode number may be given to the next namespace, and identities are (dev, ino).
    let held = std::fs::File::open(format!("/run/netns/{again}")).unwrap();
    ip(&["netns", "delete", &again]);
    ip(&["netns", "add", &again]);
    drop(held);

    let report = netnest_lab::down(&lab, &Options::new()).unwrap();
    let mut left = names_with_prefix(&lab);
    left.sort();
    let mut want = vec![never.clone(), again.clone()];
    want.sort();
    assert_eq!(left, want, "the user's namespaces must stay, the lab's go");
    for want in [
        format!("namespace {never} (the lab has no identity recorded for it, so it may not be the lab's)"),
        format!("namespace {again} (not the lab's: another namespace has its name)"),
    ] {
        assert!(report.kept.contains(&want), "{want}: {:?}", report.kept);
    }
    ip(&["netns", "delete", &never]);
    ip(&["netns", "delete", &again]);
    assert_gone(&lab);
}

fn two_nodes(name: &str) -> Topology {
    let mut b = Lab::builder(name);
    b.nodes(["a", "b"]);
    b.link("a", "b").addresses(["10.9.0.1/24"], ["10.9.0.2/24"]);
    b.build().unwrap()
}

/// `down`, the command's `down` and the fixture's drop stop what runs in the nodes: SIGTERM,
/// then SIGKILL for what ignores it.
fn down_stops_processes_left_in_nodes() {
    // The library: one process that exits on SIGTERM, one that ignores it.
    let lab = two_nodes(&unique("ps")).up().unwrap();
    let name = lab.name().to_owned();
    let mut polite = lab.spawn("a", Command::new("sleep").arg("120")).unwrap();
    let mut stubborn = lab
        .spawn(
            "b",
            Command::new("sh").args(["-c", "trap '' TERM; sleep 120; :"]),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    lab.leave_up();
    let report = netnest_lab::down(&name, &Options::new()).unwrap();
    let polite_line = format!("process {} (sleep) in {name}-a", polite.id());
    let stubborn_line = format!("process {} (sh) in {name}-b, killed", stubborn.id());
    assert!(
        report.stopped.contains(&polite_line),
        "{:?}",
        report.stopped
    );
    assert!(
        report.stopped.contains(&stubborn_line),
        "{:?}",
        report.stopped
    );
    assert_eq!(
        report.stopped.len(),
        3,
        "sh's sleep too: {:?}",
        report.stopped
    );
    assert_eq!(polite.wait().unwrap().signal(), Some(15));
    assert_eq!(stubborn.wait().unwrap().signal(), Some(9));
    assert_gone(&name);

    // The fixture, when dropped.
    let lab = two_nodes(&unique("pf")).up().unwrap();
    let name = lab.name().to_owned();
    let mut child = lab.spawn("b", Command::new("sleep").arg("120")).unwrap();
    drop(lab);
    assert_eq!(child.wait().unwrap().signal(), Some(15));
    assert_gone(&name);
}

/// Rewrites the `pid` and `pid_start` lines of a record.
fn set_builder(lab: &str, pid: u32, start: Option<u64>) {
    let path = format!("{LABS}/{lab}.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("pid = ") {
            out.push_str(&format!("pid = {pid}\n"));
            if let Some(start) = start {
                out.push_str(&format!("pid_start = {start}\n"));
            }
        } else if !line.starts_with("pid_start = ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(&path, out).unwrap();
}

/// A recorded builder pid that now belongs to another process does not block `down`; a builder
/// that holds the lab's lock does, until `--force`.
fn down_knows_its_builder() {
    let mut other = sleeper();

    // The pid is alive, but not with the recorded start time: not the builder.
    let lab = killed_up();
    set_builder(&lab, other.id(), Some(1));
    netnest_lab::down(&lab, &Options::new()).unwrap();
    assert_gone(&lab);

    // A record without a start time and no journal (an older format): the pid alone says
    // busy; --force goes on, but leaves the names whose identity it does not know.
    let lab = killed_up();
    std::fs::remove_file(format!("{LABS}/{lab}.made")).unwrap();
    set_builder(&lab, other.id(), None);
    let e = netnest_lab::down(&lab, &Options::new()).unwrap_err();
    assert!(matches!(e, LabError::Busy { .. }), "{e}");
    assert!(e.to_string().contains("--force"), "{e}");
    let report = netnest_lab::force_down(&lab, &Options::new()).unwrap();
    let made = names_with_prefix(&lab);
    assert!(!made.is_empty());
    for name in &made {
        // The kill may come between a name's file and its mount: that name is no namespace.
        let want = match Registry::default().open(&netnest::Name::new(name.as_str()).unwrap()) {
            Ok(_) => format!(
                "namespace {name} (the lab has no identity recorded for it, so it may not be the lab's)"
            ),
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(libc_einval()), "{e}");
                format!("namespace {name} ({e})")
            }
        };
        assert!(report.kept.contains(&want), "{want}: {:?}", report.kept);
        ip(&["netns", "delete", name]);
    }
    assert_gone(&lab);

    // The lab's lock held (a builder in another pid namespace, whatever its pid says).
    let lab = killed_up();
    set_builder(&lab, 999_999_999, Some(1));
    let journal = std::fs::File::open(format!("{LABS}/{lab}.made")).unwrap();
    netnest::rustix::fs::flock(&journal, netnest::rustix::fs::FlockOperation::LockExclusive)
        .unwrap();
    let e = netnest_lab::down(&lab, &Options::new()).unwrap_err();
    assert!(matches!(e, LabError::Busy { .. }), "{e}");
    netnest_lab::force_down(&lab, &Options::new()).unwrap();
    drop(journal);
    assert_gone(&lab);
    let _ = other.kill();
    let _ = other.wait();
}

/// Damaged and other-format records are reported, not skipped; `down` removes nothing and says
/// why; temporary records of dead processes are swept.
fn unreadable_records_are_reported() {
    std::fs::create_dir_all(LABS).unwrap();
    let damaged = unique("dmg");
    std::fs::write(format!("{LABS}/{damaged}.toml"), "lab = [[[\n").unwrap();
    let future = unique("fut");
    std::fs::write(
        format!("{LABS}/{future}.toml"),
        format!("version = 2\nlab = \"{future}\"\nstate = \"up\"\npid = 1\ncreated = 0\nregistry = \"/run/netns\"\nhost_netns = \"net:[1]\"\n"),
    )
    .unwrap();
    let labs = netnest_lab::status(&Options::new()).unwrap();
    let bad: Vec<(&str, &str)> = labs
        .unreadable
        .iter()
        .map(|u| (u.lab.as_str(), u.reason.as_str()))
        .collect();
    assert!(
        bad.iter()
            .any(|(l, r)| *l == damaged && r.starts_with("it is damaged")),
        "{bad:?}"
    );
    assert!(
        bad.contains(&(
            future.as_str(),
            "it is in record format 2, and this netnest reads format 1"
        )),
        "{bad:?}"
    );
    let e = netnest_lab::down(&future, &Options::new()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("cannot read {LABS}/{future}.toml of lab \"{future}\": it is in record format 2, and this netnest reads format 1; nothing was removed (remove what the lab made by hand, then that file)")
    );
    let e = netnest_lab::status_of(&damaged, &Options::new()).unwrap_err();
    assert!(matches!(e, LabError::Unreadable { .. }), "{e}");
    std::fs::remove_file(format!("{LABS}/{damaged}.toml")).unwrap();
    std::fs::remove_file(format!("{LABS}/{future}.toml")).unwrap();

    // A temporary record of a process that is gone is swept by the next command.
    let mut dead = Command::new("true").spawn().unwrap();
    dead.wait().unwrap();
    let tmp = format!("{LABS}/.x.toml.{}", dead.id());
    std::fs::write(&tmp, "half").unwrap();
    let mine = format!("{LABS}/.y.toml.{}", std::process::id());
    std::fs::write(&mine, "in flight").unwrap();
    netnest_lab::status(&Options::new()).unwrap();
    assert!(!Path::new(&tmp).exists(), "stale temporary record left");
    assert!(
        Path::new(&mine).exists(),
        "a live process's temporary record was removed"
    );

    // `down` sweeps too, and a writer that was killed but not yet reaped (a zombie) is gone;
    // so is one whose pid now belongs to a process started after the file was written.
    let mut zombie = Command::new("true").spawn().unwrap();
    let stat = format!("/proc/{}/stat", zombie.id());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&stat)
        .unwrap()
        .rsplit_once(')')
        .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    {
        assert!(std::time::Instant::now() < deadline, "true did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
    let of_zombie = format!("{LABS}/.z.toml.{}", zombie.id());
    std::fs::write(&of_zombie, "half").unwrap();
    let mut reused = sleeper();
    let of_reused = format!("{LABS}/.r.toml.{}", reused.id());
    let old = std::fs::File::create(&of_reused).unwrap();
    old.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    drop(old);
    netnest_lab::down("z", &Options::new()).unwrap();
    assert!(
        !Path::new(&of_zombie).exists(),
        "a zombie's temporary record left"
    );
    assert!(
        !Path::new(&of_reused).exists(),
        "a reused pid's temporary record left"
    );
    assert!(
        Path::new(&mine).exists(),
        "a live process's temporary record was removed"
    );
    zombie.wait().unwrap();
    let _ = reused.kill();
    let _ = reused.wait();
    std::fs::remove_file(&mine).unwrap();
}

/// A full disk: `up` fails before making anything and leaves no temporary record.
fn full_state_dir_leaves_nothing() {
    let dir = PathBuf::from(format!("/run/{}", unique("full")));
    let state = dir.join("labs");
    std::fs::create_dir_all(&state).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4k", "tmpfs"])
        .arg(&state)
        .status()
        .unwrap();
    assert!(mounted.success());
    let _ = std::fs::write(state.join("filler"), vec![b'x'; 8192]);
    let options = Options::new()
        .with_registry(Registry::new(dir.join("netns")))
        .with_state_dir(&state);
    let e = two_nodes(&unique("fu"))
        .up_with(&options, &mut |_| {})
        .unwrap_err();
    assert!(e.to_string().contains("No space left on device"), "{e}");
    let left: Vec<_> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "filler")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(Registry::new(dir.join("netns"))
        .list()
        .unwrap_or_default()
        .is_empty());
    assert!(Command::new("umount")
        .arg(&state)
        .status()
        .unwrap()
        .success());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file path and a working directory that are not UTF-8, and files that are not topologies.
fn hostile_paths() {
    let dir = PathBuf::from(OsString::from_vec(b"/run/\xffdir".to_vec()));
    std::fs::create_dir_all(&dir).unwrap();
    let lab = unique("nu");
    let file = dir.join(OsString::from_vec(b"lab\xfe.toml".to_vec()));
    std::fs::write(&file, two_nodes(&lab).to_toml()).unwrap();
    Topology::from_file(&file).unwrap().up().unwrap().leave_up();
    let st = netnest_lab::status_of(&lab, &Options::new())
        .unwrap()
        .unwrap();
    let recorded = st.record.file.clone().unwrap();
    assert_eq!(recorded.to_str(), Some("/run/\u{fffd}dir/lab\u{fffd}.toml"));
    netnest_lab::down(&lab, &Options::new()).unwrap();
    assert_gone(&lab);

    // Relative to a working directory that is not UTF-8.
    let back = std::env::current_dir().unwrap();
    std::env::set_current_dir(&dir).unwrap();
    let relative =
        Topology::from_file(OsString::from_vec(b"lab\xfe.toml".to_vec())).map(|t| t.up());
    std::env::set_current_dir(back).unwrap();
    relative.unwrap().unwrap().leave_up();
    netnest_lab::down(&lab, &Options::new()).unwrap();
    assert_gone(&lab);
    std::fs::remove_dir_all(&dir).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(LABS)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.as_encoded_bytes().starts_with(b"."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Without root, `up` says that root is needed, and leaves nothing.
fn unprivileged_up_says_root_is_needed() {
    let lab = unique("np");
    let file = PathBuf::from(format!("/run/{lab}.toml"));
    std::fs::write(&file, two_nodes(&lab).to_toml()).unwrap();
    std::fs::create_dir_all(LABS).unwrap();
    let exe = std::env::current_exe().unwrap();
    for (how, want) in [
        (
            vec!["--reuid=65534", "--regid=65534", "--clear-groups"],
            format!("cannot write the record {LABS}/{lab}.toml: Permission denied (os error 13) (making or removing a lab needs root: CAP_SYS_ADMIN)"),
        ),
        (
            vec!["--inh-caps=-all", "--bounding-set=-all"],
            format!("cannot create namespace {lab}-"),
        ),
    ] {
        let out = Command::new("setpriv")
            .args(&how)
            .arg(&exe)
            .env(WORKER_ENV, format!("up:{}", file.display()))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{how:?}: {err}");
        assert!(err.starts_with(&want), "{how:?}: {err}");
        assert!(
            err.contains("(making or removing a lab needs root: CAP_SYS_ADMIN)"),
            "{how:?}: {err}"
        );
        assert_gone(&lab);
    }
    std::fs::remove_file(&file).unwrap();
}

/// Default sysctls reach the interfaces, a bridge keeps its MTU with its ports, a link with
/// both ends in the host gets two names.
fn lab_details_reach_the_kernel() {
    let name = unique("dt");
    let text = format!(
        r#"name = "{name}"
[nodes.a]
sysctls = {{ "net.ipv6.conf.default.hop_limit" = 42, "net.ipv4.ip_forward" = 1 }}
[nodes.b.bridges.br0]
mtu = 9000
[[links]]
a = "a"
b = {{ node = "b", bridge = "br0" }}
[[links]]
a = "a"
b = {{ node = "b", bridge = "br0" }}
[[links]]
a = "host"
b = "host"
"#
    );
    let lab = text.parse::<Topology>().unwrap().up().unwrap();
    let hop = lab
        .run("a", || {
            std::fs::read_to_string("/proc/sys/net/ipv6/conf/eth0/hop_limit")
        })
        .unwrap()
        .unwrap();
    assert_eq!(hop.trim(), "42");
    let links = ip(&["-n", &format!("{name}-b"), "-o", "link"]);
    for dev in ["br0", "eth0", "eth1"] {
        assert!(
            links
                .lines()
                .any(|l| l.contains(&format!(" {dev}")) && l.contains(" mtu 9000 ")),
            "{dev}: {links}"
        );
    }
    let host = ip(&["-o", "link"]);
    assert!(host.contains(&format!(" {name}-2a@{name}-2b:")), "{host}");
    assert!(host.contains(&format!(" {name}-2b@{name}-2a:")), "{host}");
    drop(lab);
    assert!(!ip(&["-o", "link"]).contains(&format!("{name}-2a")));
    assert_gone(&name);
}

fn main() -> ExitCode {
    if let Ok(spec) = std::env::var(WORKER_ENV) {
        return worker(&spec);
    }
    use netnest_testkit::privileged::{run_tests, Test};
    macro_rules! tests {
        ($($t:ident),* $(,)?) => { [$(Test { name: stringify!($t), run: $t }),*] };
    }
    run_tests(&tests![
        down_spares_namespaces_it_did_not_make,
        down_stops_processes_left_in_nodes,
        down_knows_its_builder,
        unreadable_records_are_reported,
        full_state_dir_leaves_nothing,
        hostile_paths,
        unprivileged_up_says_root_is_needed,
        lab_details_reach_the_kernel,
    ])
}
