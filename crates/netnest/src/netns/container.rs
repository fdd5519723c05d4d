// SPDX-License-Identifier: MIT OR Apache-2.0
//! Finding a container's network namespace from its id: [`NetNs::from_container`].
//!
//! Container engines put each container's processes in a cgroup whose name carries the container's
//! 64-hex-digit id, and every process's `/proc/PID/cgroup` lists its cgroups in every hierarchy
//! (v1 and v2). So instead of guessing cgroup paths engine by engine, as Go's `GetFromDocker` does
//! (which misses cgroup v2 layouts, Podman, CRI-O and containerd's CRI scopes), netnest reads
//! `/proc/*/cgroup` and recognises the id in any of these forms of a path component:
//!
//! | engine, driver | component |
//! |---|---|
//! | Docker, cgroupfs driver (`/docker/ID`), Kubernetes cgroupfs (`/kubepods/…/podUID/ID`), LXC, finch | `ID` |
//! | Docker, systemd driver | `docker-ID.scope` |
//! | Podman | `libpod-ID.scope` (and `libpod-ID` under `libpod_parent`) |
//! | containerd CRI (Kubernetes) | `cri-containerd-ID.scope` |
//! | CRI-O | `crio-ID.scope` |
//! | nerdctl | `nerdctl-ID.scope` |
//!
//! Podman's and CRI-O's monitor processes (`libpod-conmon-ID.scope`, `crio-conmon-ID.scope`) stay
//! in the host's namespace and are never taken for the container.

use std::os::unix::ffi::OsStrExt;

use super::handle::NetNs;
use crate::error::{ContainerError, Error, Op, Result};

/// The length of a full container id.
const ID_LEN: usize = 64;

/// The container id in one cgroup path component, if it holds one.
fn id_in_component(component: &[u8]) -> Option<&[u8]> {
    let id = match component.strip_suffix(b".scope") {
        Some(scope) => {
            const ENGINES: [&[u8]; 5] = [
                b"docker-",
                b"libpod-",
                b"cri-containerd-",
                b"crio-",
                b"nerdctl-",
            ];
            ENGINES
                .iter()
                .find_map(|prefix| scope.strip_prefix(*prefix))?
        }
        None => component.strip_prefix(b"libpod-").unwrap_or(component),
    };
    (id.len() == ID_LEN && id.iter().all(u8::is_ascii_hexdigit)).then_some(id)
}

/// The container ids in the text of a `/proc/PID/cgroup` file.
fn ids_in_cgroup_file(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| b == b'\n').flat_map(|line| {
        // "HIERARCHY:CONTROLLERS:PATH"; the path may itself hold ':'.
        let path = line.splitn(3, |&b| b == b':').nth(2).unwrap_or(b"");
        path.split(|&b| b == b'/').filter_map(id_in_component)
    })
}

/// The (pid, full id) of every process in a container whose id starts with `prefix`.
fn processes_of(prefix: &[u8]) -> Result<Vec<(u32, String)>> {
    let proc = std::fs::read_dir("/proc")
        .map_err(|e| Error::new(Op::ReadDir, Some("/proc".as_ref()), e))?;
    let mut found = Vec::new();
    for entry in proc.flatten() {
        let name = entry.file_name();
        let Ok(pid) = std::str::from_utf8(name.as_bytes())
            .unwrap_or("")
            .parse::<u32>()
        else {
            continue;
        };
        let Ok(text) = std::fs::read(format!("/proc/{pid}/cgroup")) else {
            continue;
        };
        let id = ids_in_cgroup_file(&text)
            .find(|id| id.len() >= prefix.len() && id[..prefix.len()].eq_ignore_ascii_case(prefix));
        if let Some(id) = id {
            found.push((pid, String::from_utf8_lossy(id).to_ascii_lowercase()));
        }
    }
    Ok(found)
}

impl NetNs {
    /// The network namespace of the running container whose id is `id` or starts with `id` (as
    /// `docker ps` abbreviates it): Docker (cgroupfs and systemd drivers), Podman, containerd/CRI,
    /// CRI-O, nerdctl, on cgroup v1 and v2.
    ///
    /// Fails with an [`Op::FindContainer`] error of kind [`ErrorKind::Container`](crate::ErrorKind::Container): `NotFound`,
    /// `Ambiguous` with the candidates, or `InvalidId`. Opening the namespace of the container's
    /// process can fail as [`NetNs::from_pid`] does.
    ///
    /// ```no_run
    /// let ns = netnest::NetNs::from_container("3f4e1b2c9a7d")?;
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "GetFromDocker")]
    pub fn from_container(id: &str) -> Result<NetNs> {
        let (_, ns) = NetNs::find_container(id)?;
        Ok(ns)
    }

    /// Like [`from_container`](NetNs::from_container), and also returns the container's full id.
    pub fn find_container(id: &str) -> Result<(String, NetNs)> {
        if id.is_empty() || id.len() > ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::container(ContainerError::InvalidId(id.to_string())));
        }
        let procs = processes_of(id.as_bytes())?;
        let mut ids: Vec<&str> = procs.iter().map(|(_, full)| full.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [] => Err(Error::container(ContainerError::NotFound(id.to_string()))),
            [_] => {
                // Processes can exit between the scan and the open: try each in turn.
                let mut last = None;
                for (pid, full) in &procs {
                    match NetNs::from_pid(*pid) {
                        Ok(ns) => return Ok((full.clone(), ns)),
                        Err(e) => last = Some(e),
                    }
                }
                Err(last
                    .unwrap_or_else(|| Error::container(ContainerError::NotFound(id.to_string()))))
            }
            many => Err(Error::container(ContainerError::Ambiguous(
                id.to_string(),
                many.iter().map(|s| s.to_string()).collect(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const ID: &str = "3f4e1b2c9a7d3f4e1b2c9a7d3f4e1b2c9a7d3f4e1b2c9a7d3f4e1b2c9a7d0000";

    #[test]
    fn recognises_each_engine() {
        let layouts = [
            format!("12:pids:/docker/{ID}"),
            format!("0::/system.slice/docker-{ID}.scope"),
            format!("0::/machine.slice/libpod-{ID}.scope/container"),
            format!("3:memory:/machine.slice/libpod_parent/libpod-{ID}"),
            format!("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-{ID}.scope"),
            format!("0::/kubepods.slice/kubepods-pod2.slice/crio-{ID}.scope"),
            format!("4:memory:/kubepods/burstable/pod3/{ID}"),
            format!("0::/system.slice/nerdctl-{ID}.scope"),
        ];
        for line in layouts {
            let ids: Vec<_> = ids_in_cgroup_file(line.as_bytes()).collect();
            assert_eq!(ids, [ID.as_bytes()], "{line}");
        }
    }

    #[test]
    fn ignores_monitors_and_other_ids() {
        for line in [
            format!("0::/machine.slice/libpod-conmon-{ID}.scope"),
            format!("0::/system.slice/crio-conmon-{ID}.scope"),
            "4:memory:/process_api/0cef7c665136b2f15ff03f23cfb4350c".to_string(),
            "0::/user.slice/user-0.slice/session-1.scope".to_string(),
            "garbage without colons".to_string(),
        ] {
            assert_eq!(ids_in_cgroup_file(line.as_bytes()).count(), 0, "{line}");
        }
    }

    #[test]
    fn rejects_invalid_ids() {
        for id in ["", "xyz", "../etc", &"a".repeat(65)] {
            let e = NetNs::from_container(id).unwrap_err();
            assert_eq!(e.op(), Op::FindContainer);
            assert_eq!(
                e.kind(),
                &ErrorKind::Container(ContainerError::InvalidId(id.to_string()))
            );
            assert_eq!(
                e.to_string(),
                format!(
                    "cannot find the container: {id:?} is not a container id (hexadecimal digits)"
                )
            );
        }
    }
}
