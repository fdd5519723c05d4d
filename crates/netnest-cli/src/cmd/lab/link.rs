// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab link NAME NODE:IFNAME set KEY VALUE…|clear|up|down`: failure injection and
//! impairment at run time, on one end of a link inside a node. `set` replaces the end's whole
//! impairment (`rate` by `tbf`; `delay`, `jitter`, `loss`, `duplicate`, `corrupt`, `reorder` by
//! `netem`), `clear` removes it, `up` and `down` bring the interface up or down.

use netnest::{IpRoute, Name, Registry};
use netnest_lab::impair::{no_netem_message, Impairment};
use netnest_lab::record::Record;
use netnest_lab::Options;

use crate::cmd::Status;

/// What to do to the end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LinkAction {
    Set(Impairment),
    Clear,
    Up,
    Down,
}

impl LinkAction {
    pub(crate) fn parse(words: &[String]) -> Result<LinkAction, String> {
        match words {
            [w] if w == "up" => Ok(LinkAction::Up),
            [w] if w == "down" => Ok(LinkAction::Down),
            [w] if w == "clear" => Ok(LinkAction::Clear),
            [w, rest @ ..] if w == "set" => Impairment::from_words(rest)
                .map(LinkAction::Set)
                .map_err(|e| format!("lab link: {e}")),
            _ => Err(
                "lab link: NAME NODE:IFNAME { set KEY VALUE... | clear | up | down } expected"
                    .into(),
            ),
        }
    }
}

/// Applies `action` to `end` (`NODE:IFNAME`) of lab `lab`.
pub fn run(lab: &str, end: &str, action: &LinkAction, options: &Options) -> Result<Status, String> {
    let (node, ifname) = end
        .split_once(':')
        .ok_or_else(|| format!("lab link: \"{end}\" is not NODE:IFNAME"))?;
    let record = Record::read(&options.state_dir(), lab)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| crate::hints::no_lab(lab))?;
    let namespace = record
        .nodes
        .iter()
        .find(|n| n.name == node)
        .map(|n| n.namespace.clone())
        .ok_or_else(|| format!("lab \"{lab}\" has no node \"{node}\""))?;
    if let LinkAction::Set(i) = action {
        if i.needs_netem() && !netnest::netlink::netem_available().map_err(|e| e.to_string())? {
            return Err(format!("cannot set {i} on {end}: {}", no_netem_message()));
        }
    }
    let registry = Registry::new(&record.registry);
    let name = Name::new(namespace.as_str()).map_err(|e| e.to_string())?;
    let mut ipr = IpRoute::open(&registry, &name, netnest::CreateMode::OpenExisting)
        .map_err(|e| format!("cannot open node {node}: {e}"))?;
    let index = ipr
        .link_index(ifname)
        .map_err(|e| format!("node {node} has no interface {ifname}: {e}"))?;
    let done = match action {
        LinkAction::Up => {
            netnest_lab::link_state::link_up(lab, node, ifname, options)
                .map_err(|e| crate::hints::lab(&e))?;
            return Ok(Status::Ok);
        }
        LinkAction::Down => {
            netnest_lab::link_state::link_down(lab, node, ifname, options)
                .map_err(|e| crate::hints::lab(&e))?;
            return Ok(Status::Ok);
        }
        LinkAction::Clear => Impairment::default().apply(&mut ipr, index),
        LinkAction::Set(i) => i.apply(&mut ipr, index),
    };
    done.map_err(|e| format!("cannot change {end}: {e}"))?;
    Ok(Status::Ok)
}
