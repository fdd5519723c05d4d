// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Topology::renamed`]: the same lab under another name.

use super::bad_name;
use crate::error::{Problem, SpecError};
use crate::names::{default_host_ifname, IFNAME_MAX};
use crate::topology::{Place, Topology};

/// The topology under another name: namespaces and default host interface names follow.
pub(crate) fn renamed(t: &Topology, name: &str) -> Result<Topology, SpecError> {
    let fail = |message: String| {
        SpecError::new(
            t.file.as_deref(),
            vec![Problem {
                path: "name".into(),
                message,
                location: None,
            }],
        )
    };
    if let Some(why) = bad_name(name) {
        return Err(fail(format!("invalid lab name: {why}")));
    }
    let mut out = t.clone();
    out.name = name.to_owned();
    for n in &mut out.nodes {
        n.namespace = format!("{name}-{}", n.name);
    }
    for (i, l) in out.links.iter_mut().enumerate() {
        let places = [l.b.place, l.a.place];
        for (k, end) in [&mut l.a, &mut l.b].into_iter().enumerate() {
            if end.place != Place::Host {
                continue;
            }
            let peer = match places[k] {
                Place::Node(n) => Some(t.nodes[n].name.as_str()),
                Place::Host => None,
            };
            if end.ifname == default_host_ifname(&t.name, i, k, peer) {
                let new = default_host_ifname(name, i, k, peer);
                if new.len() > IFNAME_MAX {
                    return Err(fail(format!(
                        "the host interface name \"{new}\" made from the new name is longer than {IFNAME_MAX} bytes"
                    )));
                }
                end.ifname = new;
            }
        }
    }
    Ok(out)
}
