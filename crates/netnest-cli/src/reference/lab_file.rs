// SPDX-License-Identifier: MIT OR Apache-2.0
//! The topology file format, for netnest-lab(5) (only the man page says all of it).

/// One key of a topology file: `(where, key, what)`.
pub type Key = (&'static str, &'static str, &'static str);

/// Every key of a topology file.
pub const KEYS: &[Key] = &[
    (
        "top",
        "name",
        "Required. The lab's name: 1 to 64 of A-Z a-z 0-9 _ . -, not starting with . or -. It \
         prefixes everything the lab makes, so two labs never collide.",
    ),
    (
        "top",
        "nodes",
        "A table of nodes, [nodes.NAME] (the same characters as lab names; host is reserved). \
         Each node is a network namespace named LAB-NODE.",
    ),
    ("node", "lo", "true (the default) brings lo up."),
    (
        "node",
        "addresses",
        "ADDRESS/LEN on the node's lo (a router's own addresses; no dummy interface needed), \
         added with the interfaces' addresses; lo must stay up.",
    ),
    (
        "node",
        "sysctls",
        "Keys under net. (a namespace's own sysctls), values strings, integers or booleans \
         (true is 1), written under /proc/sys/net inside the node: the net.ipv4.conf.default.* \
         and net.ipv6.conf.default.* ones before its interfaces are made (so they apply to \
         them), the others after its interfaces exist, before addresses and routes. Dotted keys may be quoted (\"net.ipv4.ip_forward\" = 1) \
         or nested ([nodes.r.sysctls] then net.ipv4.ip_forward = 1).",
    ),
    (
        "node",
        "routes",
        "An array of { to, via, dev, metric }: to is \"default\" or a network (10.9.0.0/16, host \
         bits zero); at least one of via (a gateway on one of the node's subnets, or link-local \
         with dev) and dev (an interface of the node). As ip route add: table main, proto boot.",
    ),
    (
        "node",
        "nexthops",
        "In a route, for ECMP: instead of via and dev, an array of next hops { via, dev, weight }, each checked \
         as a route of its own, all of one family; weight 1 to 256 (default 1). One route with \
         RTA_MULTIPATH, as ip route add TO nexthop via GW weight W nexthop ...",
    ),
    (
        "node",
        "run",
        "An array of commands, [\"iperf3 -s\", \"sh -c 'exec nc -lk 7'\"], started in order \
         once the topology is up, each in netnest exec's environment in the node (private \
         mounts, the node's /sys, /etc/netns/LAB-NODE/ over /etc) and in a process group of its \
         own. Words are split as a shell splits plain words and quotes, with nothing expanded \
         (sh -c '...' for a shell). Output goes to a log file under the lab's state directory \
         (netnest lab logs LAB NODE); lab down stops them (SIGTERM, 1.5 s, SIGKILL). A command \
         that cannot start fails lab up, which removes everything.",
    ),
    (
        "node",
        "bridges",
        "[nodes.NODE.bridges.NAME]: a bridge in the node, up, with addresses = [...], mtu (also given to \
         its ports' links, which must not set another: the kernel brings a bridge down to its \
         smallest port's MTU), and members = [\"IFNAME\", ...] (link ends in that node; or bridge = \"NAME\" on the end).",
    ),
    (
        "top",
        "host.bridges",
        "[host.bridges.NAME]: the same, in the host.",
    ),
    (
        "top",
        "links",
        "An array of veth pairs, [[links]], with ends a and b and an optional mtu (68 to 65535; \
         at least 1280 with an IPv6 address on an end: the kernel turns IPv6 off below that).",
    ),
    (
        "end",
        "impair",
        "On an end or on a link (in [[links]], beside a and b): { rate = \"10mbit\", delay = \"20ms\", jitter = \"5ms\", loss = \"1%\", duplicate, \
         corrupt, reorder }: what the interface's egress does to packets, values as tc writes \
         them. On a link, both ends; on an end, that end (its keys win over the link's). rate is \
         a tbf qdisc, the others netem (jitter and reorder need a delay); set by lab up once the \
         links exist. On a kernel without netem (CONFIG_NET_SCH_NETEM not set), a file asking \
         for any but rate is refused before anything is made.",
    ),
    (
        "end",
        "node",
        "Required. A node, or \"host\": the namespace netnest lab up runs in.",
    ),
    (
        "end",
        "ifname",
        "At most 15 bytes, no /, : or spaces, unique in its namespace (lo is taken). Default: \
         eth0, eth1... in a node (skipping names given explicitly), LAB-NODE in the host (after the node at \
         the other end; LAB-Ia and LAB-Ib for link I with both ends in the host).",
    ),
    (
        "end",
        "addresses",
        "ADDRESS/LEN, IPv4 or IPv6; the same address twice in one namespace is refused, except \
         an IPv6 link-local one (fe80::/10), which need only be unique on its interface.",
    ),
    (
        "end",
        "bridge",
        "A bridge in the same place, which the end becomes a port of.",
    ),
    (
        "end",
        "short form",
        "a = \"h1\" or a = \"h1:eth3\" for an end without addresses or bridge.",
    ),
    (
        "top",
        "expect",
        "An array [[expect]] of what netnest lab test checks: from (a node), to (a node, probed \
         on each address family both have, or an address), reach (true, the default, or \
         false), port (1 to 65535: a TCP connection instead of an ICMP echo).",
    ),
];

/// The example file of netnest-lab(5).
pub const EXAMPLE_FILE: &str = r#"name = "trio"

[nodes.h1]
routes = [{ to = "default", via = "10.0.1.1" }]

[nodes.h2]
routes = [{ to = "default", via = "10.0.2.1" }]

[nodes.r]
sysctls = { "net.ipv4.ip_forward" = 1 }

[[links]]
a = { node = "h1", ifname = "eth0", addresses = ["10.0.1.2/24"] }
b = { node = "r", ifname = "eth1", addresses = ["10.0.1.1/24"] }

[[links]]
a = { node = "h2", addresses = ["10.0.2.2/24"] }
b = { node = "r", ifname = "eth2", addresses = ["10.0.2.1/24"] }
mtu = 9000
"#;

/// What netnest-lab(5) says beyond the keys.
pub const NOTES: &[&str] = &[
    "Unknown keys are errors. Nodes, bridges and links are built in file order. A file that \
     does not validate creates nothing; every problem is reported, in file order, with its line \
     and column.",
    "Every interface is brought up. IPv6 addresses are added without duplicate address \
     detection, and in a lab with IPv6 each node gets net.ipv6.conf.default.accept_dad = 0 \
     before its interfaces exist, so link-local addresses are usable at once. Host interfaces \
     get no such treatment.",
    "netnest lab up waits until every link carries traffic before it returns, so a test can \
     use the lab at once.",
];
