// SPDX-License-Identifier: MIT OR Apache-2.0
//! The native part of the `netnest` Python package (`netnest._native`): the namespace handle
//! ([`NetNS`]) and the few calls that must be made in Rust, each with the GIL released while the
//! kernel works. Everything else (pyroute2's names and argument conventions, the per-thread
//! `pushns` stack, `Popen`) is Python, in `python/netnest/`.
//!
//! Nothing here forks: a socket or a process inside a namespace is made on a short-lived thread of
//! the library that has entered it, so the calling Python thread never changes namespace, except
//! through `setns`, which moves exactly the calling thread, as pyroute2's does.

mod error;
mod handle;
mod ops;

use pyo3::prelude::*;

/// The module `netnest._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<handle::NetNS>()?;
    m.add_function(wrap_pyfunction!(ops::remove, m)?)?;
    m.add_function(wrap_pyfunction!(ops::attach, m)?)?;
    m.add_function(wrap_pyfunction!(ops::setns, m)?)?;
    m.add_function(wrap_pyfunction!(ops::socket, m)?)?;
    m.add_function(wrap_pyfunction!(ops::socket_here, m)?)?;
    m.add_function(wrap_pyfunction!(ops::run_in, m)?)?;
    m.add("DEFAULT_RUN_DIR", netnest::DEFAULT_RUN_DIR)?;
    Ok(())
}
