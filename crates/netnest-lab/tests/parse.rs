// SPDX-License-Identifier: MIT OR Apache-2.0
//! Topology files and their errors, without privileges: the examples parse; each kind of mistake
//! gets its line, column and message, and nothing else is reported.

use std::path::Path;

use netnest_lab::{Place, SpecError, Topology};

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/labs")
}

fn parse(text: &str) -> Result<Topology, SpecError> {
    text.parse()
}

/// The one problem of `text`: (line, column, message).
fn problem(text: &str) -> (usize, usize, String) {
    let e = parse(text).expect_err("should not validate");
    assert_eq!(e.problems().len(), 1, "{e}");
    let p = e.first();
    let loc = p
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("no location: {e}"));
    (loc.line, loc.column, p.message.clone())
}

const BASE: &str = r#"name = "t"
[nodes.h1]
[nodes.h2]
"#;

#[test]
fn examples_validate() {
    let trio = Topology::from_file(examples().join("two-hosts-router.toml")).unwrap();
    assert_eq!(trio.name, "trio");
    let names: Vec<&str> = trio.nodes.iter().map(|n| n.namespace.as_str()).collect();
    assert_eq!(names, ["trio-h1", "trio-h2", "trio-r"]);
    let r = trio.node("r").unwrap();
    assert_eq!(
        r.sysctls,
        [
            ("net.ipv4.ip_forward".to_owned(), "1".to_owned()),
            ("net.ipv6.conf.all.forwarding".to_owned(), "1".to_owned())
        ]
    );
    assert_eq!(trio.node("h1").unwrap().routes.len(), 2);
    assert!(!trio.node("h1").unwrap().routes[1].to.is_ipv4());

    let star = Topology::from_file(examples().join("star.toml")).unwrap();
    let sw = star.node_index("sw").unwrap();
    let ports: Vec<(&str, Option<&str>)> = star
        .links
        .iter()
        .map(|l| (l.b.ifname.as_str(), l.b.bridge.as_deref()))
        .collect();
    assert_eq!(
        ports,
        [
            ("p1", Some("br0")),
            ("p2", Some("br0")),
            ("p3", Some("br0")),
            ("p0", Some("br0")),
            ("p9", Some("br0"))
        ]
    );
    assert!(star.links.iter().all(|l| l.b.place == Place::Node(sw)));
    assert_eq!(star.links[0].a.ifname, "eth0");
    assert_eq!(star.links[3].a.place, Place::Host);
    assert_eq!(star.host_interfaces(), ["star-host"]);

    let chain = Topology::from_file(examples().join("chain.toml")).unwrap();
    let r2 = chain.node("r2").unwrap();
    assert_eq!(r2.routes[1].dev.as_deref(), Some("eth1"));
    let ends: Vec<String> = chain
        .links
        .iter()
        .map(|l| format!("{}:{}", chain.place_name(l.a.place), l.a.ifname))
        .collect();
    assert_eq!(ends, ["h1:eth0", "r1:eth1", "r2:eth1", "r3:eth1"]);

    let shaped = Topology::from_file(examples().join("impaired.toml")).unwrap();
    let l = &shaped.links[0];
    assert_eq!(l.a.impair.to_string(), "rate 10mbit");
    assert_eq!(l.b.impair.to_string(), "rate 2mbit", "the end's own wins");
    // Written back, it reads the same.
    assert_eq!(
        shaped.to_toml().parse::<Topology>().unwrap().links,
        shaped.links
    );
}

#[test]
fn expectations() {
    use netnest_lab::reach::ExpectTarget;
    let t = Topology::from_file(examples().join("expect.toml")).unwrap();
    assert_eq!(t.expects.len(), 3);
    assert_eq!(t.expects[0].to, ExpectTarget::Node("h2".into()));
    assert!(t.expects[0].reach);
    assert_eq!(
        t.expects[1].to,
        ExpectTarget::Address("10.0.1.3".parse().unwrap())
    );
    assert!(!t.expects[1].reach);
    assert_eq!(t.expects[2].port, Some(80));
    assert_eq!(t.to_toml().parse::<Topology>().unwrap().expects, t.expects);

    let expect = |body: &str| format!("{BASE}[[expect]]\n{body}\n");
    let (line, col, msg) = problem(&expect("from = \"h9\"\nto = \"h2\""));
    assert_eq!((line, col), (5, 8), "{msg}");
    assert_eq!(msg, "unknown node \"h9\" (the nodes are: h1, h2)");
    let (line, col, msg) = problem(&expect("from = \"h1\"\nto = \"nowhere\""));
    assert_eq!((line, col), (6, 6), "{msg}");
    assert!(
        msg.starts_with("\"nowhere\" is neither a node nor an address"),
        "{msg}"
    );
    let (line, col, msg) = problem(&expect("from = \"h1\"\nto = \"h2\"\nport = 70000"));
    assert_eq!((line, col), (7, 8), "{msg}");
    assert_eq!(msg, "port 70000 is out of range (1 to 65535)");
    let (line, col, msg) = problem(&expect("from = \"h1\"\nto = \"h2\"\nreach = \"yes\""));
    assert_eq!(line, 7, "{msg}");
    let _ = col;
}

#[test]
fn ecmp_and_lo_addresses() {
    let t = Topology::from_file(examples().join("ecmp.toml")).unwrap();
    let r1 = t.node("r1").unwrap();
    assert_eq!(r1.addresses[0].to_string(), "10.255.0.1/32");
    let route = &t.node("h1").unwrap().routes[0];
    let hops: Vec<(String, Option<&str>, u16)> = route
        .nexthops
        .iter()
        .map(|h| (h.via.unwrap().to_string(), h.dev.as_deref(), h.weight))
        .collect();
    assert_eq!(
        hops,
        [
            ("10.0.1.1".to_owned(), None, 2),
            ("10.0.2.1".to_owned(), Some("eth1"), 1)
        ]
    );
    let again: Topology = t.to_toml().parse().unwrap();
    assert_eq!(again.nodes, t.nodes);

    let node = |body: &str| {
        format!("{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\"] }}\nb = \"h2\"\n[nodes.h1.x]\n").replace("[nodes.h1.x]\n", body)
    };
    let (line, col, msg) = problem(&node(
        "[nodes.h3]\nlo = false\naddresses = [\"10.9.9.9/32\"]\n",
    ));
    assert_eq!((line, col), (9, 14), "{msg}");
    assert_eq!(msg, "addresses on lo need lo up (lo = false here)");
    let route = |r: &str| {
        format!("name = \"t\"\n[nodes.h1]\nroutes = [{r}]\n[nodes.h2]\n[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\"] }}\nb = \"h2\"\n")
    };
    let (line, col, msg) = problem(&route(
        "{ to = \"default\", nexthops = [{ via = \"10.0.0.2\", weight = 300 }] }",
    ));
    assert_eq!((line, col), (3, 70), "{msg}");
    assert_eq!(msg, "weight 300 is out of range (1 to 256)");
    let (_, _, msg) = problem(&route(
        "{ to = \"default\", via = \"10.0.0.2\", nexthops = [{ via = \"10.0.0.2\" }] }",
    ));
    assert!(
        msg.starts_with("a route with nexthops gives via and dev in each"),
        "{msg}"
    );
    let (_, _, msg) = problem(&route(
        "{ to = \"default\", nexthops = [{ via = \"10.1.0.2\" }] }",
    ));
    assert!(
        msg.starts_with("gateway 10.1.0.2 is not on any subnet of h1"),
        "{msg}"
    );
}

#[test]
fn impairments_that_do_not_parse() {
    let link = |rest: &str| format!("{BASE}[[links]]\na = \"h1\"\nb = \"h2\"\n{rest}\n");
    let (line, col, msg) = problem(&link("impair = { speed = \"1mbit\" }"));
    assert_eq!((line, col), (7, 12), "{msg}");
    assert!(
        msg.starts_with("unknown impairment \"speed\" (one of: rate, delay"),
        "{msg}"
    );
    let (line, col, msg) = problem(&link("impair = { rate = \"10mb\" }"));
    assert_eq!((line, col), (7, 19), "{msg}");
    assert!(msg.contains("invalid rate \"10mb\""), "{msg}");
    let (line, col, msg) = problem(&format!(
        "{BASE}[[links]]\na = \"h1\"\nb = {{ node = \"h2\", impair = {{ rate = 5 }} }}\n"
    ));
    assert_eq!((line, col), (6, 38), "{msg}");
    assert!(msg.contains("invalid rate \"5\""), "{msg}");
}

#[test]
fn syntax_and_unknown_keys() {
    let (line, col, msg) =
        problem("name = \"t\"\n[nodes.h1]\nroutes = [{ to = \"default\", vai = \"10.0.0.1\" }]\n");
    assert_eq!((line, col), (3, 29));
    assert!(msg.contains("unknown field `vai`"), "{msg}");

    let (line, _, msg) = problem("name = \"t\"\n[nodes.h1\n");
    assert_eq!(line, 2);
    assert!(!msg.is_empty());

    let (line, col, msg) = problem("name = \"t\"\ncolour = 3\n");
    assert_eq!((line, col), (2, 1));
    assert!(msg.contains("unknown field `colour`"), "{msg}");

    let (line, _, msg) = problem("nodes = {}\n");
    assert_eq!(line, 1);
    assert!(msg.contains("missing field `name`"), "{msg}");

    let (line, col, msg) = problem(&format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", colour = 1 }}\nb = \"h2\"\n"
    ));
    assert_eq!((line, col), (5, 20));
    assert!(msg.contains("unknown field `colour`"), "{msg}");
}

#[test]
fn unknown_node() {
    let text = format!("{BASE}[[links]]\na = \"h1\"\nb = {{ node = \"h3\", ifname = \"x\" }}\n");
    let (line, col, msg) = problem(&text);
    assert_eq!((line, col), (6, 14));
    assert_eq!(msg, "unknown node \"h3\" (the nodes are: h1, h2)");
    // The short form points into the string.
    let text = format!("{BASE}[[links]]\na = \"h1\"\nb = \"h9:eth3\"\n");
    assert_eq!(
        problem(&text),
        (6, 6, "unknown node \"h9\" (the nodes are: h1, h2)".into())
    );
    let e = parse(&text).unwrap_err();
    assert_eq!(e.first().path, "links[0].b.node");
    assert_eq!(
        e.to_string(),
        "<topology>:6:6: unknown node \"h9\" (the nodes are: h1, h2)\n  |\n6 | b = \"h9:eth3\"\n  |      ^^"
    );
}

#[test]
fn duplicate_interface_names() {
    let text = format!(
        "{BASE}[[links]]\na = \"h1:eth0\"\nb = \"h2:eth0\"\n[[links]]\na = \"h1:eth1\"\nb = \"h2:eth0\"\n"
    );
    let (line, col, msg) = problem(&text);
    assert_eq!((line, col), (9, 9));
    assert!(
        msg.starts_with("duplicate interface name \"eth0\" in node h2"),
        "{msg}"
    );
    // lo is taken in every node; a bridge's name too.
    let (_, _, msg) = problem(&format!("{BASE}[[links]]\na = \"h1:lo\"\nb = \"h2\"\n"));
    assert!(msg.contains("the loopback interface"), "{msg}");
    let text = format!("{BASE}[nodes.h1.bridges.br0]\n[[links]]\na = \"h1:br0\"\nb = \"h2\"\n");
    assert!(problem(&text).2.contains("already bridge br0"));
    // Default names skip the explicit ones.
    let t = parse(&format!(
        "{BASE}[[links]]\na = \"h1\"\nb = \"h2\"\n[[links]]\na = \"h1:eth0\"\nb = \"h2\"\n"
    ))
    .unwrap();
    assert_eq!(
        (t.links[0].a.ifname.as_str(), t.links[1].b.ifname.as_str()),
        ("eth1", "eth1")
    );
}

#[test]
fn interface_names_over_15_bytes() {
    let text = format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", ifname = \"a-very-long-name0\" }}\nb = \"h2\"\n"
    );
    let (line, col, msg) = problem(&text);
    assert_eq!((line, col), (5, 29));
    assert!(
        msg.contains("17 bytes long; the kernel takes at most 15"),
        "{msg}"
    );
    // The default host name LAB-NODE must fit too.
    let text = "name = \"a-long-lab-name\"\n[nodes.h1]\n[[links]]\na = \"h1\"\nb = \"host\"\n";
    let (line, _, msg) = problem(text);
    assert_eq!(line, 5);
    assert!(msg.contains("a host end needs an ifname"), "{msg}");
}

#[test]
fn addresses_that_do_not_parse() {
    let text = format!("{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\", \"10.0.0.300/24\"] }}\nb = \"h2\"\n");
    let (line, col, msg) = problem(&text);
    assert_eq!((line, col), (5, 48));
    assert_eq!(msg, "\"10.0.0.300/24\": not an IPv4 or IPv6 address");
    let text = format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1\"] }}\nb = \"h2\"\n"
    );
    assert!(problem(&text).2.contains("no prefix length"));
    let text = format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"fd00::1/129\"] }}\nb = \"h2\"\n"
    );
    assert!(problem(&text).2.contains("prefix length"));
    // The same address twice in one node.
    let text = format!("{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\"] }}\nb = \"h2\"\n[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\"] }}\nb = \"h2\"\n");
    let e = parse(&text).unwrap_err();
    assert_eq!(
        e.first().message,
        "address 10.0.0.1 is on both h1:eth0 and h1:eth1"
    );
}

#[test]
fn routes() {
    let base = format!("{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\"] }}\nb = {{ node = \"h2\", addresses = [\"10.0.0.2/24\"] }}\n");
    let with = |route: &str| format!("{base}[[nodes.h1.routes]]\n{route}\n");
    assert!(parse(&with("to = \"default\"\nvia = \"10.0.0.2\"")).is_ok());
    assert!(parse(&with("to = \"10.9.0.0/16\"\ndev = \"eth0\"")).is_ok());

    let (line, col, msg) = problem(&with("to = \"default\"\nvia = \"10.0.5.1\""));
    assert_eq!((line, col), (9, 7));
    assert_eq!(
        msg,
        "gateway 10.0.5.1 is not on any subnet of h1 (its subnets: 10.0.0.0/24)"
    );
    let (_, _, msg) = problem(&with("to = \"10.9.0.1/16\"\nvia = \"10.0.0.2\""));
    assert_eq!(
        msg,
        "10.9.0.1/16 has host bits set: the network is 10.9.0.0/16"
    );
    let (_, _, msg) = problem(&with("to = \"10.9.0.0/16\"\ndev = \"eth7\""));
    assert_eq!(
        msg,
        "node h1 has no interface \"eth7\" (its interfaces are: eth0)"
    );
    let (_, _, msg) = problem(&with("to = \"10.9.0.0/16\""));
    assert_eq!(msg, "a route needs a gateway (via) or an interface (dev)");
    let (_, _, msg) = problem(&with("to = \"fd00::/64\"\nvia = \"10.0.0.2\""));
    assert!(msg.contains("not of the same family"), "{msg}");
    let (_, _, msg) = problem(&with("to = \"default\"\nvia = \"fe80::1\""));
    assert!(msg.contains("link-local"), "{msg}");
    assert!(parse(&with("to = \"default\"\nvia = \"fe80::1\"\ndev = \"eth0\"")).is_ok());
}

#[test]
fn sysctls_and_names() {
    let (line, col, msg) =
        problem("name = \"t\"\n[nodes.h1]\nsysctls = { \"kernel.panic\" = 1 }\n");
    assert_eq!((line, col), (3, 13));
    assert!(msg.contains("not a network sysctl"), "{msg}");
    let (_, _, msg) = problem("name = \"t\"\n[nodes.h1.sysctls]\nnet.ipv4.ip_forward = 1.5\n");
    assert!(msg.contains("not a float"), "{msg}");
    let t = parse("name = \"t\"\n[nodes.h1.sysctls]\nnet.ipv4.ip_forward = true\n\"net.ipv6.conf.all.forwarding\" = \"1\"\n").unwrap();
    assert_eq!(
        t.nodes[0].sysctls[0],
        ("net.ipv4.ip_forward".into(), "1".into())
    );
    assert_eq!(t.nodes[0].sysctls[1].0, "net.ipv6.conf.all.forwarding");

    let (_, col, msg) = problem("name = \"t/x\"\n");
    assert_eq!(col, 8);
    assert!(msg.starts_with("invalid lab name"), "{msg}");
    let (_, _, msg) = problem("name = \"t\"\n[nodes.host]\n");
    assert!(msg.contains("reserved"), "{msg}");
}

#[test]
fn bridges() {
    let text = format!(
        "{BASE}[nodes.h2.bridges.br0]\nmembers = [\"eth5\"]\n[[links]]\na = \"h1\"\nb = \"h2\"\n"
    );
    let (line, col, msg) = problem(&text);
    assert_eq!((line, col), (5, 12));
    assert_eq!(msg, "\"eth5\" is not a link end in h2");
    let text = format!("{BASE}[[links]]\na = {{ node = \"h1\", bridge = \"br0\" }}\nb = \"h2\"\n");
    assert_eq!(
        problem(&text).2,
        "unknown bridge \"br0\" in h1 (it has no bridges)"
    );
}

#[test]
fn many_problems_at_once_in_file_order() {
    let text =
        format!("{BASE}[[links]]\na = \"h7\"\nb = {{ node = \"h2\", addresses = [\"x\"] }}\n");
    let e = parse(&text).unwrap_err();
    let lines: Vec<usize> = e
        .problems()
        .iter()
        .map(|p| p.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(lines, [5, 6]);
}

#[test]
fn renamed() {
    let t = parse("name = \"a\"\n[nodes.h1]\n[[links]]\na = \"h1\"\nb = \"host\"\n").unwrap();
    assert_eq!(t.links[0].b.ifname, "a-h1");
    let u = t.renamed("b2").unwrap();
    assert_eq!(u.nodes[0].namespace, "b2-h1");
    assert_eq!(u.links[0].b.ifname, "b2-h1");
    assert!(t.renamed("much-too-long-name").is_err());
}

#[test]
fn syntax_errors_name_their_place_and_key() {
    // An inline table left open: the end of its own line, not the next line.
    let (line, col, msg) = problem(&format!(
        "{BASE}[[links]]\na = {{ node = \"h1\" # open\nb = \"h2\"\n"
    ));
    assert_eq!((line, col), (5, 18), "{msg}");
    // A node's table given twice, and a key given twice: the key is named.
    let (line, col, msg) = problem(&format!("{BASE}[nodes.h1]\n"));
    assert_eq!((line, col), (4, 8));
    assert_eq!(
        msg,
        "duplicate key \"h1\": the table [nodes.h1] is given twice"
    );
    // Also across blank lines; a pair on the next line of a multi-line table keeps its place.
    let (line, col, _) = problem(&format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", ifname = \"e\"\n\nb = \"h2\"\n"
    ));
    assert_eq!((line, col), (5, 32));
    let (line, col, msg) = problem(&format!(
        "{BASE}[[links]]\na = {{ node = \"h1\",\n  colour = 1 }}\nb = \"h2\"\n"
    ));
    assert_eq!((line, col), (6, 3), "{msg}");
    let (line, _, msg) = problem(&format!("{BASE}lo = true\nlo = false\n"));
    assert_eq!(line, 5);
    assert!(msg.starts_with("duplicate key \"lo\""), "{msg}");
}

#[test]
fn link_local_addresses_repeat_across_interfaces() {
    // fe80::1 as the gateway on every interface of a router: allowed.
    let text = format!(
        "{BASE}[nodes.r]\n[[links]]\na = {{ node = \"h1\" }}\nb = {{ node = \"r\", addresses = [\"fe80::1/64\"] }}\n[[links]]\na = {{ node = \"h2\" }}\nb = {{ node = \"r\", addresses = [\"fe80::1/64\"] }}\n"
    );
    let t = parse(&text).unwrap();
    assert_eq!(t.links[1].b.addresses[0].to_string(), "fe80::1/64");
    // Twice on one interface, or a global address on two: refused.
    let (line, col, msg) = problem(&format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"fe80::1/64\", \"fe80::1/64\"] }}\nb = \"h2\"\n"
    ));
    assert_eq!((line, col), (5, 47));
    assert_eq!(msg, "address fe80::1 is given twice on h1:eth0");
    let (_, _, msg) = problem(&format!(
        "{BASE}[[links]]\na = {{ node = \"h1\", addresses = [\"fd00::1/64\"] }}\nb = \"h2\"\n[[links]]\na = {{ node = \"h1\", addresses = [\"fd00::1/64\"] }}\nb = \"h2\"\n"
    ));
    assert_eq!(msg, "address fd00::1 is on both h1:eth0 and h1:eth1");
}

#[test]
fn ipv6_needs_an_mtu_of_1280() {
    let (line, col, msg) = problem(&format!(
        "{BASE}[[links]]\nmtu = 1200\na = {{ node = \"h1\", addresses = [\"10.0.0.1/24\", \"fd00::1/64\"] }}\nb = \"h2\"\n"
    ));
    assert_eq!((line, col), (6, 48));
    assert_eq!(
        msg,
        "IPv6 address fd00::1/64 needs an MTU of at least 1280, and links[0] has 1200 (the kernel turns IPv6 off below that)"
    );
    let (line, _, msg) = problem(&format!(
        "{BASE}[nodes.h1.bridges.br0]\nmtu = 1000\naddresses = [\"fd00::1/64\"]\n"
    ));
    assert_eq!(line, 6);
    assert!(msg.contains("nodes.h1.bridges.br0 has 1000"), "{msg}");
    // IPv4 only, or 1280: fine.
    parse(&format!(
        "{BASE}[[links]]\nmtu = 1280\na = {{ node = \"h1\", addresses = [\"fd00::1/64\"] }}\nb = \"h2\"\n"
    ))
    .unwrap();
}

#[test]
fn bridge_mtu_reaches_its_ports() {
    let text = format!(
        "{BASE}[nodes.h2.bridges.br0]\nmtu = 9000\n[[links]]\na = \"h1\"\nb = {{ node = \"h2\", bridge = \"br0\" }}\n[[links]]\na = \"h1\"\nb = \"h2\"\n"
    );
    let t = parse(&text).unwrap();
    assert_eq!(
        t.links[0].mtu,
        Some(9000),
        "the port's link takes the bridge's MTU"
    );
    assert_eq!(t.links[1].mtu, None);
    let (line, col, msg) = problem(&format!(
        "{BASE}[nodes.h2.bridges.br0]\nmtu = 9000\n[[links]]\nmtu = 1500\na = \"h1\"\nb = {{ node = \"h2\", bridge = \"br0\" }}\n"
    ));
    assert_eq!((line, col), (7, 7));
    assert!(
        msg.starts_with("links[0] has mtu 1500 but is a port of nodes.h2.bridges.br0, whose mtu is 9000 (the kernel brings a bridge down to its smallest port's MTU)"),
        "{msg}"
    );
}

#[test]
fn host_to_host_links_get_distinct_names() {
    let t = parse("name = \"hh\"\n[[links]]\na = \"host\"\nb = \"host\"\n").unwrap();
    assert_eq!(
        (t.links[0].a.ifname.as_str(), t.links[0].b.ifname.as_str()),
        ("hh-0a", "hh-0b")
    );
    let u = t.renamed("gg").unwrap();
    assert_eq!(u.links[0].b.ifname, "gg-0b");
}

#[test]
fn files_that_are_not_topologies() {
    for (path, want) in [
        ("/dev/zero", "not a regular file"),
        ("/", "not a regular file"),
        ("/nonexistent.toml", "cannot read the file"),
    ] {
        let e = Topology::from_file(path).unwrap_err();
        assert!(e.to_string().starts_with(&format!("{path}: {want}")), "{e}");
    }
    let big = std::env::temp_dir().join(format!("netnest-lab-big-{}.toml", std::process::id()));
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(17 << 20).unwrap();
    let e = Topology::from_file(&big).unwrap_err().to_string();
    std::fs::remove_file(&big).unwrap();
    assert!(
        e.contains("a topology file may have at most 16777216 (16 MiB)"),
        "{e}"
    );
}

#[test]
fn the_builder_says_what_the_file_says() {
    let mut b = netnest_lab::Builder::new("bt");
    b.node("h1")
        .route_multipath("10.9.0.0/16", &[("10.0.0.2", 3), ("10.0.1.2", 1)]);
    b.node("r").lo_address("10.255.0.1/32");
    b.link("h1", "r")
        .addresses(["10.0.0.1/24"], ["10.0.0.2/24"])
        .impair(&[("rate", "10mbit")]);
    b.link("h1", "r")
        .addresses(["10.0.1.1/24"], ["10.0.1.2/24"]);
    let built = b.build().unwrap();
    let text = r#"
        name = "bt"
        [nodes.h1]
        routes = [{ to = "10.9.0.0/16", nexthops = [{ via = "10.0.0.2", weight = 3 }, { via = "10.0.1.2" }] }]
        [nodes.r]
        addresses = ["10.255.0.1/32"]
        [[links]]
        a = { node = "h1", addresses = ["10.0.0.1/24"] }
        b = { node = "r", addresses = ["10.0.0.2/24"] }
        impair = { rate = "10mbit" }
        [[links]]
        a = { node = "h1", addresses = ["10.0.1.1/24"] }
        b = { node = "r", addresses = ["10.0.1.2/24"] }
    "#;
    assert_eq!(parse(text).unwrap(), built);
    let mut bad = netnest_lab::Builder::new("bt");
    bad.nodes(["a", "b"]);
    bad.link("a", "b").impair(&[("rate", "fast")]);
    let e = bad.build().unwrap_err();
    assert!(e.to_string().contains("invalid rate \"fast\""), "{e}");
}
