// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNs`], an open network namespace, and everything done with one, split by verb:
//!
//! * `handle`: the type, its identity ([`NsId`]) and opening one (current thread, pid, path, fd,
//!   socket);
//! * `new`: making a new anonymous namespace;
//! * `enter`: moving the calling thread in, with a guard ([`EnterGuard`]);
//! * `run`: working inside from a short-lived thread ([`run`], [`socket`]);
//! * `worker`: working inside from a thread that stays there ([`Worker`]);
//! * `bind`: standard UDP and TCP sockets bound inside ([`bind_udp`], [`bind_tcp_listener`]);
//! * `container`: finding a container's namespace ([`NetNs::from_container`]).
//!
//! The system calls themselves (`setns`, `unshare`, the nsfs ioctls) are in `crate::sys`.

mod bind;
mod container;
mod enter;
mod handle;
mod new;
mod run;
mod worker;

pub use bind::{bind_tcp_listener, bind_udp};
pub use enter::EnterGuard;
pub use handle::{NetNs, NsId};
pub(crate) use new::in_new_netns;
pub use run::{run, socket, try_run};
pub use worker::Worker;
