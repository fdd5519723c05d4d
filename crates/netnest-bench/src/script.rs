// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `ip` commands equivalent to a topology, as the shell scripts people write by hand: one
//! `ip` process per step ([`ip_script`]), or `ip -batch` ([`ip_batch_script`]). For benchmarks
//! (the lab against what it replaces) and for readers who want to see what a lab does.
//!
//! Both create each veth's peer directly in its namespace (`peer name B netns NS`), as the lab
//! does: the fast way of writing such a script (moving a link costs the kernel ~16 ms).

use std::fmt::Write as _;

use netnest_lab::{End, Place, Topology};

/// A pair of shell scripts: one brings the topology up, the other takes it down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// `sh` text that builds the topology.
    pub up: String,
    /// `sh` text that removes it.
    pub down: String,
}

fn ns(t: &Topology, p: Place) -> Option<&str> {
    match p {
        Place::Host => None,
        Place::Node(i) => Some(&t.nodes[i].namespace),
    }
}

/// `-n NS ` or nothing, for a place.
fn dash_n(t: &Topology, p: Place) -> String {
    ns(t, p).map_or(String::new(), |n| format!("-n {n} "))
}

fn mtu(m: Option<u32>) -> String {
    m.map_or(String::new(), |m| format!(" mtu {m}"))
}

/// The creation command of link `l`, for a context in namespace `from` (`None`: the host);
/// both ends are created where they belong.
fn veth_add(t: &Topology, a: &End, b: &End, m: Option<u32>, from: Option<&str>) -> String {
    let netns = |e: &End| match ns(t, e.place) {
        Some(n) if Some(n) != from => format!(" netns {n}"),
        _ => String::new(),
    };
    format!(
        "link add {}{}{} type veth peer name {}{}{}",
        a.ifname,
        mtu(m),
        netns(a),
        b.ifname,
        mtu(m),
        netns(b)
    )
}

/// Per place, the commands run inside it after the links exist: lo, enslaving, up, addresses,
/// routes (each without the `ip [-n NS]` prefix).
fn configure(t: &Topology, place: Place) -> Vec<String> {
    let mut cmds = Vec::new();
    if let Place::Node(n) = place {
        if t.nodes[n].lo_up {
            cmds.push("link set lo up".to_owned());
        }
    }
    let ends: Vec<&End> = t
        .links
        .iter()
        .flat_map(|l| [&l.a, &l.b])
        .filter(|e| e.place == place)
        .collect();
    for b in t.bridges(place) {
        cmds.push(format!("link set {} up", b.name));
    }
    for e in &ends {
        if let Some(br) = &e.bridge {
            cmds.push(format!("link set {} master {br}", e.ifname));
        }
        cmds.push(format!("link set {} up", e.ifname));
    }
    for b in t.bridges(place) {
        for a in &b.addresses {
            cmds.push(format!(
                "address add {a} dev {}{}",
                b.name,
                nodad(a.is_ipv4())
            ));
        }
    }
    for e in &ends {
        for a in &e.addresses {
            cmds.push(format!(
                "address add {a} dev {}{}",
                e.ifname,
                nodad(a.is_ipv4())
            ));
        }
    }
    if let Place::Node(n) = place {
        for r in &t.nodes[n].routes {
            let mut c = format!(
                "route add {}",
                if r.is_default() && r.to.is_ipv4() {
                    "default".to_owned()
                } else {
                    r.to.to_string()
                }
            );
            if let Some(via) = r.via {
                let _ = write!(c, " via {via}");
            }
            if let Some(dev) = &r.dev {
                let _ = write!(c, " dev {dev}");
            }
            if let Some(m) = r.metric {
                let _ = write!(c, " metric {m}");
            }
            cmds.push(c);
        }
    }
    cmds
}

fn nodad(v4: bool) -> &'static str {
    if v4 {
        ""
    } else {
        " nodad"
    }
}

fn places(t: &Topology) -> impl Iterator<Item = Place> {
    std::iter::once(Place::Host).chain((0..t.nodes.len()).map(Place::Node))
}

fn down_script(t: &Topology, batch: bool) -> String {
    let mut s = String::from("#!/bin/sh\n# Takes down what the matching up script made.\n");
    let host = t.host_interfaces();
    if batch {
        s.push_str("ip -force -batch - <<'EOF'\n");
        for h in &host {
            let _ = writeln!(s, "link delete {h}");
        }
        for n in &t.nodes {
            let _ = writeln!(s, "netns delete {}", n.namespace);
        }
        s.push_str("EOF\n");
    } else {
        for h in &host {
            let _ = writeln!(s, "ip link delete {h} 2>/dev/null");
        }
        for n in &t.nodes {
            let _ = writeln!(s, "ip netns delete {}", n.namespace);
        }
    }
    s
}

/// One `ip` command per step, as a shell script of `ip netns add`, `ip -n NS link add …`,
/// `ip -n NS address add …`, `ip netns exec NS sysctl -qw …`, `ip -n NS route add …`.
pub fn ip_script(t: &Topology) -> Script {
    let mut s = format!(
        "#!/bin/sh -e\n# Lab {}: the ip commands it replaces.\n",
        t.name
    );
    for n in &t.nodes {
        let _ = writeln!(s, "ip netns add {}", n.namespace);
    }
    for p in places(t) {
        for b in t.bridges(p) {
            let _ = writeln!(
                s,
                "ip {}link add {}{} type bridge",
                dash_n(t, p),
                b.name,
                mtu(b.mtu)
            );
        }
    }
    for l in &t.links {
        // From the node that owns it, as the lab does; a link with a host end from the host.
        let (owner, (a, b)) = match (l.a.place, l.b.place) {
            (Place::Host, _) => (Place::Host, (&l.a, &l.b)),
            (_, Place::Host) => (Place::Host, (&l.b, &l.a)),
            (p, _) => (p, (&l.a, &l.b)),
        };
        let _ = writeln!(
            s,
            "ip {}{}",
            dash_n(t, owner),
            veth_add(t, a, b, l.mtu, ns(t, owner))
        );
    }
    for n in &t.nodes {
        for (k, v) in &n.sysctls {
            let _ = writeln!(s, "ip netns exec {} sysctl -qw {k}={v}", n.namespace);
        }
    }
    for p in places(t) {
        for c in configure(t, p) {
            let _ = writeln!(s, "ip {}{c}", dash_n(t, p));
        }
    }
    Script {
        up: s,
        down: down_script(t, false),
    }
}

/// The same with `ip -batch`: one batch in the host for namespaces and links (every link created
/// from the host, each end directly in its namespace), one `ip -n NS -batch` per namespace for
/// addresses and routes, and `ip netns exec NS sysctl` for sysctls (a batch cannot enter a
/// namespace).
pub fn ip_batch_script(t: &Topology) -> Script {
    let mut s = format!(
        "#!/bin/sh -e\n# Lab {}: the ip -batch commands it replaces.\nip -batch - <<'EOF'\n",
        t.name
    );
    for n in &t.nodes {
        let _ = writeln!(s, "netns add {}", n.namespace);
    }
    for p in places(t) {
        for b in t.bridges(p) {
            let netns = ns(t, p).map_or(String::new(), |n| format!(" netns {n}"));
            let _ = writeln!(s, "link add {}{}{netns} type bridge", b.name, mtu(b.mtu));
        }
    }
    for l in &t.links {
        let _ = writeln!(s, "{}", veth_add(t, &l.a, &l.b, l.mtu, None));
    }
    s.push_str("EOF\n");
    for n in &t.nodes {
        for (k, v) in &n.sysctls {
            let _ = writeln!(s, "ip netns exec {} sysctl -qw {k}={v}", n.namespace);
        }
    }
    for p in places(t) {
        let cmds = configure(t, p);
        if cmds.is_empty() {
            continue;
        }
        let _ = writeln!(s, "ip {}-batch - <<'EOF'", dash_n(t, p));
        for c in cmds {
            let _ = writeln!(s, "{c}");
        }
        s.push_str("EOF\n");
    }
    Script {
        up: s,
        down: down_script(t, true),
    }
}
