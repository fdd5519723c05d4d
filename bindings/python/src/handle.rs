// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest.NetNS`: an open network namespace (an nsfs file descriptor), compared by identity.

use std::ffi::OsStr;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use netnest::{CreateMode, Name, NetNs, NsId, Registry};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt};

use crate::error::{bad_name, os_error};

/// `open(2)`'s flags, as pyroute2 takes them.
const O_CREAT: i32 = 0o100;
const O_EXCL: i32 = 0o200;

/// An open network namespace.
///
/// `NetNS(netns, flags=0)` opens a name (`/run/netns/NAME`), a path (anything with a `/`), a file
/// descriptor (duplicated), an object with `fileno()`, or another `NetNS`. `flags` is pyroute2's:
/// `0` opens an existing namespace, `os.O_CREAT` creates a missing name, `os.O_CREAT | os.O_EXCL`
/// creates and fails with `FileExistsError` if the name exists. A path in a directory that does
/// not exist is `FileNotFoundError` (no directory is made for it).
///
/// Two handles are equal when they refer to the same namespace. `close()` (or leaving a `with`
/// block) closes the descriptor at once; the garbage collector does it otherwise.
#[pyclass(module = "netnest", name = "NetNS")]
pub struct NetNS {
    ns: Option<Arc<NetNs>>,
    id: NsId,
    path: Option<PathBuf>,
}

impl NetNS {
    pub fn wrap(ns: NetNs, path: Option<PathBuf>) -> NetNS {
        NetNS {
            id: ns.id(),
            ns: Some(Arc::new(ns)),
            path,
        }
    }

    /// The open namespace, shared so it can be used with the GIL released.
    pub fn get(&self) -> PyResult<Arc<NetNs>> {
        self.ns
            .clone()
            .ok_or_else(|| PyValueError::new_err("I/O operation on closed NetNS"))
    }
}

/// Where a name or path lives: a registry and the name in it.
pub fn locate(path: &Path) -> PyResult<(Registry, Name)> {
    let bytes = path.as_os_str().as_bytes();
    let (registry, name) = match bytes.iter().rposition(|&b| b == b'/') {
        None => (Registry::default(), path.as_os_str()),
        Some(0) => (Registry::new("/"), OsStr::from_bytes(&bytes[1..])),
        Some(at) => (
            Registry::new(OsStr::from_bytes(&bytes[..at])),
            OsStr::from_bytes(&bytes[at + 1..]),
        ),
    };
    let name = Name::new(name).map_err(|e| bad_name(bytes, e))?;
    Ok((registry, name))
}

/// Opens or creates `path` as `flags` say, with the GIL released.
pub fn open_path(py: Python<'_>, path: PathBuf, flags: i32) -> PyResult<NetNs> {
    let mode = if flags & O_CREAT == 0 {
        None
    } else if flags & O_EXCL != 0 {
        Some(CreateMode::CreateNew)
    } else {
        Some(CreateMode::CreateOrOpen)
    };
    let is_path = path.as_os_str().as_bytes().contains(&b'/');
    let Some(mode) = mode else {
        let path = if is_path {
            path
        } else {
            let (registry, name) = locate(&path)?;
            registry.path(&name)
        };
        return py
            .allow_threads(|| NetNs::from_path(&path))
            .map_err(os_error);
    };
    let (registry, name) = locate(&path)?;
    py.allow_threads(|| {
        // A bare name lives in the run directory, made as `ip netns add` makes it; a path's
        // directory is the caller's and is never made (pyroute2 makes it, as a shared mount).
        if is_path && mode == CreateMode::CreateOrOpen {
            if let Ok(ns) = NetNs::from_path(&path) {
                return Ok(ns);
            }
        }
        if is_path && !registry.dir().is_dir() {
            let e = std::io::Error::from_raw_os_error(2);
            return Err(netnest::Error::new(
                netnest::Op::Open,
                Some(registry.dir()),
                e,
            ));
        }
        registry.create(&name, mode)
    })
    .map_err(os_error)
}

/// The path of a str, bytes or os.PathLike argument.
pub fn path_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<PathBuf>> {
    if let Ok(b) = obj.downcast::<PyBytes>() {
        return Ok(Some(PathBuf::from(OsStr::from_bytes(b.as_bytes()))));
    }
    if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<NetNS>() {
        return Ok(None);
    }
    Ok(obj.extract::<PathBuf>().ok())
}

#[pymethods]
impl NetNS {
    #[new]
    #[pyo3(signature = (netns, flags = 0))]
    fn new(py: Python<'_>, netns: &Bound<'_, PyAny>, flags: i32) -> PyResult<NetNS> {
        if let Ok(other) = netns.downcast::<NetNS>() {
            let ns = other.borrow().get()?.try_clone().map_err(os_error)?;
            return Ok(NetNS::wrap(ns, other.borrow().path.clone()));
        }
        if let Some(path) = path_of(netns)? {
            let ns = open_path(py, path.clone(), flags)?;
            return Ok(NetNS::wrap(ns, Some(path)));
        }
        let fd: i32 = if netns.is_instance_of::<PyInt>() {
            netns.extract()?
        } else if netns.hasattr("fileno")? {
            netns.call_method0("fileno")?.extract()?
        } else {
            return Err(PyTypeError::new_err(
                "netns must be a name, a path, a file descriptor or an object with fileno()",
            ));
        };
        // A second descriptor of the caller's, opened anew through /proc: the caller keeps
        // theirs, and no raw descriptor number is ever taken over.
        let ns = NetNs::from_path(format!("/proc/thread-self/fd/{fd}")).map_err(os_error)?;
        Ok(NetNS::wrap(ns, None))
    }

    /// The calling thread's network namespace.
    #[staticmethod]
    fn current() -> PyResult<NetNS> {
        NetNs::current()
            .map(|ns| NetNS::wrap(ns, None))
            .map_err(os_error)
    }

    /// The network namespace of process `pid`.
    #[staticmethod]
    fn from_pid(pid: u32) -> PyResult<NetNS> {
        NetNs::from_pid(pid)
            .map(|ns| NetNS::wrap(ns, None))
            .map_err(os_error)
    }

    /// The descriptor (owned by this object: do not close it).
    fn fileno(&self) -> PyResult<i32> {
        Ok(self.get()?.as_fd().as_raw_fd())
    }

    /// Closes the descriptor. Idempotent.
    fn close(&mut self) {
        self.ns = None;
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.ns.is_none()
    }

    /// `(st_dev, st_ino)` of the namespace: equal for the same namespace, whatever the path.
    #[getter]
    fn id(&self) -> (u64, u64) {
        (self.id.dev, self.id.ino)
    }

    /// The namespace's inode number, as in `net:[4026531840]`.
    #[getter]
    fn inode(&self) -> u64 {
        self.id.ino
    }

    /// The name or path it was opened from, if any.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.path.clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.downcast::<NetNS>() {
            Ok(other) => other.borrow().id == self.id,
            Err(_) => false,
        }
    }

    fn __hash__(&self) -> u64 {
        self.id.ino ^ self.id.dev.rotate_left(32)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&mut self, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.close();
    }

    fn __repr__(&self) -> String {
        let state = if self.ns.is_some() { "" } else { " closed" };
        match &self.path {
            Some(p) => format!("<NetNS {:?} net:[{}]{state}>", p, self.id.ino),
            None => format!("<NetNS net:[{}]{state}>", self.id.ino),
        }
    }
}
