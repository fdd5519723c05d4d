//! `ip netns help`: the usage block on stderr, rc 255. Words after `help` are ignored.

use super::Status;
use crate::messages;

/// Prints the usage; `ip` then exits with 255.
pub fn run() -> Status {
    messages::usage();
    Status::Exit(255)
}
