// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Topology::to_toml`]: a topology written back as a file that reads the same.

use std::fmt::Write as _;

use crate::topology::{Bridge, End, Place, Topology};

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list<T: ToString>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(|i| q(&i.to_string())).collect();
    format!("[{}]", items.join(", "))
}

fn bridge(out: &mut String, header: &str, b: &Bridge) {
    let _ = writeln!(out, "\n[{header}.bridges.{}]", q(&b.name));
    if !b.addresses.is_empty() {
        let _ = writeln!(out, "addresses = {}", list(&b.addresses));
    }
    if let Some(mtu) = b.mtu {
        let _ = writeln!(out, "mtu = {mtu}");
    }
}

impl Topology {
    /// The topology as a TOML file (every interface name written out), which
    /// [`Topology::from_str`](std::str::FromStr) reads back to the same topology.
    ///
    /// ```
    /// let mut b = netnest_lab::Builder::new("c");
    /// b.nodes(["a", "b"]);
    /// b.link("a", "b").addresses(["10.0.0.1/24"], ["10.0.0.2/24"]);
    /// let t = b.build()?;
    /// let again: netnest_lab::Topology = t.to_toml().parse()?;
    /// assert_eq!(again, t);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_toml(&self) -> String {
        let mut out = format!("name = {}\n", q(&self.name));
        for n in &self.nodes {
            let header = format!("nodes.{}", q(&n.name));
            let _ = writeln!(out, "\n[{header}]");
            if !n.lo_up {
                out.push_str("lo = false\n");
            }
            if !n.addresses.is_empty() {
                let _ = writeln!(out, "addresses = {}", list(&n.addresses));
            }
            if !n.sysctls.is_empty() {
                let kv: Vec<String> = n
                    .sysctls
                    .iter()
                    .map(|(k, v)| format!("{} = {}", q(k), q(v)))
                    .collect();
                let _ = writeln!(out, "sysctls = {{ {} }}", kv.join(", "));
            }
            if !n.routes.is_empty() {
                out.push_str("routes = [\n");
                for r in &n.routes {
                    let to =
                        if r.is_default() && r.to.is_ipv4() == r.via.is_none_or(|v| v.is_ipv4()) {
                            "default".to_owned()
                        } else {
                            r.to.to_string()
                        };
                    let _ = write!(out, "    {{ to = {}", q(&to));
                    if let Some(via) = r.via {
                        let _ = write!(out, ", via = {}", q(&via.to_string()));
                    }
                    if let Some(dev) = &r.dev {
                        let _ = write!(out, ", dev = {}", q(dev));
                    }
                    if let Some(m) = r.metric {
                        let _ = write!(out, ", metric = {m}");
                    }
                    if !r.nexthops.is_empty() {
                        let hops: Vec<String> = r
                            .nexthops
                            .iter()
                            .map(|h| {
                                let mut s = String::from("{ ");
                                if let Some(via) = h.via {
                                    let _ = write!(s, "via = {}, ", q(&via.to_string()));
                                }
                                if let Some(dev) = &h.dev {
                                    let _ = write!(s, "dev = {}, ", q(dev));
                                }
                                let _ = write!(s, "weight = {} }}", h.weight);
                                s
                            })
                            .collect();
                        let _ = write!(out, ", nexthops = [{}]", hops.join(", "));
                    }
                    out.push_str(" },\n");
                }
                out.push_str("]\n");
            }
            for b in &n.bridges {
                bridge(&mut out, &header, b);
            }
        }
        for b in &self.host_bridges {
            bridge(&mut out, "host", b);
        }
        let end = |e: &End| {
            let node = match e.place {
                Place::Host => "host",
                Place::Node(i) => &self.nodes[i].name,
            };
            let mut s = format!("{{ node = {}, ifname = {}", q(node), q(&e.ifname));
            if !e.addresses.is_empty() {
                let _ = write!(s, ", addresses = {}", list(&e.addresses));
            }
            if let Some(b) = &e.bridge {
                let _ = write!(s, ", bridge = {}", q(b));
            }
            if !e.impair.is_empty() {
                let text = e.impair.to_string();
                let words: Vec<&str> = text.split(' ').collect();
                let pairs: Vec<String> = words
                    .chunks(2)
                    .map(|p| format!("{} = {}", p[0], q(p[1])))
                    .collect();
                let _ = write!(s, ", impair = {{ {} }}", pairs.join(", "));
            }
            s.push_str(" }");
            s
        };
        for l in &self.links {
            let _ = write!(out, "\n[[links]]\na = {}\nb = {}\n", end(&l.a), end(&l.b));
            if let Some(mtu) = l.mtu {
                let _ = writeln!(out, "mtu = {mtu}");
            }
        }
        for e in &self.expects {
            let to = match &e.to {
                crate::reach::ExpectTarget::Node(n) => q(n),
                crate::reach::ExpectTarget::Address(a) => q(&a.to_string()),
            };
            let _ = write!(
                out,
                "\n[[expect]]\nfrom = {}\nto = {to}\nreach = {}\n",
                q(&e.from),
                e.reach
            );
            if let Some(port) = e.port {
                let _ = writeln!(out, "port = {port}");
            }
        }
        out
    }
}
