// SPDX-License-Identifier: MIT OR Apache-2.0
//! `[[expect]]`: `from` a node, `to` a node or an address, `reach` (default `true`), and an
//! optional TCP `port` (otherwise an ICMP echo).

use std::net::IpAddr;

use super::checker::Checker;
use crate::file::RawLab;
use crate::reach::{Expect, ExpectTarget};
use crate::topology::Node;

/// The expectations, checked against the nodes.
pub(super) fn resolve(c: &mut Checker, raw: &RawLab, nodes: &[Node]) -> Vec<Expect> {
    let names = || {
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        if names.is_empty() {
            "there are no nodes".to_owned()
        } else {
            format!("the nodes are: {}", names.join(", "))
        }
    };
    let mut out = Vec::new();
    for (i, e) in raw.expect.iter().enumerate() {
        let e = e.get_ref();
        let path = format!("expect[{i}]");
        let from = e.from.get_ref();
        let mut ok = true;
        if !nodes.iter().any(|n| &n.name == from) {
            c.err(
                e.from.span(),
                format!("{path}.from"),
                format!("unknown node \"{from}\" ({})", names()),
            );
            ok = false;
        }
        let to = e.to.get_ref();
        let target = if nodes.iter().any(|n| &n.name == to) {
            Some(ExpectTarget::Node(to.clone()))
        } else if let Ok(address) = to.parse::<IpAddr>() {
            Some(ExpectTarget::Address(address))
        } else {
            c.err(
                e.to.span(),
                format!("{path}.to"),
                format!("\"{to}\" is neither a node nor an address ({})", names()),
            );
            None
        };
        let port = match &e.port {
            None => None,
            Some(p) => match u16::try_from(*p.get_ref()) {
                Ok(port) if port > 0 => Some(port),
                _ => {
                    c.err(
                        p.span(),
                        format!("{path}.port"),
                        format!("port {} is out of range (1 to 65535)", p.get_ref()),
                    );
                    ok = false;
                    None
                }
            },
        };
        let reach = e.reach.as_ref().is_none_or(|r| *r.get_ref());
        if let (true, Some(to)) = (ok, target) {
            let mut expect = Expect::new(from, to, reach);
            expect.port = port;
            out.push(expect);
        }
    }
    out
}
