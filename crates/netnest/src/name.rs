// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Name`]: the one place a namespace name is validated.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;

/// The longest name iproute2 accepts (`NAME_MAX`).
pub const NAME_MAX: usize = 255;

/// A valid name for a named network namespace, with iproute2's rule: not empty, not `.` or `..`, no
/// `/`, at most 255 bytes. Any other byte is allowed, including spaces, control bytes and bytes that
/// are not UTF-8; a name is a file name in the run directory and nothing else.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(OsString);

/// Why a name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidName {
    /// The name is empty.
    #[error("the name is empty")]
    Empty,
    /// The name is `.` or `..`.
    #[error("the name is `.` or `..`")]
    Dots,
    /// The name contains `/`.
    #[error("the name contains '/'")]
    Slash,
    /// The name is longer than 255 bytes.
    #[error("the name is longer than 255 bytes ({0} bytes)")]
    TooLong(usize),
    /// The name contains a NUL byte (it cannot be a file name).
    #[error("the name contains a NUL byte")]
    Nul,
}

impl std::str::FromStr for Name {
    type Err = InvalidName;

    /// Validates `name`, as [`Name::new`] does: `"blue".parse::<Name>()`.
    fn from_str(name: &str) -> Result<Name, InvalidName> {
        Name::new(name)
    }
}

impl Name {
    /// Validates `name`.
    ///
    /// ```
    /// use netnest::Name;
    /// assert!(Name::new("blue").is_ok());
    /// assert!(Name::new("a/b").is_err());
    /// assert!(Name::new("..").is_err());
    /// assert_eq!("blue".parse::<Name>()?, Name::new("blue")?);
    /// # Ok::<(), netnest::InvalidName>(())
    /// ```
    pub fn new(name: impl Into<OsString>) -> Result<Name, InvalidName> {
        let name = name.into();
        Name::check(&name)?;
        Ok(Name(name))
    }

    /// Checks `name` without keeping it.
    pub fn check(name: &OsStr) -> Result<(), InvalidName> {
        let bytes = name.as_bytes();
        if bytes.is_empty() {
            Err(InvalidName::Empty)
        } else if bytes.len() > NAME_MAX {
            Err(InvalidName::TooLong(bytes.len()))
        } else if bytes.contains(&b'/') {
            Err(InvalidName::Slash)
        } else if bytes == b"." || bytes == b".." {
            Err(InvalidName::Dots)
        } else if bytes.contains(&0) {
            Err(InvalidName::Nul)
        } else {
            Ok(())
        }
    }

    /// The name as an [`OsStr`].
    pub fn as_os_str(&self) -> &OsStr {
        &self.0
    }

    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl AsRef<OsStr> for Name {
    fn as_ref(&self) -> &OsStr {
        &self.0
    }
}

impl AsRef<std::path::Path> for Name {
    fn as_ref(&self) -> &std::path::Path {
        self.0.as_ref()
    }
}

impl TryFrom<&str> for Name {
    type Error = InvalidName;
    fn try_from(s: &str) -> Result<Name, InvalidName> {
        Name::new(s)
    }
}

impl TryFrom<&OsStr> for Name {
    type Error = InvalidName;
    fn try_from(s: &OsStr) -> Result<Name, InvalidName> {
        Name::new(s)
    }
}

impl TryFrom<String> for Name {
    type Error = InvalidName;
    fn try_from(s: String) -> Result<Name, InvalidName> {
        Name::new(s)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Shows the name lossily (invalid UTF-8 as U+FFFD); use [`Name::as_bytes`] for the exact bytes.
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.to_string_lossy(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iproute2_rule() {
        assert_eq!(Name::new(""), Err(InvalidName::Empty));
        assert_eq!(Name::new("."), Err(InvalidName::Dots));
        assert_eq!(Name::new(".."), Err(InvalidName::Dots));
        assert_eq!(Name::new("a/b"), Err(InvalidName::Slash));
        assert_eq!(Name::new("/"), Err(InvalidName::Slash));
        assert_eq!(Name::new("a".repeat(256)), Err(InvalidName::TooLong(256)));
        assert!(Name::new("a".repeat(255)).is_ok());
        for ok in [
            "...",
            ".a",
            "-rsch",
            "a b",
            "\"q\"",
            "back\\slash",
            "tab\t",
            "nl\n",
            "é",
        ] {
            assert!(Name::new(ok).is_ok(), "{ok:?}");
        }
        let raw = OsStr::from_bytes(b"\x01\x1b\x7f\xff");
        assert_eq!(Name::new(raw).unwrap().as_bytes(), b"\x01\x1b\x7f\xff");
    }
}
