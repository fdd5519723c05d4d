// SPDX-License-Identifier: MIT OR Apache-2.0
//! A scenario: setup, then one `ip netns` / `netnest` command line, in a fresh sandbox.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::arg::Arg;
use crate::output::Output;
use crate::sandbox::Sandbox;

/// The reference implementation: iproute2 6.1's `ip`.
pub const REFERENCE_IP: &str = "/usr/sbin/ip";

/// Which program runs the command under test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// `/usr/sbin/ip [OPTS] netns ARGS…`
    Reference,
    /// `BINARY [OPTS] ARGS…`: the netnest binary.
    Netnest(PathBuf),
}

/// One command line of `ip netns` / `netnest`, with what to prepare before it and check after it.
///
/// The global options ([`Scenario::opt`]) go before the object: the reference runs
/// `ip OPTS netns ARGS`, netnest runs `netnest OPTS ARGS`. Everything else is the same for both
/// programs. Each run gets its own fresh sandbox (see [`Sandbox`]).
///
/// ```no_run
/// use netnest_testkit::{Expect, Scenario};
/// Scenario::new("/path/to/netnest")
///     .setup("ip netns add x")
///     .args(["add", "x"])
///     .expect(Expect::code(1).stderr("Cannot create namespace file \"/run/netns/x\": File exists\n"));
/// ```
#[derive(Clone, Debug)]
pub struct Scenario {
    pub(crate) netnest: PathBuf,
    pub(crate) sandbox: Sandbox,
    pub(crate) wrapper: Vec<Arg>,
    pub(crate) opts: Vec<Arg>,
    pub(crate) args: Vec<Arg>,
}

impl Scenario {
    /// A scenario with no setup and no words, comparing against the netnest binary at `netnest`
    /// (in the CLI's tests: `env!("CARGO_BIN_EXE_netnest")`). Under `/tmp` or `/run` too: the
    /// sandbox binds its directory back over its own tmpfs.
    pub fn new(netnest: impl Into<PathBuf>) -> Scenario {
        let netnest = netnest.into();
        Scenario {
            netnest,
            sandbox: Sandbox::new(),
            wrapper: Vec::new(),
            opts: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Runs the program under these words, e.g. `["strace", "-f", "-qq", "-o", "/dev/null", "-e",
    /// "inject=unshare:error=EPERM"]` to make a system call fail in both programs alike.
    pub fn wrap<I: IntoIterator<Item = A>, A: Into<Arg>>(mut self, words: I) -> Scenario {
        self.wrapper.extend(words.into_iter().map(Into::into));
        self
    }

    /// Appends a global option word (before the `netns` object of `ip`).
    pub fn opt(mut self, word: impl Into<Arg>) -> Scenario {
        self.opts.push(word.into());
        self
    }

    /// Appends global option words.
    pub fn opts<I: IntoIterator<Item = A>, A: Into<Arg>>(mut self, words: I) -> Scenario {
        self.opts.extend(words.into_iter().map(Into::into));
        self
    }

    /// Appends a word after the object (the subcommand and its arguments).
    pub fn arg(mut self, word: impl Into<Arg>) -> Scenario {
        self.args.push(word.into());
        self
    }

    /// Appends words after the object.
    pub fn args<I: IntoIterator<Item = A>, A: Into<Arg>>(mut self, words: I) -> Scenario {
        self.args.extend(words.into_iter().map(Into::into));
        self
    }

    /// See [`Sandbox::setup`].
    pub fn setup(mut self, script: &str) -> Scenario {
        self.sandbox = self.sandbox.setup(script);
        self
    }

    /// See [`Sandbox::after`]: e.g. `.after("nn_state")` also compares what is left in
    /// `/run/netns`.
    pub fn after(mut self, script: &str) -> Scenario {
        self.sandbox = self.sandbox.after(script);
        self
    }

    /// See [`Sandbox::file`].
    pub fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> Scenario {
        self.sandbox = self.sandbox.file(path, contents);
        self
    }

    /// See [`Sandbox::stdin`].
    pub fn stdin(mut self, bytes: impl AsRef<[u8]>) -> Scenario {
        self.sandbox = self.sandbox.stdin(bytes);
        self
    }

    /// See [`Sandbox::etc_netns`].
    pub fn etc_netns(mut self) -> Scenario {
        self.sandbox = self.sandbox.etc_netns();
        self
    }

    /// See [`Sandbox::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Scenario {
        self.sandbox = self.sandbox.timeout(timeout);
        self
    }

    /// See [`Sandbox::env`].
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Scenario {
        self.sandbox = self.sandbox.env(key, value);
        self
    }

    /// The full command line for `program`.
    pub fn argv(&self, program: &Program) -> Vec<Arg> {
        let mut argv = self.wrapper.clone();
        match program {
            Program::Reference => argv.push(REFERENCE_IP.into()),
            Program::Netnest(bin) => argv.push(bin.as_os_str().into()),
        }
        argv.extend(self.opts.iter().cloned());
        if *program == Program::Reference {
            argv.push("netns".into());
        }
        argv.extend(self.args.iter().cloned());
        argv
    }

    /// Runs the scenario with `program` in a fresh sandbox.
    pub fn run(&self, program: &Program) -> Output {
        self.sandbox.run(&self.argv(program))
    }

    /// Runs the scenario with the reference, `ip … netns …`, only.
    pub fn run_reference(&self) -> Output {
        self.run(&Program::Reference)
    }
}
