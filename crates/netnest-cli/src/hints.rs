// SPDX-License-Identifier: MIT OR Apache-2.0
//! What to do next, on the messages of netnest's own subcommands (`lab`, `prune`, `inspect`).
//! `ip netns`'s own subcommands keep `ip`'s texts byte for byte and get no hints.

use netnest_lab::{Cause, LabError};

/// `EPERM`, `EACCES`: a capability or a permission is missing.
fn denied(errno: Option<i32>) -> bool {
    matches!(errno, Some(libc::EPERM | libc::EACCES))
}

/// The line after a failure of `what` (`netnest inspect`) with `errno` on namespace `name`: a
/// stale entry that `prune` removes (`leftover`, as the library judged it), or a missing
/// capability. Any other entry that is not a namespace (a FIFO, a directory…) gets no hint:
/// `prune` would not remove it.
pub fn namespace(what: &str, name: &[u8], errno: Option<i32>, leftover: bool) -> Option<String> {
    let name = String::from_utf8_lossy(name);
    match errno {
        Some(libc::EINVAL) if leftover => Some(format!(
            "\"{name}\" is a stale entry (its namespace is gone): netnest prune removes it"
        )),
        _ if denied(errno) => Some(format!(
            "{what} needs CAP_SYS_ADMIN to enter a namespace (and CAP_NET_ADMIN there): run it \
             as root"
        )),
        _ => None,
    }
}

/// The line after `prune` failed with `errno`.
pub fn prune(dir: &[u8], errno: Option<i32>) -> Option<String> {
    denied(errno).then(|| {
        format!(
            "netnest prune needs write access to {} (CAP_DAC_OVERRIDE, or root)",
            String::from_utf8_lossy(dir)
        )
    })
}

/// A lab error with what to do next.
pub fn lab(e: &LabError) -> String {
    let next = match e {
        LabError::NotFound { .. } => {
            Some("netnest lab status lists the labs that are up".to_owned())
        }
        LabError::AlreadyUp { lab, .. } => Some(format!(
            "netnest lab down {lab} removes it; or build this file under another name: \
             netnest lab up FILE name NEWNAME"
        )),
        LabError::Taken { .. } => Some(
            "remove it (netnest delete NAME, ip link delete NAME), or build the lab under \
             another name: netnest lab up FILE name NEWNAME"
                .to_owned(),
        ),
        LabError::Step { cause, .. } if denied(cause_errno(cause)) => Some(
            "netnest lab needs CAP_SYS_ADMIN (namespaces) and CAP_NET_ADMIN (links, \
             addresses, routes): run it as root"
                .to_owned(),
        ),
        _ => None,
    };
    match next {
        Some(next) => format!("{e}\n{next}"),
        None => e.to_string(),
    }
}

fn cause_errno(cause: &Cause) -> Option<i32> {
    cause.raw_os_error()
}

/// "no lab NAME is recorded", with what to do next.
pub fn no_lab(lab: &str) -> String {
    format!("no lab \"{lab}\" is recorded\nnetnest lab status lists the labs that are up")
}
