// SPDX-License-Identifier: MIT OR Apache-2.0
//! A node's routes: destination, gateway, device, and whether the gateway is on a subnet the
//! node has. [`check_route`] runs these steps in order; each reports its own problem.

use std::net::IpAddr;
use std::ops::Range;

use super::addresses::is_link_local;
use super::Checker;
use crate::file::RawRoute;
use crate::prefix::IpPrefix;
use crate::topology::Route;

/// A node's interfaces, each with its addresses.
type Ifaces<'a> = [(&'a str, &'a [IpPrefix])];

/// Checks one route of node `node`, whose interfaces and their addresses are `ifaces`.
pub(super) fn check_route(
    c: &mut Checker<'_>,
    r: &RawRoute,
    span: Range<usize>,
    path: &str,
    node: &str,
    ifaces: &Ifaces,
) -> Option<Route> {
    if !r.nexthops.is_empty() {
        return multipath(c, r, span, path, node, ifaces);
    }
    let via = gateway(c, r, path)?;
    let to = destination(c, r, via, path)?;
    let via_span = r.via.as_ref().map_or(span.clone(), |v| v.span());
    if let Some(v) = via {
        if v.is_ipv4() != to.is_ipv4() {
            c.err(
                via_span,
                format!("{path}.via"),
                format!("gateway {v} and destination {to} are not of the same family"),
            );
            return None;
        }
    }
    let dev = device(c, r, path, node, ifaces)?;
    if via.is_none() && dev.is_none() {
        c.err(
            span,
            path,
            "a route needs a gateway (via) or an interface (dev)",
        );
        return None;
    }
    if let Some(v) = via {
        on_link(c, v, dev.as_deref(), via_span, path, node, ifaces);
    }
    Some(Route {
        to,
        via,
        dev,
        metric: r.metric.as_ref().map(|m| *m.get_ref()),
        nexthops: Vec::new(),
    })
}

/// A route with `nexthops`: each checked as a route of its own to the same destination, all
/// of one family, with a weight of 1 to 256 (default 1).
fn multipath(
    c: &mut Checker<'_>,
    r: &RawRoute,
    span: Range<usize>,
    path: &str,
    node: &str,
    ifaces: &Ifaces,
) -> Option<Route> {
    if let Some(extra) = r.via.as_ref().or(r.dev.as_ref()) {
        c.err(
            extra.span(),
            path,
            "a route with nexthops gives via and dev in each next hop, not beside them",
        );
        return None;
    }
    let mut nexthops = Vec::new();
    let mut to = None;
    let mut ok = true;
    for (k, h) in r.nexthops.iter().enumerate() {
        let hop = h.get_ref();
        let hpath = format!("{path}.nexthops[{k}]");
        let single = RawRoute {
            to: r.to.clone(),
            via: hop.via.clone(),
            dev: hop.dev.clone(),
            metric: None,
            nexthops: Vec::new(),
        };
        let weight = match &hop.weight {
            None => 1,
            Some(w) => match u16::try_from(*w.get_ref()) {
                Ok(w) if (1..=256).contains(&w) => w,
                _ => {
                    c.err(
                        w.span(),
                        format!("{hpath}.weight"),
                        format!("weight {} is out of range (1 to 256)", w.get_ref()),
                    );
                    ok = false;
                    continue;
                }
            },
        };
        let Some(route) = check_route(c, &single, h.span(), &hpath, node, ifaces) else {
            ok = false;
            continue;
        };
        match to {
            None => to = Some(route.to),
            Some(first) if first.is_ipv4() != route.to.is_ipv4() => {
                c.err(
                    h.span(),
                    &hpath,
                    "the next hops of a route must all be of one family",
                );
                ok = false;
            }
            Some(_) => {}
        }
        nexthops.push(crate::topology::Nexthop {
            via: route.via,
            dev: route.dev,
            weight,
        });
    }
    let _ = span;
    Some(Route {
        to: to.filter(|_| ok)?,
        via: None,
        dev: None,
        metric: r.metric.as_ref().map(|m| *m.get_ref()),
        nexthops,
    })
}

/// The gateway (`via`), if any: `Some(None)` for none, `None` after reporting a bad one.
fn gateway(c: &mut Checker, r: &RawRoute, path: &str) -> Option<Option<IpAddr>> {
    let Some(v) = &r.via else {
        return Some(None);
    };
    match v.get_ref().parse::<IpAddr>() {
        Ok(ip) => Some(Some(ip)),
        Err(_) => {
            c.err(
                v.span(),
                format!("{path}.via"),
                format!("\"{}\" is not an IPv4 or IPv6 address", v.get_ref()),
            );
            None
        }
    }
}

/// The destination: `default` (of the gateway's family), or a network without host bits.
fn destination(c: &mut Checker, r: &RawRoute, via: Option<IpAddr>, path: &str) -> Option<IpPrefix> {
    if r.to.get_ref() == "default" {
        return Some(match via {
            Some(IpAddr::V6(_)) => IpPrefix::DEFAULT_V6,
            _ => IpPrefix::DEFAULT_V4,
        });
    }
    let p = c.prefix(&r.to, &format!("{path}.to"))?;
    if !p.is_network() {
        c.err(
            r.to.span(),
            format!("{path}.to"),
            format!("{p} has host bits set: the network is {}", p.network()),
        );
        return None;
    }
    Some(p)
}

/// The output device (`dev`), if any, which must be one of the node's interfaces:
/// `Some(None)` for none, `None` after reporting an unknown one.
fn device(
    c: &mut Checker,
    r: &RawRoute,
    path: &str,
    node: &str,
    ifaces: &Ifaces,
) -> Option<Option<String>> {
    let Some(d) = &r.dev else {
        return Some(None);
    };
    if ifaces.iter().any(|(n, _)| n == d.get_ref()) {
        return Some(Some(d.get_ref().clone()));
    }
    let names: Vec<&str> = ifaces.iter().map(|(n, _)| *n).collect();
    c.err(
        d.span(),
        format!("{path}.dev"),
        format!(
            "node {node} has no interface \"{}\" ({})",
            d.get_ref(),
            if names.is_empty() {
                "it has none but lo".to_owned()
            } else {
                format!("its interfaces are: {}", names.join(", "))
            }
        ),
    );
    None
}

/// Reports a gateway the node cannot reach directly: a link-local one without `dev`, or one on
/// none of the subnets of the node (of `dev`, if given).
fn on_link(
    c: &mut Checker,
    v: IpAddr,
    dev: Option<&str>,
    via_span: Range<usize>,
    path: &str,
    node: &str,
    ifaces: &Ifaces,
) {
    let candidates = ifaces.iter().filter(|(n, _)| dev.is_none_or(|d| d == *n));
    if is_link_local(v) {
        if dev.is_none() {
            c.err(
                via_span,
                format!("{path}.via"),
                format!("gateway {v} is link-local: say which interface with dev"),
            );
        }
        return;
    }
    let mut addresses = candidates.flat_map(|(_, addrs)| addrs.iter());
    if addresses.clone().any(|a| a.contains(v)) {
        return;
    }
    let subnets: Vec<String> = addresses
        .by_ref()
        .filter(|a| a.is_ipv4() == v.is_ipv4())
        .map(|a| a.network().to_string())
        .collect();
    c.err(
        via_span,
        format!("{path}.via"),
        format!(
            "gateway {v} is not on any subnet of {node}{} ({})",
            dev.map(|d| format!(":{d}")).unwrap_or_default(),
            if subnets.is_empty() {
                "it has no such subnet".to_owned()
            } else {
                format!("its subnets: {}", subnets.join(", "))
            }
        ),
    );
}
