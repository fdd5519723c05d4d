// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Worker`]: a thread of the caller's that stays inside a namespace, for work in a loop.

use std::os::fd::OwnedFd;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread::JoinHandle;

use rustix::net::{AddressFamily, Protocol, SocketFlags, SocketType};

use super::handle::NetNs;
use super::run::setns;
use crate::error::{Error, Op, Result};

type Job = Box<dyn FnOnce() + Send>;

/// A thread that lives inside one network namespace and runs closures there, one at a time.
///
/// [`run`](crate::run) and [`socket`](crate::socket) start a thread for each call (about 12 µs);
/// a `Worker` starts one when it is made, and each [`Worker::run`] then costs a hand-over to that
/// thread and back (a few µs). Use it in hot loops; the one-shot functions are simpler otherwise.
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
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts a thread inside `ns`. Fails as [`NetNs::enter`] does (`Op::Setns`), or with
    /// `Op::SpawnThread`.
    pub fn new(ns: &NetNs) -> Result<Worker> {
        let ns = ns.try_clone()?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, entered) = mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("netnest-worker".into())
            .spawn(move || {
                let result = setns(&ns);
                drop(ns);
                let ok = result.is_ok();
                let _ = ready.send(result);
                if ok {
                    for job in queue {
                        job();
                    }
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
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `f` on the worker's thread, inside the namespace, and returns its value; a panic in
    /// `f` is propagated to the caller (the worker lives on).
    ///
    /// `f` and its value must be `'static`: move what it needs into it.
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let _ = reply.send(panic::catch_unwind(AssertUnwindSafe(f)));
        });
        let gone = || {
            Error::new(
                Op::SpawnThread,
                None,
                std::io::Error::other("the worker thread is gone"),
            )
        };
        let jobs = self.jobs.as_ref().ok_or_else(gone)?;
        jobs.send(job).map_err(|_| gone())?;
        match answer.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => panic::resume_unwind(panic),
            Err(_) => Err(gone()),
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
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
