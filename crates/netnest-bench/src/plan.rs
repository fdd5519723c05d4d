// SPDX-License-Identifier: MIT OR Apache-2.0
//! Interleaved measurement: every side of a comparison takes its turn in each iteration (A B, then
//! B A, …), so the machine's drift and the kernel's background teardown fall on all sides alike;
//! rounds are separated by a wait for the kernel to finish tearing namespaces down.

use std::time::Duration;

/// Where the run is: the round, and the iteration's index over the whole case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iter {
    /// The round, from 0 (`None` for the warm-up).
    pub round: Option<usize>,
    /// The iteration, counted over all rounds.
    pub index: usize,
}

impl Iter {
    /// A tag unique in the case, for names: `w` for the warm-up, else `R_I`.
    pub fn tag(&self) -> String {
        match self.round {
            None => format!("w{}", self.index),
            Some(r) => format!("{r}_{}", self.index),
        }
    }
}

/// One operation of one side: does it once and returns its timings, one per metric of the case.
pub type Op<'a> = Box<dyn FnMut(Iter) -> Result<Vec<Duration>, String> + 'a>;

/// What a side is to the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// netnest: compared with every peer and reference.
    Ours,
    /// Another build of ours (dynamic, musl…): compared with the peers only.
    Variant,
    /// What netnest is measured against (`ip`, pyroute2; the kernel floor of the library).
    Peer,
    /// A yardstick beside both (the floor of a command): ours are compared with it, and it with
    /// the peers, which says how close to the limit a target lies.
    Reference,
}

/// One side of a comparison.
pub struct Side<'a> {
    /// What is measured, as the table names it (`netnest`, `ip`, `kernel floor`…).
    pub label: String,
    /// Ours, a peer or a reference.
    pub role: Role,
    /// The operation.
    pub op: Op<'a>,
}

impl<'a> Side<'a> {
    /// A side with this role.
    pub fn new(
        role: Role,
        label: impl Into<String>,
        op: impl FnMut(Iter) -> Result<Vec<Duration>, String> + 'a,
    ) -> Side<'a> {
        Side {
            label: label.into(),
            role,
            op: Box::new(op),
        }
    }

    /// Ours.
    pub fn ours(
        label: impl Into<String>,
        op: impl FnMut(Iter) -> Result<Vec<Duration>, String> + 'a,
    ) -> Side<'a> {
        Side::new(Role::Ours, label, op)
    }

    /// A peer's.
    pub fn peer(
        label: impl Into<String>,
        op: impl FnMut(Iter) -> Result<Vec<Duration>, String> + 'a,
    ) -> Side<'a> {
        Side::new(Role::Peer, label, op)
    }
}

impl std::fmt::Debug for Side<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Side")
            .field("label", &self.label)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// How many rounds and iterations, and when to wait for the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Rounds, each followed by a wait for teardown.
    pub rounds: usize,
    /// Iterations per round; each side runs once per iteration.
    pub iters: usize,
    /// Also wait after each side's turn (for operations that tear down hundreds of namespaces).
    pub settle_each: bool,
    /// Run each side once, untimed, first (caches, the binary's pages, Python's imports).
    pub warmup: bool,
}

impl Plan {
    /// `rounds` × `iters`, a warm-up, and waits between rounds only.
    pub fn new(rounds: usize, iters: usize) -> Plan {
        Plan {
            rounds,
            iters,
            settle_each: false,
            warmup: true,
        }
    }

    /// Waits after every side's turn too.
    pub fn settle_each(mut self) -> Plan {
        self.settle_each = true;
        self
    }
}

/// The samples of one side: `samples[metric][i]`.
#[derive(Debug, Clone)]
pub struct Samples {
    /// The side's label.
    pub label: String,
    /// Ours, a peer's, a reference.
    pub role: Role,
    /// One series per metric, aligned across sides (sample i of every side comes from iteration i).
    pub samples: Vec<Vec<Duration>>,
}

/// Runs `sides` interleaved as `plan` says, calling `settle` between rounds (and after each turn
/// with [`Plan::settle_each`]). Every side must return `metrics` timings per call. The order of
/// the sides alternates from one iteration to the next.
pub fn interleave(
    plan: Plan,
    metrics: usize,
    sides: &mut [Side<'_>],
    settle: &mut dyn FnMut(),
) -> Result<Vec<Samples>, String> {
    let mut out: Vec<Samples> = sides
        .iter()
        .map(|s| Samples {
            label: s.label.clone(),
            role: s.role,
            samples: vec![Vec::with_capacity(plan.rounds * plan.iters); metrics],
        })
        .collect();
    let n = sides.len();
    let order = |k: usize| -> Vec<usize> {
        let mut o: Vec<usize> = (0..n).collect();
        if k % 2 == 1 {
            o.reverse();
        }
        o
    };
    if plan.warmup {
        for (i, side) in sides.iter_mut().enumerate() {
            let iter = Iter {
                round: None,
                index: i,
            };
            (side.op)(iter).map_err(|e| format!("{} (warm-up): {e}", side.label))?;
            if plan.settle_each {
                settle();
            }
        }
        settle();
    }
    let mut k = 0;
    for round in 0..plan.rounds {
        for _ in 0..plan.iters {
            for i in order(k) {
                let side = &mut sides[i];
                let iter = Iter {
                    round: Some(round),
                    index: k,
                };
                let t = (side.op)(iter).map_err(|e| format!("{}: {e}", side.label))?;
                if t.len() != metrics {
                    return Err(format!(
                        "{}: {} timings for {metrics} metrics",
                        side.label,
                        t.len()
                    ));
                }
                for (m, d) in t.into_iter().enumerate() {
                    out[i].samples[m].push(d);
                }
                if plan.settle_each {
                    settle();
                }
            }
            k += 1;
        }
        if !plan.settle_each {
            settle();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn sides_alternate_and_rounds_settle() {
        let log = RefCell::new(Vec::new());
        let mut sides = vec![
            Side::ours("a", |it: Iter| {
                log.borrow_mut().push(format!("a{}", it.tag()));
                Ok(vec![Duration::from_micros(1)])
            }),
            Side::peer("b", |it: Iter| {
                log.borrow_mut().push(format!("b{}", it.tag()));
                Ok(vec![Duration::from_micros(2)])
            }),
        ];
        let mut settle = || log.borrow_mut().push("s".to_string());
        let out = interleave(Plan::new(2, 2), 1, &mut sides, &mut settle).unwrap();
        drop(sides);
        assert_eq!(
            log.into_inner(),
            [
                "aw0", "bw1", "s", "a0_0", "b0_0", "b0_1", "a0_1", "s", "a1_2", "b1_2", "b1_3",
                "a1_3", "s"
            ]
        );
        assert_eq!(out[0].samples[0].len(), 4);
        assert_eq!((out[0].role, out[1].role), (Role::Ours, Role::Peer));
    }

    #[test]
    fn a_failure_names_its_side() {
        let mut sides = vec![Side::ours("x", |_| Err("boom".to_string()))];
        let e = interleave(Plan::new(1, 1), 1, &mut sides, &mut || {}).unwrap_err();
        assert_eq!(e, "x (warm-up): boom");
    }
}
