// SPDX-License-Identifier: MIT OR Apache-2.0
//! `fork`, `execvp` and `waitpid`, for `exec` (which becomes the command, as `ip` does) and for the
//! forks of `-all exec` and batch mode.
//!
//! # Safety
//!
//! `netnest` is single-threaded (nothing in the command starts a thread), so after `fork` the child
//! may allocate and print as the parent does. `execvp` gets NUL-terminated strings and a
//! NULL-terminated array that live across the call. These and the C `main` (its arguments) are the binary's only
//! `unsafe` code.
#![allow(unsafe_code)]

use std::ffi::{CString, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;

/// Replaces the process with `argv[0]`, searched in `PATH` as `execvp(3)` does, with the signal
/// dispositions and mask the process has (unlike `std::process::Command`, which resets `SIGPIPE`).
/// Returns only on failure.
pub fn execvp(argv: &[OsString]) -> io::Error {
    let Ok(args) = argv
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<Vec<CString>, _>>()
    else {
        // A word with a NUL byte cannot come from a command line; only from a batch file.
        return io::Error::from_raw_os_error(libc::EINVAL);
    };
    let mut ptrs: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: `ptrs` is a NULL-terminated array of pointers to NUL-terminated strings owned by
    // `args`, and both outlive the call; on success execvp does not return.
    unsafe { libc::execvp(ptrs[0], ptrs.as_ptr()) };
    let e = io::Error::last_os_error();
    if e.raw_os_error() != Some(libc::ENOEXEC) {
        return e;
    }
    // A file without a `#!` line: glibc's execvp runs it with /bin/sh itself; musl's reports
    // ENOEXEC. Do what glibc does, so both builds behave as `ip` does.
    let Some(path) = find_in_path(&args[0]) else {
        return e;
    };
    let sh = c"/bin/sh";
    let mut sh_ptrs: Vec<*const libc::c_char> = vec![sh.as_ptr(), path.as_ptr()];
    sh_ptrs.extend(args[1..].iter().map(|a| a.as_ptr()));
    sh_ptrs.push(std::ptr::null());
    // SAFETY: as above: NUL-terminated strings and a NULL-terminated array that outlive the call.
    unsafe { libc::execv(sh.as_ptr(), sh_ptrs.as_ptr()) };
    e
}

/// The file `execvp` found for `command`: itself if it holds a `/`, else the first executable
/// `DIR/command` along `PATH` (glibc's default path when `PATH` is unset).
fn find_in_path(command: &CString) -> Option<CString> {
    let bytes = command.as_bytes();
    if bytes.contains(&b'/') {
        return Some(command.clone());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/bin:/usr/bin".into());
    path.as_bytes().split(|&b| b == b':').find_map(|dir| {
        let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
        let candidate = CString::new([dir, b"/", bytes].concat()).ok()?;
        let ok = rustix::fs::access(candidate.as_c_str(), rustix::fs::Access::EXEC_OK).is_ok();
        ok.then_some(candidate)
    })
}

/// Which side of a fork we are on.
pub enum Forked {
    /// The parent, with the child's pid.
    Parent(libc::pid_t),
    /// The child.
    Child,
}

/// `fork(2)`.
pub fn fork() -> io::Result<Forked> {
    // SAFETY: the process is single-threaded (module docs), so the child is a full copy that may
    // run any code.
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid)),
    }
}

/// How a child ended.
pub enum Ended {
    /// It exited with this status.
    Exited(i32),
    /// A signal killed it.
    Signaled,
}

/// Waits for `pid` to end (retrying on `EINTR`).
pub fn wait(pid: libc::pid_t) -> io::Result<Ended> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid place for the kernel to write the status.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r >= 0 {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    if libc::WIFEXITED(status) {
        Ok(Ended::Exited(libc::WEXITSTATUS(status)))
    } else {
        Ok(Ended::Signaled)
    }
}

/// Ends the process at once with `code`, without flushing anything (`_exit(2)`), as a forked child
/// must after its setup failed.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit only ends the process.
    unsafe { libc::_exit(code) }
}
