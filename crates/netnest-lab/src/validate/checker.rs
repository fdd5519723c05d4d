// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Checker`]: where problems are collected, with their places.

use std::ops::Range;

use crate::error::{Location, Problem};
use crate::file::S;
use crate::prefix::IpPrefix;

/// The problems found so far, and the text they point into.
pub(super) struct Checker<'s> {
    pub(super) source: Option<&'s str>,
    pub(super) problems: Vec<Problem>,
}

impl Checker<'_> {
    /// Reports a problem at `span` (no location for an empty span: the builder's values).
    pub(super) fn err(
        &mut self,
        span: Range<usize>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        let location = self
            .source
            .filter(|_| span != (0..0))
            .map(|s| Location::of(s, span));
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            location,
        });
    }

    /// Parses an address; reports it if it does not parse.
    pub(super) fn prefix(&mut self, s: &S<String>, path: &str) -> Option<IpPrefix> {
        match s.get_ref().parse::<IpPrefix>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.err(s.span(), path, format!("\"{}\": {e}", s.get_ref()));
                None
            }
        }
    }

    /// Checks an MTU's range.
    pub(super) fn mtu(&mut self, mtu: &Option<S<u32>>, path: &str) -> Option<u32> {
        let m = mtu.as_ref()?;
        if !(68..=65535).contains(m.get_ref()) {
            self.err(
                m.span(),
                path,
                format!("MTU {} is out of range (68 to 65535)", m.get_ref()),
            );
        }
        Some(*m.get_ref())
    }
}
