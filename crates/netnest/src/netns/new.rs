// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNs::new`]: a new anonymous namespace, made on the calling thread.

use super::enter::{can_return_to, EnterGuard};
use super::handle::NetNs;
use super::run::{on_thread, SMALL_STACK};
use crate::error::{Error, Op, Result};
use crate::sys;

impl NetNs {
    /// A new anonymous network namespace, with nothing but a down `lo`, and nothing mounted: it
    /// lives as long as this handle (and anything else that refers to it).
    ///
    /// The namespace is made on the calling thread, which is moved back before `new` returns
    /// (the process aborts if it cannot be): to the caller, the thread never changes.
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// assert_ne!(ns, netnest::NetNs::current()?);
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "New", alias = "unshare")]
    pub fn new() -> Result<NetNs> {
        in_new_netns(NetNs::current)?
    }
}

/// Runs `f` inside a new, anonymous network namespace, on the calling thread, and moves the
/// thread back before returning.
///
/// Creating a namespace on the calling thread and returning costs two `setns` (a few µs each: one
/// checks that the thread can come back, see below); a fresh thread costs ten to forty times that.
/// `f` runs synchronously with no way to leave the thread, and if the thread cannot be moved back
/// the process aborts, as with [`EnterGuard`]: so to the caller the thread never changed. A panic
/// in `f` unwinds through the restoring guard, which moves the thread back first.
///
/// A thread that could not come back (in a user namespace of its own, which may create network
/// namespaces but has no privilege over the one it is in) would abort the process: there, `f` runs
/// on a short-lived thread instead, which never has to come back.
pub(crate) fn in_new_netns<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T> {
    let original = NetNs::current()?;
    if !can_return_to(&original) {
        return on_thread(Some(SMALL_STACK), unshare_netns, f);
    }
    unshare_netns()?;
    let _back = EnterGuard::returning_to(original);
    Ok(f())
}

/// Moves the calling thread into a new network namespace.
fn unshare_netns() -> Result<()> {
    sys::unshare_net().map_err(|e| Error::errno(Op::Unshare, e))
}
