// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNs::enter`]: moving the calling thread, with a guard that moves it back.
//!
//! Guards may be dropped in any order. Each thread keeps the stack of its live guards (a
//! thread-local list, never shared between threads): dropping the newest moves the thread back to
//! where it was before that guard; dropping an older one first leaves the thread where it is and
//! hands that guard's starting namespace to the guard after it. So the thread always ends where it
//! would have with the guards dropped newest first: `let g = vec![a.enter()?, b.enter()?];
//! drop(g);` (a `Vec` drops front to back) ends in the namespace the thread started in.

use std::cell::RefCell;
use std::marker::PhantomData;

use super::handle::NetNs;
use super::run::setns;
use crate::error::{Error, Op, Result};

/// One live guard of this thread: its token and the namespace the thread goes back to when it is
/// the newest guard and is dropped.
struct Level {
    token: u64,
    back_to: NetNs,
}

thread_local! {
    /// The live guards of this thread, oldest first, and the next token.
    static GUARDS: RefCell<(Vec<Level>, u64)> = const { RefCell::new((Vec::new(), 0)) };
}

/// The calling thread, moved into a network namespace by [`NetNs::enter`]. Dropping it moves the
/// thread back.
///
/// The guard cannot be sent to or shared with another thread (it restores *this* thread). Guards
/// may be dropped in any order (see [`NetNs::enter`]). If moving the thread back fails, the process
/// is aborted: running on in the wrong namespace is worse. `std::mem::forget` on a guard leaves
/// the thread in the namespace; don't.
#[must_use = "the thread returns to its namespace when the guard is dropped"]
pub struct EnterGuard<'ns> {
    token: u64,
    _entered: PhantomData<&'ns NetNs>,
    _not_send: PhantomData<*const ()>,
}

impl EnterGuard<'_> {
    /// A guard that moves the calling thread back to `original`; the caller has just moved it.
    pub(super) fn returning_to(original: NetNs) -> EnterGuard<'static> {
        let token = GUARDS.with_borrow_mut(|(stack, next)| {
            *next += 1;
            stack.push(Level {
                token: *next,
                back_to: original,
            });
            *next
        });
        EnterGuard {
            token,
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
    /// Prefer [`run`](crate::run) or a [`Worker`](crate::Worker): they leave the calling thread
    /// alone. Use `enter` when the work must happen on this thread. Never hold the guard across an
    /// `.await`: the task could resume on another thread (the guard is `!Send`, so the compiler
    /// refuses it in a `Send` future).
    ///
    /// Guards nest, and may be dropped in any order: the thread is always where the guards still
    /// alive put it, and back where it started once all are dropped.
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
        // The list is gone only while the thread exits, after the guards it owned.
        let back_to = GUARDS.try_with(|guards| {
            let (stack, _) = &mut *guards.borrow_mut();
            let at = stack.iter().rposition(|l| l.token == self.token)?;
            let level = stack.remove(at);
            match stack.get_mut(at) {
                // A newer guard is still alive: the thread stays where that one put it, and
                // goes back to where this guard started when that one is dropped.
                Some(newer) => {
                    newer.back_to = level.back_to;
                    None
                }
                None => Some(level.back_to),
            }
        });
        if let Ok(Some(ns)) = back_to {
            if let Err(e) = setns(&ns) {
                eprintln!(
                    "netnest: cannot return the thread to its network namespace: {e}; aborting"
                );
                std::process::abort();
            }
        }
    }
}
