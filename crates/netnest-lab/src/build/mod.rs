//! Building and tearing down: the plan of requests ([`plan`]), the requests themselves
//! ([`requests`]), `up` and `down`.

pub(crate) mod down;
pub(crate) mod plan;
pub(crate) mod requests;
pub(crate) mod settle;
pub(crate) mod up;
