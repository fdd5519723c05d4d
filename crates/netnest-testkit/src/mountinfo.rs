// SPDX-License-Identifier: MIT OR Apache-2.0
//! `/proc/self/mountinfo`, parsed: what tests check after creating and removing namespaces (one
//! propagation mount per run directory, one nsfs mount per name, nothing left behind).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

/// One line of `/proc/self/mountinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The mount id.
    pub id: u64,
    /// The parent's mount id.
    pub parent: u64,
    /// The root of the mount within its file system (`net:[…]` for nsfs).
    pub root: PathBuf,
    /// The mount point.
    pub point: PathBuf,
    /// The per-mount options (`rw,relatime`…).
    pub options: String,
    /// The optional fields (`shared:N`, `master:N`…).
    pub optional: Vec<String>,
    /// The file system type (`nsfs`, `tmpfs`…).
    pub fstype: String,
    /// The source.
    pub source: String,
    /// The super-block options (`rw,nsdelegate`, a cgroup v1 hierarchy's controllers…).
    pub super_options: String,
}

impl Mount {
    /// The peer group, if the mount is shared.
    pub fn peer_group(&self) -> Option<&str> {
        self.optional.iter().find_map(|o| o.strip_prefix("shared:"))
    }

    /// Whether the mount is shared (a member of a peer group).
    pub fn is_shared(&self) -> bool {
        self.peer_group().is_some()
    }
}

/// The mounts of this process's mount namespace.
pub fn mounts() -> Vec<Mount> {
    let info = std::fs::read("/proc/self/mountinfo").expect("reading mountinfo");
    info.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
            let dash = fields.iter().position(|f| *f == b"-").expect("mountinfo");
            let text = |f: &[u8]| String::from_utf8_lossy(f).into_owned();
            Mount {
                id: text(fields[0]).parse().unwrap(),
                parent: text(fields[1]).parse().unwrap(),
                root: PathBuf::from(OsString::from_vec(unescape(fields[3]))),
                point: PathBuf::from(OsString::from_vec(unescape(fields[4]))),
                options: text(fields[5]),
                optional: fields[6..dash].iter().map(|f| text(f)).collect(),
                fstype: text(fields[dash + 1]),
                source: text(fields[dash + 2]),
                super_options: fields.get(dash + 3).map(|f| text(f)).unwrap_or_default(),
            }
        })
        .collect()
}

/// Decodes mountinfo's `\ooo` escapes.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        match field.get(i + 1..i + 4) {
            Some(d) if field[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)) => {
                out.push(d.iter().fold(0u8, |n, c| n.wrapping_mul(8) + (c - b'0')));
                i += 4;
            }
            _ => {
                out.push(field[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(unescape(b"/run/netns/a\\040b\\011c"), b"/run/netns/a b\tc");
        assert_eq!(unescape(b"trailing\\04"), b"trailing\\04");
        assert_eq!(unescape(br"/run/a\134d"), br"/run/a\d");
    }

    #[test]
    fn this_process_has_a_root_mount() {
        assert!(mounts()
            .iter()
            .any(|m| m.point == std::path::Path::new("/")));
    }
}
