// SPDX-License-Identifier: MIT OR Apache-2.0
//! A node's own settings: `lo`, sysctls, routes.

use std::collections::HashSet;

use super::{check_route, Checker};
use crate::error::Location;
use crate::file::{RawLab, SysctlValue};
use crate::names::bad_sysctl_key;
use crate::prefix::IpPrefix;
use crate::topology::{Link, Node, Place, Route, RunCommand};

/// Fills each node's `lo`, sysctls and routes (once its interfaces are known).
pub(super) fn settings(c: &mut Checker, raw: &RawLab, nodes: &mut [Node], links: &[Link]) {
    for (i, (key, raw_node)) in raw.nodes.0.iter().enumerate() {
        let name = key.get_ref();
        if let Some(lo) = &raw_node.lo {
            nodes[i].lo_up = *lo.get_ref();
        }
        for (j, a) in raw_node.addresses.iter().enumerate() {
            let path = format!("nodes.{name}.addresses[{j}]");
            if let Some(p) = c.prefix(a, &path) {
                if !nodes[i].lo_up {
                    c.err(
                        a.span(),
                        &path,
                        "addresses on lo need lo up (lo = false here)",
                    );
                } else if nodes[i].addresses.contains(&p) {
                    c.err(a.span(), &path, format!("{p} is given twice"));
                } else {
                    nodes[i].addresses.push(p);
                }
            }
        }
        let mut keys = HashSet::new();
        for s in &raw_node.sysctls.0 {
            let path = format!("nodes.{name}.sysctls.\"{}\"", s.key.get_ref());
            if let Some(why) = bad_sysctl_key(s.key.get_ref()) {
                c.err(s.key.span(), &path, why);
            } else if !keys.insert(s.key.get_ref().clone()) {
                c.err(
                    s.key.span(),
                    &path,
                    format!("sysctl {} is set twice", s.key.get_ref()),
                );
            }
            match s.value.get_ref() {
                SysctlValue::Text(v) if !v.contains('\n') => {
                    nodes[i].sysctls.push((s.key.get_ref().clone(), v.clone()))
                }
                SysctlValue::Text(_) => c.err(
                    s.value.span(),
                    &path,
                    "a sysctl value cannot hold a newline",
                ),
                SysctlValue::Invalid(what) => c.err(
                    s.value.span(),
                    &path,
                    format!("a sysctl value is a string, an integer or a boolean, not {what}"),
                ),
            }
        }
        let place = Place::Node(i);
        let ifaces: Vec<(&str, &[IpPrefix])> = links
            .iter()
            .flat_map(|l| [&l.a, &l.b])
            .filter(|e| e.place == place)
            .map(|e| (e.ifname.as_str(), e.addresses.as_slice()))
            .chain(
                nodes[i]
                    .bridges
                    .iter()
                    .map(|b| (b.name.as_str(), b.addresses.as_slice())),
            )
            .collect();
        let mut routes = Vec::new();
        for (j, r) in raw_node.routes.iter().enumerate() {
            let path = format!("nodes.{name}.routes[{j}]");
            if let Some(route) = check_route(c, r.get_ref(), r.span(), &path, name, &ifaces) {
                if routes
                    .iter()
                    .any(|o: &Route| o.to == route.to && o.metric == route.metric)
                {
                    c.err(
                        r.get_ref().to.span(),
                        format!("{path}.to"),
                        format!("a route to {} is already given", route.to),
                    );
                }
                routes.push(route);
            }
        }
        nodes[i].routes = routes;
        for (j, text) in raw_node.run.iter().enumerate() {
            let path = format!("nodes.{name}.run[{j}]");
            match RunCommand::new(text.get_ref()) {
                Some(mut command) => {
                    command.location = c
                        .source
                        .filter(|_| text.span() != (0..0))
                        .map(|s| Location::of(s, text.span()));
                    nodes[i].run.push(command);
                }
                None => c.err(
                    text.span(),
                    &path,
                    "a command is a program and its arguments, with quotes closed: \"iperf3 -s\"",
                ),
            }
        }
    }
}
