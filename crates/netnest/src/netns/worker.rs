// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Worker`]: a thread of the caller's that stays inside a namespace, for work in a loop.

use std::any::Any;
use std::os::fd::OwnedFd;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};

use super::handle::NetNs;
use super::run::setns;
use crate::error::{Error, Op, Result};

/// A closure for the worker, its value boxed (no allocation for a `()` value).
type Job = Box<dyn FnOnce() -> Box<dyn Any + Send> + Send>;

/// The single slot through which a caller hands a job to the worker and gets its value back.
///
/// One slot under a mutex, and a condition variable per direction, instead of a channel for the
/// jobs and a new one for each reply: a call then allocates nothing but the job. What costs most
/// is waking a sleeping thread (several µs), so each side first watches [`Shared::kind`] for a
/// short while ([`SPIN`]) before it sleeps: in a loop of calls, neither thread sleeps at all.
enum Slot {
    /// Nothing to do.
    Idle,
    /// A job for the worker.
    Job(Job),
    /// The job's value, or its panic, for the caller.
    Done(std::thread::Result<Box<dyn Any + Send>>),
    /// The worker is to end (the `Worker` is dropped).
    Closed,
}

/// How long a side watches for the other before it sleeps on the condition variable.
const SPIN: Duration = Duration::from_micros(30);

/// [`Slot`]'s variant, readable without the lock: a hint for the spinning side only; the slot
/// itself is always taken under the mutex.
const IDLE: u8 = 0;
const JOB: u8 = 1;
const DONE: u8 = 2;
const CLOSED: u8 = 3;

fn kind(slot: &Slot) -> u8 {
    match slot {
        Slot::Idle => IDLE,
        Slot::Job(_) => JOB,
        Slot::Done(_) => DONE,
        Slot::Closed => CLOSED,
    }
}

struct Shared {
    slot: Mutex<Slot>,
    /// `kind(&slot)`, set under the lock whenever the slot changes.
    kind: AtomicU8,
    /// The worker waits on it for a job.
    job_ready: Condvar,
    /// The caller waits on it for the job's value.
    done: Condvar,
}

impl Shared {
    /// The slot; no panic ever happens while it is held, but a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts `new` in the slot (held as `slot`) and returns what was there.
    fn swap(&self, slot: &mut Slot, new: Slot) -> Slot {
        self.kind.store(kind(&new), Ordering::Release);
        std::mem::replace(slot, new)
    }

    /// Watches the slot for up to [`SPIN`] until it holds `want` (or is closed).
    fn spin_for(&self, want: u8) {
        let start = Instant::now();
        loop {
            for _ in 0..16 {
                let now = self.kind.load(Ordering::Acquire);
                if now == want || now == CLOSED {
                    return;
                }
                std::hint::spin_loop();
            }
            if start.elapsed() > SPIN {
                return;
            }
            // On a busy machine the other side may be waiting for this very CPU.
            std::thread::yield_now();
        }
    }

    /// The worker's loop: waits for a job, runs it, leaves its value, until [`Slot::Closed`].
    fn serve(&self) {
        loop {
            self.spin_for(JOB);
            let mut slot = self.lock();
            let job = loop {
                match self.swap(&mut slot, Slot::Idle) {
                    Slot::Job(job) => break job,
                    Slot::Closed => return,
                    other => {
                        self.swap(&mut slot, other);
                        slot = self
                            .job_ready
                            .wait(slot)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                }
            };
            drop(slot);
            let value = panic::catch_unwind(AssertUnwindSafe(job));
            self.swap(&mut self.lock(), Slot::Done(value));
            self.done.notify_one();
        }
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

/// A thread that lives inside one network namespace and runs closures there, one at a time.
///
/// [`run`](crate::run) and [`socket`](crate::socket) start a thread for each call (about 12 µs);
/// a `Worker` starts one when it is made, and each [`Worker::run`] then costs a hand-over to that
/// thread and back (well under a µs in a loop of calls, a few µs after a pause). Use it in hot
/// loops; the one-shot functions are simpler otherwise. After each call, the worker's thread
/// watches for the next one for up to 30 µs (yielding the CPU between looks) before it sleeps;
/// callers on several threads take turns.
///
/// The worker is the caller's: nothing is shared with other workers or kept in the process.
/// Dropping it ends and joins its thread. The thread never leaves the namespace, so what a
/// closure opens (sockets above all) is always made inside it.
///
/// ```no_run
/// let ns = netnest::NetNs::new()?;
/// let worker = netnest::Worker::new(&ns)?;
/// for _ in 0..1000 {
///     let inside = worker.run(netnest::NetNs::current)??;
///     assert_eq!(inside, ns);
/// }
/// # Ok::<(), netnest::Error>(())
/// ```
#[derive(Debug)]
pub struct Worker {
    shared: Arc<Shared>,
    /// Callers on several threads take turns: the slot holds one job at a time.
    turn: Mutex<()>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts a thread inside `ns`. Fails as [`NetNs::enter`] does (`Op::Setns`), or with
    /// `Op::SpawnThread`.
    pub fn new(ns: &NetNs) -> Result<Worker> {
        let ns = ns.try_clone()?;
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot::Idle),
            kind: AtomicU8::new(IDLE),
            job_ready: Condvar::new(),
            done: Condvar::new(),
        });
        let served = shared.clone();
        let (ready, entered) = mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("netnest-worker".into())
            .spawn(move || {
                let result = setns(&ns);
                drop(ns);
                let ok = result.is_ok();
                let _ = ready.send(result);
                if ok {
                    served.serve();
                }
            })
            .map_err(|e| Error::new(Op::SpawnThread, None, e))?;
        let entered = entered.recv().unwrap_or_else(|_| {
            Err(Error::new(
                Op::SpawnThread,
                None,
                std::io::Error::other("the worker thread ended before entering the namespace"),
            ))
        });
        if let Err(e) = entered {
            let _ = thread.join();
            return Err(e);
        }
        Ok(Worker {
            shared,
            turn: Mutex::new(()),
            thread: Some(thread),
        })
    }

    /// Runs `f` on the worker's thread, inside the namespace, and returns its value; a panic in
    /// `f` is propagated to the caller (the worker lives on).
    ///
    /// `f` and its value must be `'static`: move what it needs into it.
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let job: Job = Box::new(move || Box::new(f()) as Box<dyn Any + Send>);
        let gone = || {
            Error::new(
                Op::SpawnThread,
                None,
                std::io::Error::other("the worker thread is gone"),
            )
        };
        let _turn = self.turn.lock().unwrap_or_else(PoisonError::into_inner);
        let shared = &*self.shared;
        let mut slot = shared.lock();
        if matches!(*slot, Slot::Closed) {
            return Err(gone());
        }
        shared.swap(&mut slot, Slot::Job(job));
        drop(slot);
        shared.job_ready.notify_one();
        shared.spin_for(DONE);
        let mut slot = shared.lock();
        let value = loop {
            match shared.swap(&mut slot, Slot::Idle) {
                Slot::Done(value) => break value,
                Slot::Closed => return Err(gone()),
                other => {
                    shared.swap(&mut slot, other);
                    slot = self
                        .shared
                        .done
                        .wait(slot)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        };
        drop(slot);
        match value {
            Ok(value) => match value.downcast::<T>() {
                Ok(value) => Ok(*value),
                Err(_) => unreachable!("the job's value is the closure's T"),
            },
            Err(panic) => panic::resume_unwind(panic),
        }
    }

    /// Like [`run`](Worker::run) with a closure that returns a `Result`: one `?` instead of
    /// two (see [`try_run`](crate::try_run)).
    pub fn try_run<T: Send + 'static, E: Send + 'static + From<Error>>(
        &self,
        f: impl FnOnce() -> std::result::Result<T, E> + Send + 'static,
    ) -> std::result::Result<T, E> {
        self.run(f)?
    }

    /// Opens a socket inside the namespace (close-on-exec), as [`socket`](crate::socket) does.
    pub fn socket(
        &self,
        domain: AddressFamily,
        kind: SocketType,
        protocol: Option<Protocol>,
    ) -> Result<OwnedFd> {
        self.try_run(move || {
            rustix::net::socket_with(domain, kind, SocketFlags::CLOEXEC, protocol)
                .map_err(|e| Error::errno(Op::Socket, e))
        })
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.shared.swap(&mut self.shared.lock(), Slot::Closed);
        self.shared.job_ready.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
