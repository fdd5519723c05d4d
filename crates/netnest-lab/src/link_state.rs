// SPDX-License-Identifier: MIT OR Apache-2.0
//! Failure injection on a lab that is up: [`link_down`] and [`link_up`] for one end of a link
//! inside a node. Taking an interface down makes the kernel drop the routes through it; bringing
//! it up again puts back the node's routes from the topology file, so the lab is as `up` made
//! it.

use netnest::netlink::core::{NLM_F_CREATE, NLM_F_REPLACE};
use netnest::{CreateMode, IpRoute, Name, Registry};

use crate::error::LabError;
use crate::options::Options;
use crate::record::Record;
use crate::topology::Topology;

/// The record of `lab` and a handle on node `node`'s namespace.
fn open(lab: &str, node: &str, options: &Options) -> Result<(Record, IpRoute), LabError> {
    let record = Record::read(&options.state_dir(), lab)
        .map_err(|e| LabError::step(format!("read the record of lab {lab}"), e))?
        .ok_or_else(|| LabError::NotFound {
            lab: lab.to_owned(),
        })?;
    let namespace = record
        .nodes
        .iter()
        .find(|n| n.name == node)
        .map(|n| n.namespace.clone())
        .ok_or_else(|| {
            LabError::step(
                format!("find node {node} in lab {lab}"),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )
        })?;
    let name = Name::new(namespace.as_str())
        .map_err(|e| LabError::step(format!("open node {node}"), std::io::Error::other(e)))?;
    let ipr = IpRoute::open(
        &Registry::new(&record.registry),
        &name,
        CreateMode::OpenExisting,
    )
    .map_err(|e| LabError::step(format!("open node {node}"), e))?;
    Ok((record, ipr))
}

/// The topology a lab that is up was built from (its record's file, under the lab's name).
pub fn topology_of(record: &Record) -> Option<Topology> {
    let t = Topology::from_file(record.file.as_ref()?).ok()?;
    if t.name == record.lab {
        Some(t)
    } else {
        t.renamed(&record.lab).ok()
    }
}

/// Takes interface `ifname` of node `node` down (`ip -n NS link set IFNAME down`).
pub fn link_down(lab: &str, node: &str, ifname: &str, options: &Options) -> Result<(), LabError> {
    let (_, mut ipr) = open(lab, node, options)?;
    ipr.link_set_down(ifname)
        .map_err(|e| LabError::step(format!("take {node}:{ifname} down"), e))
}

/// Brings interface `ifname` of node `node` up, then puts back the node's routes from the
/// topology (`ip route replace`), which the kernel dropped when it went down.
pub fn link_up(lab: &str, node: &str, ifname: &str, options: &Options) -> Result<(), LabError> {
    let (record, mut ipr) = open(lab, node, options)?;
    ipr.link_set_up(ifname)
        .map_err(|e| LabError::step(format!("bring {node}:{ifname} up"), e))?;
    let Some(t) = topology_of(&record) else {
        return Ok(());
    };
    let Some(n) = t.node(node) else {
        return Ok(());
    };
    for route in &n.routes {
        let mut index = |dev: Option<&String>| match dev {
            Some(dev) => ipr
                .link_index(dev.as_str())
                .map(Some)
                .map_err(|e| LabError::step(format!("look up {node}:{dev}"), e)),
            None => Ok(None),
        };
        let oif = index(route.dev.as_ref())?;
        let hops = route
            .nexthops
            .iter()
            .map(|h| index(h.dev.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        let (m, _) = crate::build::requests::add_route(route, oif, &hops);
        ipr.socket()
            .ack(m, NLM_F_CREATE | NLM_F_REPLACE)
            .map_err(|e| LabError::step(format!("put back route {} in {node}", route.to), e))?;
    }
    Ok(())
}
