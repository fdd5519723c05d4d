//! glibc's texts for errno values, as `strerror(3)` prints them.
//!
//! `std::io::Error`'s `Display` appends ` (os error N)`, which `ip` never prints, so the messages go
//! through here instead.
//!
//! # Safety
//!
//! Besides `sys` (fork and exec), this is the only module of the binary that uses `unsafe`: one call to `strerror_r` (the XSI
//! version, which the `libc` crate binds to glibc's `__xpg_strerror_r`), which writes at most
//! `buf.len()` bytes into a buffer we own, always NUL-terminated, and is thread-safe.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::io;

/// The text of errno `errno`: `"No such file or directory"` for `ENOENT`, `"Unknown error 4242"`
/// for a number glibc does not know.
pub fn text(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 128];
    // SAFETY: the pointer and length describe `buf`, which lives across the call; glibc writes a
    // NUL-terminated string of at most `buf.len()` bytes (truncating if needed) and keeps no pointer.
    // The result is not needed: for an unknown number glibc returns EINVAL but still writes
    // "Unknown error N", which is what `strerror` prints too.
    let _ = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    // SAFETY: glibc NUL-terminated the buffer (it was zeroed, too, so a NUL exists in any case).
    let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
    text.to_string_lossy().into_owned()
}

/// The text of an I/O error: glibc's `strerror` for an OS error, the error's own text otherwise.
pub fn io_text(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => text(errno),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_texts() {
        assert_eq!(text(libc::ENOENT), "No such file or directory");
        assert_eq!(text(libc::EEXIST), "File exists");
        assert_eq!(text(libc::EISDIR), "Is a directory");
        assert_eq!(text(libc::EBUSY), "Device or resource busy");
        assert_eq!(text(libc::EINVAL), "Invalid argument");
        assert_eq!(text(libc::EPERM), "Operation not permitted");
        assert_eq!(text(libc::EACCES), "Permission denied");
        assert_eq!(text(libc::ENOTDIR), "Not a directory");
        assert_eq!(text(libc::EROFS), "Read-only file system");
        assert_eq!(text(libc::ENAMETOOLONG), "File name too long");
        assert_eq!(text(libc::ESRCH), "No such process");
        assert_eq!(text(4242), "Unknown error 4242");
        assert_eq!(text(0), "Success");
    }

    #[test]
    fn io_errors() {
        assert_eq!(
            io_text(&io::Error::from_raw_os_error(libc::ENOENT)),
            "No such file or directory"
        );
        assert_eq!(io_text(&io::Error::other("custom")), "custom");
    }
}
