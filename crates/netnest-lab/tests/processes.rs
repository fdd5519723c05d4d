// SPDX-License-Identifier: MIT OR Apache-2.0
//! The processes of a lab (`run = [...]`): started in their node's `ip netns exec` environment,
//! each in its own process group, recorded with pid and start time, their output in the node's
//! log file; stopped when the lab goes down; a command that cannot start fails `up` with its
//! place in the file and leaves nothing. Against the real kernel, in netnest_testkit's sandbox.

use std::path::Path;
use std::process::ExitCode;

use netnest::Registry;
use netnest_lab::record::Record;
use netnest_lab::{LabError, Options, Topology};

const LABS: &str = "/run/netnest/labs";

/// Field `n` (1-based) of `/proc/PID/stat`, after the command name.
fn stat_field(pid: u32, n: usize) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    rest.split_whitespace().nth(n - 3).map(str::to_owned)
}

fn namespaces_of(lab: &str) -> Vec<String> {
    Registry::default()
        .list()
        .unwrap()
        .into_iter()
        .map(|e| e.name.to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{lab}-")))
        .collect()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Started in order in the node's namespace with its own /sys, own process group, recorded,
/// logged; stopped by the fixture's drop.
fn run_starts_records_logs_and_stops() {
    let lab: Topology = r#"
        name = "pr1"
        [nodes.a]
        run = ["sh -c 'echo first; ls /sys/class/net; sleep 120'", "sleep 121"]
        [nodes.b]
        [[links]]
        a = { node = "a", ifname = "left", addresses = ["10.8.0.1/24"] }
        b = { node = "b", addresses = ["10.8.0.2/24"] }
    "#
    .parse()
    .unwrap();
    let lab = lab.up().unwrap();
    let record = Record::read(Path::new(LABS), "pr1").unwrap().unwrap();
    assert_eq!(record.processes.len(), 2, "{:?}", record.processes);
    let ino = lab.node("a").id().ino;
    for (p, command) in record.processes.iter().zip([
        "sh -c 'echo first; ls /sys/class/net; sleep 120'",
        "sleep 121",
    ]) {
        assert_eq!(p.node, "a");
        assert_eq!(p.command, command);
        assert_eq!(
            std::fs::read_link(format!("/proc/{}/ns/net", p.pid)).unwrap(),
            Path::new(&format!("net:[{ino}]")),
            "in node a's namespace"
        );
        assert_eq!(stat_field(p.pid, 5), Some(p.pid.to_string()), "own group");
        assert_eq!(stat_field(p.pid, 22), Some(p.start.to_string()));
        assert_eq!(p.log, Path::new(LABS).join("pr1.logs/a.log"));
    }
    // The output, with the node's own /sys: its interfaces, not the host's.
    let log = &record.processes[0].log;
    wait_for("the log", || {
        std::fs::read_to_string(log).is_ok_and(|t| t.contains("lo\n"))
    });
    assert_eq!(std::fs::read_to_string(log).unwrap(), "first\nleft\nlo\n");
    // inspect: the kernel's view, with the lab's processes marked.
    let status = netnest_lab::status_of("pr1", &Options::new())
        .unwrap()
        .unwrap();
    let views = netnest_lab::inspect(&status);
    assert_eq!(views.len(), 2);
    let left = views[0]
        .interfaces
        .iter()
        .find(|i| i.name == "left")
        .unwrap();
    assert_eq!(left.peer.as_deref(), Some("b:eth0"));
    assert_eq!(left.state, "UP");
    assert!(left.addresses.contains(&"10.8.0.1/24".to_owned()));
    let runs: Vec<(u32, Option<&str>)> = views[0]
        .processes
        .iter()
        .map(|p| (p.pid, p.run.as_deref()))
        .collect();
    // The lab's two, and sh's sleep (in the node, not the lab's own).
    assert_eq!(runs.iter().filter(|(_, run)| run.is_none()).count(), 1);
    assert_eq!(
        runs.into_iter()
            .filter(|(_, run)| run.is_some())
            .collect::<Vec<_>>(),
        record
            .processes
            .iter()
            .map(|p| (p.pid, Some(p.command.as_str())))
            .collect::<Vec<_>>()
    );
    assert!(views[1].processes.is_empty());
    let pids: Vec<(u32, String)> = record
        .processes
        .iter()
        .map(|p| (p.pid, p.start.to_string()))
        .collect();
    drop(lab);
    for (pid, start) in pids {
        assert_ne!(stat_field(pid, 22), Some(start), "process {pid} still runs");
    }
    assert_eq!(namespaces_of("pr1"), Vec::<String>::new());
    assert!(!Path::new(LABS).join("pr1.logs").exists(), "logs left");
    assert!(!Path::new(LABS).join("pr1.toml").exists(), "record left");
}

/// `down` stops them too, and says so (a lab made with the builder).
fn down_stops_run_processes() {
    let mut b = netnest_lab::Lab::builder("pr2");
    b.node("a").run("sleep 122");
    b.up().unwrap().leave_up();
    let record = Record::read(Path::new(LABS), "pr2").unwrap().unwrap();
    let pid = record.processes[0].pid;
    let report = netnest_lab::down("pr2", &Options::new()).unwrap();
    assert_eq!(
        report.stopped,
        [format!("process {pid} (sleep) in pr2-a")],
        "{report:?}"
    );
    // Gone, or a zombie of this process (the fixture that started it was left).
    assert!(
        matches!(stat_field(pid, 3).as_deref(), None | Some("Z")),
        "{:?}",
        stat_field(pid, 3)
    );
    assert_eq!(namespaces_of("pr2"), Vec::<String>::new());
}

/// A command that cannot start: `up` fails with the command and its place, and leaves
/// nothing (the commands started before it are stopped).
fn failed_start_leaves_nothing() {
    let dir = Path::new("/run/pr3-files");
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("lab.toml");
    std::fs::write(
        &file,
        "name = \"pr3\"\n[nodes.a]\nrun = [\"sleep 123\"]\n[nodes.b]\nrun = [\"sleep 124\", \"no-such-program-pr3 -x\"]\n",
    )
    .unwrap();
    let e = Topology::from_file(&file).unwrap().up().unwrap_err();
    let LabError::Step { .. } = &e else {
        panic!("{e:?}")
    };
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot start \"no-such-program-pr3 -x\" in node b ({}:5:21): ",
            file.display()
        )),
        "{text}"
    );
    assert!(text.contains("No such file or directory"), "{text}");
    assert_eq!(namespaces_of("pr3"), Vec::<String>::new());
    assert!(!Path::new(LABS).join("pr3.toml").exists(), "record left");
    assert!(!Path::new(LABS).join("pr3.logs").exists(), "logs left");
    let sleepers = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.starts_with("sleep\x00123") || c.starts_with("sleep\x00124"))
        })
        .count();
    assert_eq!(sleepers, 0, "started processes left");
    std::fs::remove_dir_all(dir).unwrap();
}

/// An unclosed quote is refused where it is, before anything is made.
fn bad_command_is_a_file_error() {
    let e = "name = \"pr4\"\n[nodes.a]\nrun = [\"sh -c 'oops\"]\n"
        .parse::<Topology>()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("<topology>:3:8: ") || e.contains(":3:8: "),
        "{e}"
    );
    assert!(e.contains("quotes closed"), "{e}");
}

fn main() -> ExitCode {
    use netnest_testkit::privileged::{run_tests, Test};
    macro_rules! tests {
        ($($t:ident),* $(,)?) => { [$(Test { name: stringify!($t), run: $t }),*] };
    }
    run_tests(&tests![
        run_starts_records_logs_and_stops,
        down_stops_run_processes,
        failed_start_leaves_nothing,
        bad_command_is_a_file_error,
    ])
}
