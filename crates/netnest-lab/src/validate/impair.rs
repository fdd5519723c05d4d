// SPDX-License-Identifier: MIT OR Apache-2.0
//! `impair = { … }` on a link (both ends) and on an end (that end; its keys win over the
//! link's). Values parse as `netnest lab link … set` takes them. An impairment that needs the
//! kernel's `netem` is refused here, before anything is made, when the kernel has none: the
//! one probe of the system in the validation, made only when a file asks for netem.

use std::ops::Range;

use super::checker::Checker;
use crate::file::{RawImpair, RawLab};
use crate::impair::{Impairment, KEYS};
use crate::topology::Link;

/// The keys that need `netem` (all but `rate`).
fn needs_netem(key: &str) -> bool {
    key != "rate" && KEYS.contains(&key)
}

/// Fills each end's impairment from the file; reports bad keys, values and combinations,
/// and netem asked of a kernel without it.
pub(super) fn resolve(c: &mut Checker, raw: &RawLab, links: &mut [Link]) {
    // The first key that needs netem, for the kernel's answer.
    let mut netem: Option<(Range<usize>, String, String)> = None;
    for (i, (l, link)) in raw.links.iter().zip(links.iter_mut()).enumerate() {
        let l = l.get_ref();
        let both = l.impair.as_ref();
        for (side, e, end) in [("a", &l.a, &mut link.a), ("b", &l.b, &mut link.b)] {
            let own = e.get_ref().impair.as_ref();
            let mut out = Impairment::default();
            let mut ok = true;
            let tables = [
                (both, format!("links[{i}].impair")),
                (own, format!("links[{i}].{side}.impair")),
            ];
            for (table, path) in &tables {
                let Some(table) = table else { continue };
                // A link's keys are checked once, with end a.
                let report = side == "a" || !path.ends_with("].impair");
                ok &= fill(c, table.get_ref(), path, report, &mut out, &mut netem);
            }
            if ok {
                if let Err(why) = out.check() {
                    let (span, path) = tables
                        .iter()
                        .rev()
                        .find_map(|(t, p)| t.map(|t| (t.span(), p.clone())))
                        .expect("an impairment was written");
                    c.err(span, path, why);
                }
            }
            end.impair = out;
        }
    }
    if let Some((span, path, key)) = netem {
        // Without the right to ask (not root), say nothing: building would fail with the
        // kernel's own answer.
        if matches!(netnest::netlink::netem_available(), Ok(false)) {
            c.err(
                span,
                path,
                format!(
                    "{key} needs the kernel's netem qdisc, which this kernel lacks \
                     (CONFIG_NET_SCH_NETEM is not set); only rate (tbf) works here"
                ),
            );
        }
    }
}

/// Sets `out` from one table; whether every key and value was good.
fn fill(
    c: &mut Checker,
    table: &RawImpair,
    path: &str,
    report: bool,
    out: &mut Impairment,
    netem: &mut Option<(Range<usize>, String, String)>,
) -> bool {
    let mut ok = true;
    for (key, value) in &table.0 {
        let k = key.get_ref();
        let at = format!("{path}.{k}");
        if !KEYS.contains(&k.as_str()) {
            if report {
                c.err(
                    key.span(),
                    &at,
                    format!("unknown impairment \"{k}\" (one of: {})", KEYS.join(", ")),
                );
            }
            ok = false;
            continue;
        }
        if let Err(why) = out.set(k, &value.get_ref().0) {
            if report {
                c.err(value.span(), &at, why);
            }
            ok = false;
            continue;
        }
        if needs_netem(k) && netem.is_none() {
            *netem = Some((key.span(), at, k.clone()));
        }
    }
    ok
}
