// SPDX-License-Identifier: MIT OR Apache-2.0
//! The ways into a [`Topology`]: a file, a string, another topology renamed. Here rather than
//! in `topology.rs` so that the validation depends on the model, never the reverse.

use std::io::Read;
use std::path::Path;

use crate::error::{Problem, SpecError};
use crate::topology::Topology;

/// The largest topology file read: far more than any lab needs (a 1,000-node lab is about
/// 100 KiB), and a bound on what a wrong path (`/dev/zero`, a log) can make us read.
pub(crate) const FILE_MAX: u64 = 16 << 20;

fn file_problem(path: &Path, message: String) -> SpecError {
    SpecError::new(
        Some(path),
        vec![Problem {
            path: String::new(),
            message,
            location: None,
        }],
    )
}

/// The text of a topology file: a regular file of at most [`FILE_MAX`] bytes, in UTF-8.
fn read(path: &Path) -> Result<String, SpecError> {
    let fail = |message: String| file_problem(path, message);
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| fail(format!("cannot read the file: {e}")))?;
    if !meta.is_file() {
        return Err(fail(
            "not a regular file: a topology is read from a TOML file".to_owned(),
        ));
    }
    if meta.len() > FILE_MAX {
        return Err(fail(format!(
            "the file is {} bytes long; a topology file may have at most {FILE_MAX} (16 MiB)",
            meta.len()
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(FILE_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > FILE_MAX {
        return Err(fail(format!(
            "the file grew past {FILE_MAX} bytes (16 MiB) while it was read"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

impl Topology {
    /// Reads and validates a topology file. Errors say the file, line and column.
    ///
    /// Only a regular file of at most 16 MiB of UTF-8 text is read (a device, a FIFO or a
    /// directory is refused before anything is read).
    ///
    /// ```no_run
    /// let t = netnest_lab::Topology::from_file("examples/labs/star.toml")?;
    /// # Ok::<(), netnest_lab::SpecError>(())
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Topology, SpecError> {
        let path = path.as_ref();
        super::from_text(&read(path)?, Some(path))
    }

    /// The same topology under another lab name (so two copies never collide). The
    /// namespace names and the default host interface names follow.
    ///
    /// # Errors
    ///
    /// If the name is invalid, or a default host interface name made from it would be longer
    /// than 15 bytes.
    pub fn renamed(&self, name: &str) -> Result<Topology, SpecError> {
        super::rename::renamed(self, name)
    }
}

impl std::str::FromStr for Topology {
    type Err = SpecError;

    /// Parses and validates a topology from TOML text.
    fn from_str(text: &str) -> Result<Topology, SpecError> {
        super::from_text(text, None)
    }
}
