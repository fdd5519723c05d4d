// SPDX-License-Identifier: MIT OR Apache-2.0
//! glibc's texts for errno values, as `strerror(3)` prints them.
//!
//! `std::io::Error`'s `Display` appends ` (os error N)`, which `ip` never prints, so the messages go
//! through here instead. The texts are glibc's (2.36), in a table rather than asked of the C
//! library: a build on musl (faster to start, see docs/performance.md) would otherwise print musl's
//! texts, some of which differ (`EBUSY` is "Resource busy" there).

use std::io;

/// glibc's `strerror` texts for errno 0 to 133 (generated from glibc 2.36 on x86_64).
const GLIBC: [&str; 134] = [
    "Success",
    "Operation not permitted",
    "No such file or directory",
    "No such process",
    "Interrupted system call",
    "Input/output error",
    "No such device or address",
    "Argument list too long",
    "Exec format error",
    "Bad file descriptor",
    "No child processes",
    "Resource temporarily unavailable",
    "Cannot allocate memory",
    "Permission denied",
    "Bad address",
    "Block device required",
    "Device or resource busy",
    "File exists",
    "Invalid cross-device link",
    "No such device",
    "Not a directory",
    "Is a directory",
    "Invalid argument",
    "Too many open files in system",
    "Too many open files",
    "Inappropriate ioctl for device",
    "Text file busy",
    "File too large",
    "No space left on device",
    "Illegal seek",
    "Read-only file system",
    "Too many links",
    "Broken pipe",
    "Numerical argument out of domain",
    "Numerical result out of range",
    "Resource deadlock avoided",
    "File name too long",
    "No locks available",
    "Function not implemented",
    "Directory not empty",
    "Too many levels of symbolic links",
    "Unknown error 41",
    "No message of desired type",
    "Identifier removed",
    "Channel number out of range",
    "Level 2 not synchronized",
    "Level 3 halted",
    "Level 3 reset",
    "Link number out of range",
    "Protocol driver not attached",
    "No CSI structure available",
    "Level 2 halted",
    "Invalid exchange",
    "Invalid request descriptor",
    "Exchange full",
    "No anode",
    "Invalid request code",
    "Invalid slot",
    "Unknown error 58",
    "Bad font file format",
    "Device not a stream",
    "No data available",
    "Timer expired",
    "Out of streams resources",
    "Machine is not on the network",
    "Package not installed",
    "Object is remote",
    "Link has been severed",
    "Advertise error",
    "Srmount error",
    "Communication error on send",
    "Protocol error",
    "Multihop attempted",
    "RFS specific error",
    "Bad message",
    "Value too large for defined data type",
    "Name not unique on network",
    "File descriptor in bad state",
    "Remote address changed",
    "Can not access a needed shared library",
    "Accessing a corrupted shared library",
    ".lib section in a.out corrupted",
    "Attempting to link in too many shared libraries",
    "Cannot exec a shared library directly",
    "Invalid or incomplete multibyte or wide character",
    "Interrupted system call should be restarted",
    "Streams pipe error",
    "Too many users",
    "Socket operation on non-socket",
    "Destination address required",
    "Message too long",
    "Protocol wrong type for socket",
    "Protocol not available",
    "Protocol not supported",
    "Socket type not supported",
    "Operation not supported",
    "Protocol family not supported",
    "Address family not supported by protocol",
    "Address already in use",
    "Cannot assign requested address",
    "Network is down",
    "Network is unreachable",
    "Network dropped connection on reset",
    "Software caused connection abort",
    "Connection reset by peer",
    "No buffer space available",
    "Transport endpoint is already connected",
    "Transport endpoint is not connected",
    "Cannot send after transport endpoint shutdown",
    "Too many references: cannot splice",
    "Connection timed out",
    "Connection refused",
    "Host is down",
    "No route to host",
    "Operation already in progress",
    "Operation now in progress",
    "Stale file handle",
    "Structure needs cleaning",
    "Not a XENIX named type file",
    "No XENIX semaphores available",
    "Is a named type file",
    "Remote I/O error",
    "Disk quota exceeded",
    "No medium found",
    "Wrong medium type",
    "Operation canceled",
    "Required key not available",
    "Key has expired",
    "Key has been revoked",
    "Key was rejected by service",
    "Owner died",
    "State not recoverable",
    "Operation not possible due to RF-kill",
    "Memory page has hardware error",
];

/// The text of errno `errno`: `"No such file or directory"` for `ENOENT`, `"Unknown error 4242"`
/// for a number glibc does not know.
pub fn text(errno: i32) -> String {
    match usize::try_from(errno).ok().and_then(|i| GLIBC.get(i)) {
        Some(text) => (*text).to_owned(),
        None => format!("Unknown error {errno}"),
    }
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

    /// Every entry of the table is what this glibc's `strerror_r` says, and the first number past
    /// it is one glibc does not know either. Only on a glibc build: musl's texts differ.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    #[allow(unsafe_code)]
    fn every_entry_is_glibcs_strerror() {
        let glibc = |errno: i32| {
            let mut buf = [0u8; 256];
            // SAFETY: the buffer is valid for writes of its length, which is passed along; the
            // libc crate binds the XSI `strerror_r` (glibc's `__xpg_strerror_r`), which writes
            // a NUL-terminated text into it and touches nothing else.
            let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr().cast(), buf.len()) };
            let end = buf
                .iter()
                .position(|&b| b == 0)
                .expect("a NUL-terminated text");
            (
                rc,
                String::from_utf8(buf[..end].to_vec()).expect("ASCII text"),
            )
        };
        for (errno, ours) in GLIBC.iter().enumerate() {
            let errno = i32::try_from(errno).unwrap();
            // 41 and 58 are unused on Linux: glibc says "Unknown error N" and returns EINVAL.
            let (rc, theirs) = glibc(errno);
            assert_eq!(theirs, *ours, "errno {errno}");
            assert!(
                rc == 0 || theirs.starts_with("Unknown error"),
                "errno {errno}: rc {rc}"
            );
            assert_eq!(text(errno), *ours);
        }
        let past = i32::try_from(GLIBC.len()).unwrap();
        assert_eq!(glibc(past).1, format!("Unknown error {past}"));
        assert_eq!(text(past), format!("Unknown error {past}"));
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
