// SPDX-License-Identifier: MIT OR Apache-2.0
//! The lab as a network emulator, against the real kernel, in netnest_testkit's sandbox (a
//! private mount and network namespace with a tmpfs on `/run`): every generated shape comes up
//! and passes `pingall`; a link taken down makes it fail; expectations by ICMP and by TCP.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use netnest_lab::reach::{self, Expect, ExpectTarget, ProbeNode};
use netnest_lab::shapes::{self, Switches};
use netnest_lab::{Lab, Topology};

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn probe_nodes(lab: &Lab) -> Vec<ProbeNode> {
    lab.topology()
        .nodes
        .iter()
        .map(|n| ProbeNode::new(&n.name, lab.node(&n.name).try_clone().unwrap()).unwrap())
        .collect()
}

fn failures(results: &[reach::ProbeResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{} -> {:?} {}", r.from, r.to, r.address))
        .collect()
}

fn pingall_passes(t: Topology) {
    let lab = t.up().unwrap();
    let probes = probe_nodes(&lab);
    // Switch nodes have no address: nothing to ping them on.
    let addressed = probes.iter().filter(|p| !p.addresses.is_empty()).count();
    assert!(addressed >= 2);
    let results = reach::pingall(&probes, Duration::from_secs(2)).unwrap();
    assert_eq!(results.len(), addressed * (addressed - 1), "one family");
    assert_eq!(failures(&results), Vec::<String>::new(), "{}", lab.name());
    lab.down().unwrap();
}

fn every_shape_passes_pingall() {
    pingall_passes(shapes::linear(&unique("li"), 5, Switches::InHost).unwrap());
    pingall_passes(shapes::linear(&unique("ln"), 5, Switches::InNodes).unwrap());
    pingall_passes(shapes::star(&unique("st"), 6, Switches::InNodes).unwrap());
    pingall_passes(shapes::tree(&unique("tr"), 2, 2, Switches::InHost).unwrap());
    pingall_passes(shapes::ring(&unique("ri"), 6).unwrap());
    pingall_passes(shapes::clos(&unique("cl"), 2, 3, 1).unwrap());
}

fn pingall_over_fifty_nodes_takes_under_a_second() {
    let lab = netnest_bench::generate::chain(&unique("pa"), 50)
        .up()
        .unwrap();
    let probes = probe_nodes(&lab);
    let start = Instant::now();
    let results = reach::pingall(&probes, Duration::from_secs(1)).unwrap();
    let took = start.elapsed();
    eprintln!(
        "pingall over 50 nodes: {} probes in {took:?}",
        results.len()
    );
    assert_eq!(results.len(), 50 * 49);
    assert_eq!(failures(&results), Vec::<String>::new());
    assert!(took < Duration::from_secs(1), "{took:?}");
    lab.down().unwrap();
}

fn a_link_down_fails_pingall_and_expectations_say_which() {
    let lab = shapes::ring(&unique("rd"), 4).unwrap().up().unwrap();
    // r1:eth0 – r2:eth0 down: the ring's routes go the short way, so r1 and r2 lose each other.
    let mut ipr = netnest::IpRoute::in_netns(lab.node("r1")).unwrap();
    ipr.link_set_down("eth0").unwrap();
    let probes = probe_nodes(&lab);
    let results = reach::pingall(&probes, Duration::from_millis(300)).unwrap();
    let failed = failures(&results);
    assert!(
        failed.iter().any(|f| f.starts_with("r1 -> Some(\"r2\")")),
        "{failed:?}"
    );
    // Expectations: unreachable as expected passes; reachable as expected passes.
    let expects = [
        Expect::new("r1", ExpectTarget::Node("r2".into()), false),
        Expect::new("r3", ExpectTarget::Node("r4".into()), true),
        Expect::new(
            "r3",
            ExpectTarget::Address("10.0.0.13".parse().unwrap()),
            true,
        ),
    ];
    let results = reach::check(&probes, &expects, Duration::from_millis(300)).unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r.passed()), "{results:?}");
    // An expectation that does not hold fails.
    let wrong = [Expect::new("r1", ExpectTarget::Node("r2".into()), true)];
    let results = reach::check(&probes, &wrong, Duration::from_millis(300)).unwrap();
    assert!(!results[0].passed());
    lab.down().unwrap();
}

fn tcp_expectations_see_listeners() {
    let lab = shapes::star(&unique("tc"), 2, Switches::InNodes)
        .unwrap()
        .up()
        .unwrap();
    let listener = lab
        .run("h2", || TcpListener::bind("10.0.0.2:8080"))
        .unwrap()
        .unwrap();
    let probes = probe_nodes(&lab);
    let expects = [
        Expect::new("h1", ExpectTarget::Node("h2".into()), true).port(8080),
        Expect::new("h1", ExpectTarget::Node("h2".into()), false).port(8081),
    ];
    let results = reach::check(&probes, &expects, Duration::from_secs(1)).unwrap();
    assert!(results.iter().all(|r| r.passed()), "{results:?}");
    let unknown = [Expect::new("h9", ExpectTarget::Node("h2".into()), true)];
    assert!(reach::check(&probes, &unknown, Duration::from_secs(1)).is_err());
    drop(listener);
    lab.down().unwrap();
}

fn svg_of_a_lab_has_its_nodes_bridges_and_links() {
    let t = shapes::linear(&unique("gr"), 3, Switches::InHost).unwrap();
    let svg = match netnest_lab::graph::svg(&t) {
        Ok(svg) => svg,
        Err(netnest_lab::graph::SvgError::NoGraphviz) => {
            eprintln!("skipped: Graphviz's dot is not installed");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(svg.contains("<svg"), "{svg}");
    // Three hosts, three bridges and the host; three host links, two trunks, three dashed
    // bridge-to-host lines.
    let nodes = svg.matches("<g id=\"node").count();
    let edges = svg.matches("<g id=\"edge").count();
    assert_eq!((nodes, edges), (3 + 3 + 1, 3 + 2 + 3), "{svg}");
    for h in ["h1", "h2", "h3"] {
        assert!(svg.contains(&format!("<title>{h}</title>")), "{svg}");
    }
    assert!(svg.contains(">10.0.0.3/8</text>"), "{svg}");
}

/// Sends `bytes` over TCP from node `from` to `to_addr`:5001 in node `to`; returns how long the
/// receiver took to get them.
fn transfer(lab: &Lab, from: &str, to: &str, to_addr: &str, bytes: usize) -> Duration {
    use std::io::{Read, Write};
    let addr: std::net::SocketAddr = format!("{to_addr}:5001").parse().unwrap();
    let listener = lab.run(to, || TcpListener::bind(addr)).unwrap().unwrap();
    let receiver = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let start = Instant::now();
        let (mut got, mut buf) = (0, vec![0u8; 64 * 1024]);
        while got < bytes {
            match conn.read(&mut buf).unwrap() {
                0 => break,
                n => got += n,
            }
        }
        assert_eq!(got, bytes);
        start.elapsed()
    });
    let mut conn = lab
        .run(from, || std::net::TcpStream::connect(addr))
        .unwrap()
        .unwrap();
    conn.write_all(&vec![1u8; bytes]).unwrap();
    drop(conn);
    receiver.join().unwrap()
}

fn a_rate_on_a_lab_link_bounds_a_transfer() {
    use netnest_lab::impair::Impairment;
    let lab = shapes::star(&unique("ra"), 2, Switches::InNodes)
        .unwrap()
        .up()
        .unwrap();
    let rate = 16_000_000u64;
    let bytes = 3_000_000usize;
    let impairment = Impairment::from_words(&["rate", "16mbit"]).unwrap();
    let mut ipr = netnest::IpRoute::in_netns(lab.node("h1")).unwrap();
    let eth0 = ipr.link_index("eth0").unwrap();
    impairment.apply(&mut ipr, eth0).unwrap();
    let took = transfer(&lab, "h1", "h2", "10.0.0.2", bytes);
    let expected = Duration::from_secs_f64(bytes as f64 * 8.0 / rate as f64);
    eprintln!("rate 16mbit: {bytes} bytes in {took:?} (expected {expected:?})");
    assert!(took >= expected.mul_f64(0.9), "{took:?} < {expected:?}");
    assert!(took <= expected.mul_f64(2.0), "{took:?} > 2 × {expected:?}");
    // Cleared: back to full speed.
    Impairment::default().apply(&mut ipr, eth0).unwrap();
    let fast = transfer(&lab, "h1", "h2", "10.0.0.2", bytes);
    assert!(fast < expected / 2, "{fast:?}");
    // netem: applied where the kernel has it, refused with ENOENT where not.
    let delay = Impairment::from_words(&["delay", "30ms"]).unwrap();
    match netnest::netlink::netem_available().unwrap() {
        true => {
            delay.apply(&mut ipr, eth0).unwrap();
            let probes = probe_nodes(&lab);
            let rtt = netnest::probe::ping(
                &probes[1].netns,
                &[probes[2].addresses[0]],
                Duration::from_secs(1),
            )
            .unwrap();
            assert!(rtt[0].unwrap() >= Duration::from_millis(30));
        }
        false => {
            let e = delay.apply(&mut ipr, eth0).unwrap_err();
            assert_eq!(e.raw_os_error(), Some(2), "{e}");
            eprintln!("skipped: no netem in this kernel");
        }
    }
    lab.down().unwrap();
}

/// The root qdiscs' kinds on `ifname` in `netns`.
fn root_qdiscs(netns: &netnest::NetNs, ifname: &str) -> Vec<String> {
    let mut ipr = netnest::IpRoute::in_netns(netns).unwrap();
    let index = ipr.link_index(ifname).unwrap();
    ipr.qdisc_list(None)
        .unwrap()
        .into_iter()
        .filter(|q| q.index == index && q.root)
        .map(|q| q.kind)
        .collect()
}

/// A two-node lab whose link has `impair` (TOML) on the link itself.
fn impaired(name: &str, impair: &str) -> String {
    format!(
        "name = \"{name}\"\n[nodes.h1]\n[nodes.h2]\n[[links]]\n\
         a = {{ node = \"h1\", addresses = [\"10.0.0.1/24\"] }}\n\
         b = {{ node = \"h2\", addresses = [\"10.0.0.2/24\"] }}\n\
         impair = {impair}\n"
    )
}

fn a_rate_in_the_file_is_applied_by_up_and_bounds_a_transfer() {
    let name = unique("fr");
    let t: Topology = impaired(&name, "{ rate = \"16mbit\" }").parse().unwrap();
    let lab = t.up().unwrap();
    for node in ["h1", "h2"] {
        assert_eq!(root_qdiscs(lab.node(node), "eth0"), ["tbf"], "{node}");
    }
    // What `tc qdisc show` says inside the node.
    let tc = std::process::Command::new("ip")
        .args([
            "netns",
            "exec",
            &format!("{name}-h1"),
            "tc",
            "qdisc",
            "show",
            "dev",
            "eth0",
        ])
        .output();
    if let Some(out) = tc.ok().filter(|o| o.status.success()) {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("tbf") && text.contains("rate 16Mbit"),
            "{text}"
        );
    }
    let bytes = 3_000_000usize;
    let took = transfer(&lab, "h1", "h2", "10.0.0.2", bytes);
    let expected = Duration::from_secs_f64(bytes as f64 * 8.0 / 16e6);
    eprintln!("rate 16mbit from the file: {bytes} bytes in {took:?} (expected {expected:?})");
    assert!(took >= expected.mul_f64(0.9), "{took:?} < {expected:?}");
    assert!(took <= expected.mul_f64(2.0), "{took:?} > 2 × {expected:?}");
    lab.down().unwrap();
}

fn netem_in_the_file_is_refused_where_the_kernel_has_none() {
    if netnest::netlink::netem_available().unwrap() {
        netnest_testkit::privileged::skip("this kernel has netem");
    }
    let name = unique("nn");
    let text = impaired(&name, "{ rate = \"1mbit\", delay = \"20ms\" }");
    let e = text.parse::<Topology>().unwrap_err();
    assert_eq!(e.problems().len(), 1, "{e}");
    let p = e.first();
    let loc = p.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (7, 28), "{e}");
    assert!(
        p.message.contains("netem") && p.message.contains("CONFIG_NET_SCH_NETEM"),
        "{e}"
    );
    // Nothing was made.
    let ours: Vec<_> = netnest::Registry::default()
        .list()
        .unwrap()
        .into_iter()
        .filter(|e| e.name.to_string_lossy().starts_with(&name))
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
}

fn netem_in_the_file_is_applied_by_up() {
    if !netnest::netlink::netem_available().unwrap() {
        netnest_testkit::kernel_lacks("no netem in this kernel");
    }
    let t: Topology = impaired(&unique("ne"), "{ delay = \"30ms\", loss = \"0%\" }")
        .parse()
        .unwrap();
    let lab = t.up().unwrap();
    assert_eq!(root_qdiscs(lab.node("h1"), "eth0"), ["netem"]);
    let probes = probe_nodes(&lab);
    let rtt = netnest::probe::ping(
        &probes[0].netns,
        &[probes[1].addresses[0]],
        Duration::from_secs(1),
    )
    .unwrap();
    // 30 ms each way.
    assert!(rtt[0].unwrap() >= Duration::from_millis(60), "{rtt:?}");
    lab.down().unwrap();
}

/// examples/labs/ecmp.toml: the multipath route's next hops and weights are in the kernel's
/// table (as `ip route` shows it), r1's address is on its lo and answers.
fn ecmp_routes_and_lo_addresses_from_the_file() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/labs/ecmp.toml");
    let name = unique("ec");
    let t = Topology::from_file(&path).unwrap().renamed(&name).unwrap();
    let lab = t.up().unwrap();
    let out = std::process::Command::new("ip")
        .args(["-n", &format!("{name}-h1"), "route", "show", "10.0.9.0/24"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let hops: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("nexthop "))
        .map(str::trim)
        .collect();
    assert_eq!(
        hops,
        [
            "via 10.0.1.1 dev eth0 weight 2",
            "via 10.0.2.1 dev eth1 weight 1"
        ],
        "{text}"
    );
    let mut ipr = netnest::IpRoute::in_netns(lab.node("r1")).unwrap();
    let on_lo: Vec<String> = ipr
        .addr_list()
        .unwrap()
        .into_iter()
        .filter(|a| a.index == 1)
        .map(|a| format!("{}/{}", a.address, a.prefix_len))
        .collect();
    assert!(on_lo.contains(&"10.255.0.1/32".to_owned()), "{on_lo:?}");
    let results = reach::check(&probe_nodes(&lab), &t.expects, Duration::from_secs(2)).unwrap();
    assert_eq!(results.len(), 1);
    assert!(results[0].passed(), "{results:?}");
    lab.down().unwrap();
}

/// The record of lab `name` in the default state directory.
fn host_group_of(name: &str) -> u32 {
    let dir = netnest_lab::Options::new().state_dir();
    let record = netnest_lab::record::Record::read(&dir, name)
        .unwrap()
        .unwrap();
    record
        .host_group
        .expect("a lab with host interfaces records its group")
}

fn host_interfaces_share_a_group_and_go_in_one_request() {
    let name = unique("gp");
    let lab = shapes::linear(&name, 4, Switches::InHost)
        .unwrap()
        .up()
        .unwrap();
    let group = host_group_of(&name);
    let mut host = netnest::IpRoute::new().unwrap();
    let members: Vec<String> = host
        .link_list_group(group)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    // Four bridges, four host-side ends of the host links, three trunks with two ends each.
    assert_eq!(members.len(), 4 + 4 + 6, "{members:?}");
    let report = lab.down().unwrap();
    assert_eq!(report.host_interfaces.len(), 14, "{report:?}");
    assert!(host.link_list_group(group).unwrap().is_empty());
    assert!(host.link_list().unwrap().iter().all(|l| l.name == "lo"));
}

fn a_stranger_in_the_group_is_spared() {
    let name = unique("gs");
    let lab = shapes::linear(&name, 2, Switches::InHost)
        .unwrap()
        .up()
        .unwrap();
    let group = host_group_of(&name);
    let mut host = netnest::IpRoute::new().unwrap();
    host.link_add_bridge("stranger").unwrap();
    host.link_set_group("stranger", group).unwrap();
    let report = lab.down().unwrap();
    // One by one now: a trunk's second end goes with its first.
    assert!(report.host_interfaces.len() >= 5, "{report:?}");
    assert!(
        report.kept.iter().any(|k| k.contains("stranger")),
        "{report:?}"
    );
    let left: Vec<String> = host
        .link_list()
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(left, ["lo", "stranger"]);
    host.link_del("stranger").unwrap();
}

/// examples/labs/ring.toml is what `netnest lab generate ring ring 4` prints.
fn the_ring_example_is_generated() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/labs/ring.toml");
    let file = Topology::from_file(&path).unwrap();
    let generated = shapes::ring("ring", 4).unwrap();
    assert_eq!(file.to_toml(), generated.to_toml());
}

netnest_testkit::main!(
    the_ring_example_is_generated,
    host_interfaces_share_a_group_and_go_in_one_request,
    a_stranger_in_the_group_is_spared,
    a_rate_on_a_lab_link_bounds_a_transfer,
    a_rate_in_the_file_is_applied_by_up_and_bounds_a_transfer,
    netem_in_the_file_is_refused_where_the_kernel_has_none,
    netem_in_the_file_is_applied_by_up,
    ecmp_routes_and_lo_addresses_from_the_file,
    svg_of_a_lab_has_its_nodes_bridges_and_links,
    every_shape_passes_pingall,
    pingall_over_fifty_nodes_takes_under_a_second,
    a_link_down_fails_pingall_and_expectations_say_which,
    tcp_expectations_see_listeners,
);
