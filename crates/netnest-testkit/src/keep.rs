// SPDX-License-Identifier: MIT OR Apache-2.0
//! The test's own files in a sandbox whose `/tmp` and `/run` are fresh tmpfs filesystems.
//!
//! A checkout or a target directory under `/tmp` or `/run` (a clone in `/tmp/x`, a
//! `CARGO_TARGET_DIR=/run/user/0/target`) would be hidden by the sandbox's tmpfs: the test
//! binary, the binary under test and the test's data files would vanish. So the sandboxes bind
//! the directories that hold them back into place: the first directory under `/tmp` or `/run`
//! on the path of the running test binary, of `CARGO_MANIFEST_DIR` and of the programs a
//! sandbox is asked to run (`/tmp/x` for `/tmp/x/target/debug/netnest`).

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// The tmpfs mount points of the sandboxes that a kept directory may be under.
pub(crate) const HIDDEN: [&str; 2] = ["/tmp", "/run"];

/// The directory directly under `/tmp` or `/run` that holds `path`, if `path` is there.
pub(crate) fn root_of(path: &Path) -> Option<PathBuf> {
    let mut parts = path.components();
    if parts.next() != Some(Component::RootDir) {
        return None;
    }
    let top = parts.next()?;
    let below = match parts.next()? {
        Component::Normal(n) => n,
        _ => return None,
    };
    let top = Path::new("/").join(top);
    HIDDEN
        .iter()
        .any(|h| top == Path::new(h))
        .then(|| top.join(below))
}

/// The existing directories under `/tmp` or `/run` that hold the running test binary,
/// `CARGO_MANIFEST_DIR`, or one of `more`, without duplicates.
pub fn kept_roots<'a>(more: impl IntoIterator<Item = &'a OsStr>) -> Vec<PathBuf> {
    let exe = std::env::current_exe().ok();
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let mut roots: Vec<PathBuf> = exe
        .into_iter()
        .chain(manifest)
        .chain(more.into_iter().map(PathBuf::from))
        .filter_map(|p| root_of(&p))
        .filter(|r| r.is_dir())
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

#[cfg(test)]
mod tests {
    use super::root_of;
    use std::path::Path;

    #[test]
    fn roots_under_tmp_and_run() {
        let root = |p: &str| root_of(Path::new(p));
        assert_eq!(root("/tmp/x/target/debug/netnest"), Some("/tmp/x".into()));
        assert_eq!(root("/run/user/0/t"), Some("/run/user".into()));
        assert_eq!(root("/tmp/x"), Some("/tmp/x".into()));
        assert_eq!(root("/tmp"), None);
        assert_eq!(root("/work/tmp/x"), None);
        assert_eq!(root("/tmpx/y"), None);
        assert_eq!(root("tmp/x"), None);
        assert_eq!(root("/tmp/../etc"), None);
    }
}
