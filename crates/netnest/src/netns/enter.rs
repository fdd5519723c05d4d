// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNs::enter`]: moving the calling thread, with a guard that moves it back.

use std::marker::PhantomData;

use super::handle::NetNs;
use super::run::setns;
use crate::error::{Error, Op, Result};

/// The calling thread, moved into a network namespace by [`NetNs::enter`]. Dropping it moves the
/// thread back.
///
/// The guard cannot be sent to or shared with another thread (it restores *this* thread). If
/// restoring fails, the process is aborted: running on in the wrong namespace is worse.
/// `std::mem::forget` on a guard leaves the thread in the namespace; don't.
#[must_use = "the thread returns to its namespace when the guard is dropped"]
pub struct EnterGuard<'ns> {
    original: NetNs,
    _entered: PhantomData<&'ns NetNs>,
    _not_send: PhantomData<*const ()>,
}

impl EnterGuard<'_> {
    /// A guard that moves the calling thread back to `original`; the caller has just moved it.
    pub(super) fn returning_to(original: NetNs) -> EnterGuard<'static> {
        EnterGuard {
            original,
            _entered: PhantomData,
            _not_send: PhantomData,
        }
    }
}

/// Whether the calling thread, now in `original`, could move back into it after leaving it.
///
/// `setns` needs `CAP_SYS_ADMIN` over the user namespace that owns the target. A process in a user
/// namespace of its own (`unshare -Ur`) has it over the namespaces it makes, not over its parent's
/// network namespace, which it may still be in: it can leave and never return. Checked by moving
/// the thread into the namespace it is already in (a few µs).
pub(super) fn can_return_to(original: &NetNs) -> bool {
    setns(original).is_ok()
}

impl NetNs {
    /// Moves the calling thread into this namespace until the returned guard is dropped.
    ///
    /// Prefer [`run`](crate::run): it leaves the calling thread alone. Use `enter` when the work
    /// must happen on this thread. Never hold the guard across an `.await`: the task could resume
    /// on another thread (the guard is `!Send`, so the compiler refuses it in a `Send` future).
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::new()?;
    /// {
    ///     let _inside = ns.enter()?;
    ///     assert_eq!(netnest::NetNs::current()?, ns);
    /// }
    /// assert_ne!(netnest::NetNs::current()?, ns);
    /// # Ok::<(), netnest::Error>(())
    /// ```
    ///
    /// Fails with [`Op::Setns`] (`EPERM`) without moving the thread if it could not come back:
    /// in a user namespace that does not own the thread's current namespace, entering a namespace
    /// it owns would succeed, and the guard would then abort the process.
    #[doc(alias = "Set", alias = "setns")]
    pub fn enter(&self) -> Result<EnterGuard<'_>> {
        let original = NetNs::current()?;
        if !can_return_to(&original) {
            return Err(Error::errno(Op::Setns, rustix::io::Errno::PERM));
        }
        setns(self)?;
        Ok(EnterGuard::returning_to(original))
    }
}

impl Drop for EnterGuard<'_> {
    fn drop(&mut self) {
        if let Err(e) = setns(&self.original) {
            eprintln!("netnest: cannot return the thread to its network namespace: {e}; aborting");
            std::process::abort();
        }
    }
}
