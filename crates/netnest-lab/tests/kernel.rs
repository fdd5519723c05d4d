// SPDX-License-Identifier: MIT OR Apache-2.0
//! Labs against the real kernel. The whole test process lives in a private mount and network
//! namespace with a tmpfs on `/run` (netnest_testkit's sandbox), so `/run/netns` and the "host"
//! here are the test's own, and `ip -n NAME …` sees the labs' namespaces.
//!
//! Reachability is checked with TCP connections made from inside the nodes (no `ping` needed);
//! addresses and routes with `ip -n NS -j address|route`; cleanliness by listing the registry,
//! the host's links and the records. The SIGKILL test re-runs this binary as a worker (inside
//! the same sandbox: the worker does not enter a new one) that kills itself half-way through
//! `up`.

use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use netnest_lab::{Lab, LabError, LabState, Options, Phase, Topology};

const WORKER_ENV: &str = "NETNEST_LAB_TEST_WORKER";

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/labs")
}

/// A short unique lab name (`PREFIX` + a counter), so labs of different tests never collide.
fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn example(file: &str, prefix: &str) -> Topology {
    Topology::from_file(examples().join(file))
        .unwrap()
        .renamed(&unique(prefix))
        .unwrap()
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

/// Whether a TCP connection from `from` (a node, or `None` for the host) reaches a listener
/// bound to `addr` inside node `to`.
fn reaches(lab: &Lab, from: Option<&str>, to: &str, addr: &str) -> bool {
    let addr: IpAddr = addr.parse().unwrap();
    let listener = lab
        .run(to, || TcpListener::bind((addr, 0)))
        .unwrap()
        .unwrap_or_else(|e| panic!("bind {addr} in {to}: {e}"));
    let target = SocketAddr::new(addr, listener.local_addr().unwrap().port());
    let connect = move || TcpStream::connect_timeout(&target, Duration::from_millis(400)).is_ok();
    match from {
        Some(node) => lab.run(node, connect).unwrap(),
        None => connect(),
    }
}

/// Whether the host reaches `addr:port`-less: a connection to a closed port that is refused
/// (RST) proves the packets got there.
fn host_links() -> String {
    ip(&["-o", "link"])
}

fn assert_gone(lab: &str, host_ifaces: &[&str]) {
    let left: Vec<String> = netnest::Registry::default()
        .list()
        .unwrap()
        .into_iter()
        .map(|e| e.name.to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{lab}-")))
        .collect();
    assert!(left.is_empty(), "namespaces left: {left:?}");
    assert!(
        !Path::new(&format!("/run/netnest/labs/{lab}.toml")).exists(),
        "record left"
    );
    let links = host_links();
    for name in host_ifaces {
        assert!(
            !links.contains(&format!(": {name}@")) && !links.contains(&format!(": {name}:")),
            "host interface {name} left: {links}"
        );
    }
}

fn two_hosts_router() {
    let t = example("two-hosts-router.toml", "trio");
    let lab = t.up().unwrap();
    let ns = |n: &str| lab.namespace(n).to_owned();

    // Addresses and routes as written.
    let addrs = ip(&["-n", &ns("r"), "-j", "address"]);
    for want in [
        r#""ifname":"eth1""#,
        r#""local":"10.0.1.1","prefixlen":24"#,
        r#""local":"10.0.2.1","prefixlen":24"#,
        r#""local":"fd00:1::1","prefixlen":64"#,
        r#""local":"fd00:2::1","prefixlen":64"#,
    ] {
        assert!(addrs.contains(want), "{want} not in {addrs}");
    }
    let routes = ip(&["-n", &ns("h1"), "-j", "route"]);
    assert!(
        routes.contains(r#"{"dst":"default","gateway":"10.0.1.1","dev":"eth0""#),
        "{routes}"
    );
    let routes6 = ip(&["-n", &ns("h2"), "-j", "-6", "route"]);
    assert!(
        routes6.contains(r#""dst":"default","gateway":"fd00:2::1","dev":"eth0""#),
        "{routes6}"
    );
    let lo = ip(&["-n", &ns("h1"), "-j", "link", "show", "lo"]);
    assert!(
        lo.contains(r#""operstate":"UNKNOWN""#) && lo.contains("\"UP\""),
        "{lo}"
    );

    // Sysctls inside r only.
    let forward = lab
        .run("r", || {
            std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward")
        })
        .unwrap()
        .unwrap();
    assert_eq!(forward.trim(), "1");
    let here = std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap();
    assert_eq!(
        here.trim(),
        "0",
        "the sysctl leaked into the test's namespace"
    );

    // What should reach does; what should not does not.
    assert!(reaches(&lab, Some("h1"), "h2", "10.0.2.2"));
    assert!(reaches(&lab, Some("h2"), "h1", "10.0.1.2"));
    assert!(reaches(&lab, Some("h1"), "h2", "fd00:2::2"));
    assert!(reaches(&lab, Some("h1"), "r", "10.0.2.1"));
    assert!(
        !reaches(&lab, None, "h1", "10.0.1.2"),
        "the host has no link to the lab"
    );
    lab.run("r", || std::fs::write("/proc/sys/net/ipv4/ip_forward", "0"))
        .unwrap()
        .unwrap();
    assert!(
        !reaches(&lab, Some("h1"), "h2", "10.0.2.2"),
        "r forwards no more"
    );

    let name = lab.name().to_owned();
    let report = lab.down().unwrap();
    assert_eq!(report.namespaces.len(), 3);
    assert_gone(&name, &[]);
}

fn star() {
    let t = example("star.toml", "star");
    let lab = t.up().unwrap();
    let sw = lab.namespace("sw").to_owned();
    let ports = ip(&["-n", &sw, "-j", "link", "show", "master", "br0"]);
    for p in ["p0", "p1", "p2", "p3", "p9"] {
        assert!(
            ports.contains(&format!("\"ifname\":\"{p}\"")),
            "{p}: {ports}"
        );
    }
    let br = ip(&["-n", &sw, "-j", "address", "show", "br0"]);
    assert!(br.contains(r#""local":"10.77.0.1","prefixlen":24"#), "{br}");
    let host = ip(&["-j", "address", "show", "star-host"]);
    assert!(
        host.contains(r#""local":"10.77.0.254","prefixlen":24"#),
        "{host}"
    );

    assert!(reaches(&lab, Some("n1"), "n3", "10.77.0.13"));
    assert!(reaches(&lab, Some("n2"), "sw", "10.77.0.1"));
    assert!(
        reaches(&lab, None, "n2", "10.77.0.12"),
        "the host is on the bridge"
    );
    assert!(
        !reaches(&lab, Some("guest"), "n1", "10.77.0.11"),
        "guest is in another subnet"
    );
    assert!(!reaches(&lab, Some("n1"), "guest", "10.77.9.9"));

    let name = lab.name().to_owned();
    let report = lab.down().unwrap();
    assert_eq!(report.host_interfaces, ["star-host"]);
    assert_gone(&name, &["star-host"]);
}

fn chain() {
    let t = example("chain.toml", "chain");
    let lab = t.up().unwrap();
    let r2 = ip(&["-n", lab.namespace("r2"), "-j", "route"]);
    assert!(
        r2.contains(r#"{"dst":"10.0.1.0/24","gateway":"10.0.12.1","dev":"eth0""#),
        "{r2}"
    );
    assert!(
        r2.contains(r#"{"dst":"default","gateway":"10.0.23.2","dev":"eth1""#),
        "{r2}"
    );
    assert!(reaches(&lab, Some("h1"), "h2", "10.0.2.2"));
    assert!(reaches(&lab, Some("h2"), "h1", "10.0.1.2"));
    assert!(reaches(&lab, Some("r1"), "r3", "10.0.23.2"));
    lab.run("r2", || {
        std::fs::write("/proc/sys/net/ipv4/ip_forward", "0")
    })
    .unwrap()
    .unwrap();
    assert!(
        !reaches(&lab, Some("h1"), "h2", "10.0.2.2"),
        "the chain is cut at r2"
    );
    let name = lab.name().to_owned();
    drop(lab);
    assert_gone(&name, &[]);
}

fn generated_chain_end_to_end() {
    let t = netnest_bench::generate::chain(&unique("gc"), 12);
    let lab = t.up().unwrap();
    let last = netnest_bench::generate::chain_address(12).to_string();
    let first = netnest_bench::generate::chain_address(1).to_string();
    assert!(reaches(&lab, Some("n1"), "n12", &last));
    assert!(reaches(&lab, Some("n12"), "n1", &first));
    assert!(reaches(&lab, Some("n7"), "n1", &first));
    let name = lab.name().to_owned();
    drop(lab);
    assert_gone(&name, &[]);
}

fn builder_fixture_and_drop_on_panic() {
    let name = unique("b");
    let build = || {
        let mut b = Lab::builder(&name);
        b.node("a");
        b.node("z").bridge("br0", ["10.9.0.1/24", "fd09::1/64"]);
        b.link("a", "z:p1")
            .addresses(["10.9.0.2/24", "fd09::2/64"], Vec::<String>::new())
            .bridge_b("br0")
            .mtu(1400);
        b.link("a:up", "host")
            .addresses(["10.8.0.2/24"], ["10.8.0.1/24"]);
        b.node("a").route("10.7.0.0/16", "10.9.0.1");
        b.up().unwrap()
    };
    let lab = build();
    let host_if = format!("{name}-a");
    let a = ip(&["-n", lab.namespace("a"), "-j", "address", "show", "eth0"]);
    assert!(a.contains(r#""mtu":1400"#), "{a}");
    assert!(reaches(&lab, Some("a"), "z", "fd09::1"));
    assert!(reaches(&lab, None, "a", "10.8.0.2"));
    assert!(lab.try_node("nope").is_none());
    let inside = lab.run("a", netnest::NetNs::current).unwrap().unwrap();
    assert_eq!(&inside, lab.node("a"));

    // Dropped while a test panics: everything goes.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _lab = lab;
        panic!("a failing test");
    }));
    std::panic::set_hook(hook);
    assert!(r.is_err());
    assert_gone(&name, &[&host_if]);

    // Without its record, a fixture still takes down what it made.
    let lab = build();
    std::fs::remove_file(format!("/run/netnest/labs/{name}.toml")).unwrap();
    let report = lab.down().unwrap();
    assert_eq!(report.namespaces.len(), 2);
    assert_eq!(report.host_interfaces, std::slice::from_ref(&host_if));
    assert_gone(&name, &[&host_if]);
}

fn two_labs_at_once() {
    let t = example("two-hosts-router.toml", "twin");
    let u = t.renamed(&unique("twin")).unwrap();
    let one = t.up().unwrap();
    let two = u.up().unwrap();
    assert_ne!(one.node("h1"), two.node("h1"));
    assert!(reaches(&one, Some("h1"), "h2", "10.0.2.2"));
    assert!(reaches(&two, Some("h1"), "h2", "10.0.2.2"));
    let statuses = netnest_lab::status(&Options::new()).unwrap();
    let names: Vec<&str> = statuses
        .labs
        .iter()
        .map(|s| s.record.lab.as_str())
        .collect();
    assert!(names.contains(&one.name()) && names.contains(&two.name()));
    assert!(statuses.labs.iter().all(|s| s.state == LabState::Up));
    let (a, b) = (one.name().to_owned(), two.name().to_owned());
    drop(one);
    assert!(
        reaches(&two, Some("h2"), "h1", "10.0.1.2"),
        "the other lab is untouched"
    );
    drop(two);
    assert_gone(&a, &[]);
    assert_gone(&b, &[]);
}

fn failed_step_removes_everything() {
    // IPv6 is switched off in h1 by a sysctl, so adding its IPv6 address fails in round two,
    // after namespaces, links and sysctls were made.
    let name = unique("fail");
    let text = format!(
        r#"
        name = "{name}"
        [nodes.h1.sysctls]
        net.ipv6.conf.all.disable_ipv6 = 1
        net.ipv6.conf.default.disable_ipv6 = 1
        [nodes.h2]
        [[links]]
        a = {{ node = "h1", addresses = ["10.0.0.1/24", "fd00::1/64"] }}
        b = {{ node = "h2", addresses = ["10.0.0.2/24"] }}
        [[links]]
        a = "h2"
        b = {{ node = "host", ifname = "{name}-hx" }}
        "#
    );
    let t: Topology = text.parse().unwrap();
    match t.up() {
        Err(LabError::Step {
            step,
            cause,
            leftovers,
        }) => {
            assert_eq!(step, "add address fd00::1/64 to h1:eth0");
            assert!(cause.raw_os_error().is_some(), "{cause}");
            assert!(leftovers.is_empty(), "{leftovers:?}");
        }
        other => panic!("expected a failed step, got {other:?}"),
    }
    assert_gone(&name, &[&format!("{name}-hx")]);
}

fn taken_names_create_nothing() {
    let t = example("two-hosts-router.toml", "taken");
    let reg = netnest::Registry::default();
    let squatter = netnest::Name::new(format!("{}-r", t.name)).unwrap();
    reg.add(&squatter).unwrap();
    match t.up() {
        Err(LabError::Taken { what }) => assert!(what.contains("-r"), "{what}"),
        other => panic!("expected Taken, got {other:?}"),
    }
    reg.delete(&squatter).unwrap();
    assert_gone(&t.name, &[]);

    // A host interface of the lab's name that is someone else's is neither used nor removed.
    let name = unique("hx");
    let other = format!("{name}-o");
    ip(&[
        "link",
        "add",
        &other,
        "type",
        "veth",
        "peer",
        "name",
        &format!("{name}-p"),
    ]);
    let mut b = Lab::builder(&name);
    b.node("a");
    b.link("a", &format!("host:{other}"));
    match b.up() {
        Err(LabError::Taken { what }) => assert!(what.contains(&other), "{what}"),
        other => panic!("expected Taken, got {other:?}"),
    }
    assert!(host_links().contains(&format!(": {other}@")));
    ip(&["link", "delete", &other]);
}

fn down_spares_foreign_interfaces_and_is_idempotent() {
    let name = unique("dn");
    let hx = format!("{name}-h");
    let mut b = Lab::builder(&name);
    b.node("a");
    b.link("a", &format!("host:{hx}"));
    b.build().unwrap().up().unwrap().leave_up();
    // Someone replaces the lab's host interface with one of their own, of the same name.
    ip(&["link", "delete", &hx]);
    ip(&[
        "link",
        "add",
        &hx,
        "type",
        "veth",
        "peer",
        "name",
        &format!("{name}-q"),
    ]);
    let report = netnest_lab::down(&name, &Options::new()).unwrap();
    assert!(report.recorded);
    assert_eq!(report.namespaces, [format!("{name}-a")]);
    assert!(report.host_interfaces.is_empty());
    assert_eq!(report.kept.len(), 1, "{:?}", report.kept);
    assert!(
        host_links().contains(&format!(": {hx}@")),
        "someone else's interface was removed"
    );
    ip(&["link", "delete", &hx]);
    let again = netnest_lab::down(&name, &Options::new()).unwrap();
    assert!(!again.recorded, "down twice is harmless");
    assert_gone(&name, &[]);
}

fn custom_registry() {
    let dir = netnest_testkit::TempRunDir::new("labreg");
    let options = Options::new().with_registry(netnest::Registry::new(dir.path().join("netns")));
    let t = example("chain.toml", "cr");
    let lab = t.up_with(&options, &mut |_| {}).unwrap();
    assert!(dir.path().join("netns").join(lab.namespace("r2")).exists());
    assert!(dir
        .path()
        .join(format!("netnest/labs/{}.toml", lab.name()))
        .exists());
    assert!(!Path::new(&format!("/run/netns/{}", lab.namespace("r2"))).exists());
    assert!(reaches(&lab, Some("h1"), "h2", "10.0.2.2"));
    let st = netnest_lab::status_of(lab.name(), &options)
        .unwrap()
        .unwrap();
    assert_eq!(st.state, LabState::Up);
    drop(lab);
    assert!(netnest::Registry::new(dir.path().join("netns"))
        .list()
        .unwrap()
        .is_empty());
}

/// The topology the killed workers build: 30 leaves around a bridge, and two host ends.
fn kill_topology(name: &str) -> Topology {
    let mut b = Lab::builder(name);
    b.node("sw").bridge("br0", ["10.5.0.1/16"]);
    for i in 1..=30 {
        b.node(&format!("n{i}"))
            .sysctl("net.ipv4.ip_forward", "1")
            .route("10.6.0.0/16", "10.5.0.1");
        b.link(&format!("n{i}"), &format!("sw:p{i}"))
            .addresses([format!("10.5.1.{i}/16")], Vec::<String>::new())
            .bridge_b("br0");
    }
    b.link("n1", &format!("host:{name}-x"));
    b.link("n2", &format!("host:{name}-y"));
    b.build().unwrap()
}

/// Worker mode: build [`kill_topology`] and SIGKILL ourselves at progress unit `at` (in phase
/// `phase`), or never (then the parent kills us after a delay).
fn worker(spec: &str) -> ExitCode {
    let mut parts = spec.split(',');
    let (name, phase, at) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap().parse::<usize>().unwrap(),
    );
    let t = kill_topology(name);
    let mut seen = 0;
    let result = t.up_with(&Options::new(), &mut |p| {
        let this = match p.phase {
            Phase::Namespaces => "namespaces",
            Phase::Links => "links",
            Phase::Sysctls => "sysctls",
            Phase::Addresses => "addresses",
            _ => "done",
        };
        if this == phase {
            seen += 1;
            if seen == at {
                let me = netnest::rustix::process::getpid();
                let _ = netnest::rustix::process::kill_process(
                    me,
                    netnest::rustix::process::Signal::KILL,
                );
            }
        }
    });
    match result {
        Ok(lab) => {
            lab.leave_up();
            std::thread::sleep(Duration::from_secs(30));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("worker: {e}");
            ExitCode::from(3)
        }
    }
}

fn killed_up_is_cleaned_by_down() {
    let points: [(&str, usize, Option<u64>); 6] = [
        ("namespaces", 1, None),
        ("namespaces", 17, None),
        ("links", 5, None),
        ("sysctls", 10, None),
        ("addresses", 20, None),
        ("never", 0, Some(40)),
    ];
    for (phase, at, delay) in points {
        let name = unique("k");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(WORKER_ENV, format!("{name},{phase},{at}"))
            .spawn()
            .unwrap();
        if let Some(ms) = delay {
            std::thread::sleep(Duration::from_millis(ms));
            let _ = child.kill();
        }
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{phase} {at}: {status:?}");
        let st = netnest_lab::status_of(&name, &Options::new()).unwrap();
        if let Some(st) = &st {
            assert!(
                matches!(st.state, LabState::Interrupted | LabState::Up),
                "{:?}",
                st.state
            );
        } else {
            assert!(
                delay.is_some(),
                "{phase} {at}: no record written before the kill"
            );
        }
        let report = netnest_lab::down(&name, &Options::new()).unwrap();
        assert!(report.kept.is_empty(), "{:?}", report.kept);
        assert_gone(&name, &[&format!("{name}-x"), &format!("{name}-y")]);
    }
}

/// What `ip` shows of a topology's namespaces: IPv4 addresses, bridge ports and routes (no MACs,
/// link-local addresses or operational states, which differ from run to run).
fn snapshot(t: &Topology) -> String {
    let mut out = String::new();
    for n in &t.nodes {
        let ns = n.namespace.as_str();
        out.push_str(&format!("== {}\n", n.name));
        for line in ip(&["-n", ns, "-br", "-4", "address"]).lines() {
            let mut words = line.split_whitespace();
            // Without `@ifN`: the peer's index is the lab's own choice.
            let name = words.next().unwrap_or("").split('@').next().unwrap_or("");
            let _state = words.next();
            out.push_str(&format!("{name} {}\n", words.collect::<Vec<_>>().join(" ")));
        }
        for line in ip(&["-n", ns, "-o", "link"]).lines() {
            if let Some(i) = line.find(" master ") {
                let name = line
                    .split(": ")
                    .nth(1)
                    .unwrap_or("")
                    .split('@')
                    .next()
                    .unwrap_or("");
                let master = line[i + 8..].split_whitespace().next().unwrap_or("");
                out.push_str(&format!("{name} master {master}\n"));
            }
        }
        out.push_str(&ip(&["-n", ns, "route"]));
    }
    out
}

fn scripts_build_the_same_as_the_lab() {
    for t in [
        netnest_bench::generate::star(&unique("ss"), 6),
        netnest_bench::generate::chain(&unique("sc"), 7),
        example("two-hosts-router.toml", "st"),
    ] {
        let lab = t.up().unwrap();
        let want = snapshot(&t);
        lab.down().unwrap();
        assert!(want.contains(" via ") && want.contains("/"), "{want}");
        if t.name.starts_with("ss") {
            assert!(want.contains("p1 master br0\n"), "{want}");
        }
        for (kind, script) in [
            ("ip", netnest_bench::script::ip_script(&t)),
            ("batch", netnest_bench::script::ip_batch_script(&t)),
        ] {
            let run = |text: &str| {
                let out = Command::new("sh").arg("-c").arg(text).output().unwrap();
                assert!(
                    out.status.success(),
                    "{kind} script failed: {}\n{text}",
                    String::from_utf8_lossy(&out.stderr)
                );
            };
            run(&script.up);
            let got = snapshot(&t);
            run(&script.down);
            assert_eq!(got, want, "{kind} script of {}", t.name);
            assert_gone(&t.name, &[]);
        }
    }
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
        two_hosts_router,
        star,
        chain,
        generated_chain_end_to_end,
        builder_fixture_and_drop_on_panic,
        two_labs_at_once,
        failed_step_removes_everything,
        taken_names_create_nothing,
        down_spares_foreign_interfaces_and_is_idempotent,
        custom_registry,
        killed_up_is_cleaned_by_down,
        scripts_build_the_same_as_the_lab,
    ])
}
