// SPDX-License-Identifier: MIT OR Apache-2.0
//! netnest's errors as the `OSError`s pyroute2 raises: the errno picks the subclass
//! (`FileNotFoundError`, `FileExistsError`, `PermissionError`, …), and the path is the filename.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::PyErr;

/// `OSError(errno, strerror, filename)`; Python turns it into the errno's subclass.
pub fn os_error(e: netnest::Error) -> PyErr {
    let filename = e.path().map(|p| p.to_string_lossy().into_owned());
    match e.raw_os_error() {
        Some(errno) => {
            let text = std::io::Error::from_raw_os_error(errno).to_string();
            let text = match text.rfind(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            match filename {
                Some(path) => PyOSError::new_err((errno, text, path)),
                None => PyOSError::new_err((errno, text)),
            }
        }
        None => PyOSError::new_err(e.to_string()),
    }
}

/// A name that iproute2 would refuse (empty, `.`, `..`, too long, NUL).
pub fn bad_name(name: &[u8], e: netnest::InvalidName) -> PyErr {
    PyValueError::new_err(format!(
        "invalid namespace name {:?}: {e}",
        String::from_utf8_lossy(name)
    ))
}
