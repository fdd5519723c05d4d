// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Taken`]: the interface names taken in each place, to refuse duplicates.

use std::collections::HashMap;

use super::Checker;
use crate::file::{RawLab, S};
use crate::names::bad_ifname;
use crate::topology::Place;

/// The interface names taken so far in each place, with what holds each (for the message).
pub(super) struct Taken(HashMap<(Place, String), String>);

impl Taken {
    /// Nothing taken but `lo`, in each of `nodes` nodes.
    pub(super) fn new(nodes: usize) -> Taken {
        let lo = (0..nodes).map(|i| {
            (
                (Place::Node(i), "lo".to_owned()),
                "the loopback interface".to_owned(),
            )
        });
        Taken(lo.collect())
    }

    /// Takes the interface name `name` in `place` for `what`, or reports it as invalid or
    /// taken.
    pub(super) fn claim(
        &mut self,
        c: &mut Checker,
        raw: &RawLab,
        place: Place,
        name: &S<String>,
        path: &str,
        what: String,
    ) {
        if let Some(why) = bad_ifname(name.get_ref()) {
            c.err(name.span(), path, why);
            return;
        }
        let key = (place, name.get_ref().clone());
        match self.0.get(&key) {
            Some(owner) => {
                let wher = match place {
                    Place::Host => "the host".to_owned(),
                    Place::Node(i) => format!("node {}", raw.nodes.0[i].0.get_ref()),
                };
                c.err(
                    name.span(),
                    path,
                    format!(
                        "duplicate interface name \"{}\" in {wher}: it is already {owner}",
                        name.get_ref()
                    ),
                )
            }
            None => {
                self.0.insert(key, what);
            }
        }
    }

    /// Takes the first free `PREFIX{N}` in `place`, counting from `*counter`, for `what`.
    pub(super) fn first_free(
        &mut self,
        place: Place,
        prefix: &str,
        counter: &mut usize,
        what: String,
    ) -> String {
        loop {
            let name = format!("{prefix}{counter}");
            *counter += 1;
            if let std::collections::hash_map::Entry::Vacant(v) = self.0.entry((place, name)) {
                let name = v.key().1.clone();
                v.insert(what);
                return name;
            }
        }
    }
}
