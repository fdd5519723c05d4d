//! A node's routes: destination, gateway, device, and whether the gateway is on a subnet the
//! node has.

use std::net::IpAddr;
use std::ops::Range;

use super::Checker;
use crate::prefix::IpPrefix;
use crate::topology::Route;

/// Checks one route of node `node`, whose interfaces and their addresses are `ifaces`.
pub(super) fn check_route(
    c: &mut Checker<'_>,
    r: &crate::file::RawRoute,
    span: Range<usize>,
    path: &str,
    node: &str,
    ifaces: &[(&str, &[IpPrefix])],
) -> Option<Route> {
    let via = match &r.via {
        None => None,
        Some(v) => match v.get_ref().parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                c.err(
                    v.span(),
                    format!("{path}.via"),
                    format!("\"{}\" is not an IPv4 or IPv6 address", v.get_ref()),
                );
                return None;
            }
        },
    };
    let to = if r.to.get_ref() == "default" {
        match via {
            Some(IpAddr::V6(_)) => IpPrefix::DEFAULT_V6,
            _ => IpPrefix::DEFAULT_V4,
        }
    } else {
        let p = c.prefix(&r.to, &format!("{path}.to"))?;
        if !p.is_network() {
            c.err(
                r.to.span(),
                format!("{path}.to"),
                format!("{p} has host bits set: the network is {}", p.network()),
            );
            return None;
        }
        p
    };
    if let Some(v) = via {
        if v.is_ipv4() != to.is_ipv4() {
            c.err(
                r.via.as_ref().map_or(span.clone(), |v| v.span()),
                format!("{path}.via"),
                format!("gateway {v} and destination {to} are not of the same family"),
            );
            return None;
        }
    }
    let dev = match &r.dev {
        None => None,
        Some(d) => {
            if !ifaces.iter().any(|(n, _)| n == d.get_ref()) {
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
                return None;
            }
            Some(d.get_ref().clone())
        }
    };
    if via.is_none() && dev.is_none() {
        c.err(
            span,
            path,
            "a route needs a gateway (via) or an interface (dev)",
        );
        return None;
    }
    if let Some(v) = via {
        let link_local = matches!(v, IpAddr::V6(a) if a.segments()[0] & 0xffc0 == 0xfe80);
        let candidates = ifaces
            .iter()
            .filter(|(n, _)| dev.as_deref().is_none_or(|d| d == *n));
        let on_link = candidates
            .clone()
            .any(|(_, addrs)| addrs.iter().any(|a| a.contains(v)));
        if link_local && dev.is_none() {
            c.err(
                r.via.as_ref().map_or(span.clone(), |v| v.span()),
                format!("{path}.via"),
                format!("gateway {v} is link-local: say which interface with dev"),
            );
        } else if !link_local && !on_link {
            let subnets: Vec<String> = candidates
                .flat_map(|(_, addrs)| addrs.iter())
                .filter(|a| a.is_ipv4() == v.is_ipv4())
                .map(|a| a.network().to_string())
                .collect();
            c.err(
                r.via.as_ref().map_or(span.clone(), |v| v.span()),
                format!("{path}.via"),
                format!(
                    "gateway {v} is not on any subnet of {}{} ({})",
                    node,
                    dev.as_deref().map(|d| format!(":{d}")).unwrap_or_default(),
                    if subnets.is_empty() {
                        "it has no such subnet".to_owned()
                    } else {
                        format!("its subnets: {}", subnets.join(", "))
                    }
                ),
            );
        }
    }
    Some(Route {
        to,
        via,
        dev,
        metric: r.metric.as_ref().map(|m| *m.get_ref()),
    })
}
