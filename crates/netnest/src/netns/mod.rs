// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`NetNs`], an open network namespace, and everything done with one, split by verb:
//!
//! * `handle`: the type, its identity ([`NsId`]) and opening one (current thread, pid, path, fd,
//!   socket);
//! * `new`: making a new anonymous namespace;
//! * `enter`: moving the calling thread in, with a guard ([`EnterGuard`]);
//! * `run`: working inside from a short-lived thread ([`run`], [`socket`]);
//! * `container`: finding a container's namespace ([`NetNs::from_container`]).
//!
//! The system calls themselves (`setns`, `unshare`, the nsfs ioctls) are in `crate::sys`.

mod container;
mod enter;
mod handle;
mod new;
mod run;

pub use enter::EnterGuard;
pub use handle::{NetNs, NsId};
pub(crate) use new::in_new_netns;
pub use run::{run, socket};
