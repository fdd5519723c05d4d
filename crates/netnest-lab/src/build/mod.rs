// SPDX-License-Identifier: MIT OR Apache-2.0
//! Building and tearing down: the plan of requests ([`plan`]) and the requests themselves
//! ([`requests`]), the work done inside the nodes ([`inside`]), `up` ([`up`]), the processes it
//! starts ([`run`]) and the wait until its links carry traffic ([`settle`]), `down` ([`down`]).

pub(crate) mod down;
pub(crate) mod group;
pub(crate) mod inside;
pub(crate) mod plan;
pub(crate) mod requests;
pub(crate) mod run;
pub(crate) mod settle;
pub(crate) mod up;
