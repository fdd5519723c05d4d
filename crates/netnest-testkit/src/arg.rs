// SPDX-License-Identifier: MIT OR Apache-2.0
//! One word of a command line: literal bytes, or a value the setup script computes.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// One word of the command under test.
///
/// A literal word is handed to the program through `argv`, never through shell text, so any
/// bytes except NUL survive exactly (spaces, quotes, tabs, newlines, control bytes, invalid
/// UTF-8). A [`Arg::var`] word is the value of a shell variable that the setup script set, for
/// values only known inside the sandbox, such as the pid of a process it started.
#[derive(Clone, PartialEq, Eq)]
pub enum Arg {
    /// These exact bytes.
    Lit(OsString),
    /// The value of this shell variable after setup, e.g. `Arg::var("PID")` after `nn_sleeper PID`.
    Var(String),
}

impl Arg {
    /// The value of the shell variable `name` once the setup script has run.
    ///
    /// # Panics
    ///
    /// If `name` is not a shell variable name (`[A-Za-z_][A-Za-z0-9_]*`).
    pub fn var(name: &str) -> Arg {
        let mut chars = name.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        assert!(ok, "not a shell variable name: {name:?}");
        Arg::Var(name.to_owned())
    }

    /// A literal word from raw bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Arg {
        Arg::Lit(OsString::from_vec(bytes.into()))
    }

    /// The word as the failure messages show it.
    pub(crate) fn describe(&self) -> String {
        match self {
            Arg::Lit(s) => format!("\"{}\"", s.as_bytes().escape_ascii()),
            Arg::Var(v) => format!("${v}"),
        }
    }
}

impl std::fmt::Debug for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Lit(s.into())
    }
}

impl From<&&str> for Arg {
    fn from(s: &&str) -> Arg {
        Arg::Lit((*s).into())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Lit(s.into())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Lit(s.into())
    }
}

impl From<&[u8]> for Arg {
    fn from(b: &[u8]) -> Arg {
        Arg::bytes(b)
    }
}

impl<const N: usize> From<&[u8; N]> for Arg {
    fn from(b: &[u8; N]) -> Arg {
        Arg::bytes(&b[..])
    }
}

impl From<Vec<u8>> for Arg {
    fn from(b: Vec<u8>) -> Arg {
        Arg::bytes(b)
    }
}

impl From<OsString> for Arg {
    fn from(s: OsString) -> Arg {
        Arg::Lit(s)
    }
}

impl From<&OsStr> for Arg {
    fn from(s: &OsStr) -> Arg {
        Arg::Lit(s.to_owned())
    }
}

impl From<&Arg> for Arg {
    fn from(a: &Arg) -> Arg {
        a.clone()
    }
}
