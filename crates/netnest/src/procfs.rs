//! What `/proc` says about processes and namespaces (`ip netns pids`).

use std::os::unix::ffi::OsStrExt;

use crate::error::{Error, Op, Result};

/// The pids of the processes (thread-group leaders) whose network namespace has this device and
/// inode, in `/proc` order. Processes that vanish or cannot be inspected are skipped.
pub(crate) fn pids_in(dev: u64, ino: u64) -> Result<Vec<u32>> {
    let proc = std::fs::read_dir("/proc")
        .map_err(|e| Error::new(Op::ReadDir, Some("/proc".as_ref()), e))?;
    let mut pids = Vec::new();
    let mut path = Vec::with_capacity(32);
    for entry in proc.flatten() {
        let name = entry.file_name();
        let bytes = name.as_bytes();
        if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
            continue;
        }
        path.clear();
        path.extend_from_slice(b"/proc/");
        path.extend_from_slice(bytes);
        path.extend_from_slice(b"/ns/net");
        if let Ok(st) = rustix::fs::stat(std::ffi::OsStr::from_bytes(&path)) {
            if st.st_dev == dev && st.st_ino == ino {
                if let Ok(pid) = name.to_string_lossy().parse() {
                    pids.push(pid);
                }
            }
        }
    }
    Ok(pids)
}
