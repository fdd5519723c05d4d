// SPDX-License-Identifier: MIT OR Apache-2.0
//! The kernel floor: the system calls each library operation cannot avoid, made directly with
//! rustix on the calling thread, and nothing else (no netnest, no checks, no error context, no
//! handle built, paths prepared before the clock starts). What the library costs beyond this is
//! its own overhead.
//!
//! | operation | system calls |
//! |---|---|
//! | [`Floor::add`] | `open(O_CREAT\|O_EXCL)`, `close`, `unshare(CLONE_NEWNET)`, `mount(MS_BIND)`, `setns` back |
//! | [`Floor::delete`] | `umount2(MNT_DETACH)`, `unlink` |
//! | [`Floor::new_anonymous`] | `unshare(CLONE_NEWNET)`, `open(/proc/thread-self/ns/net)`, `setns` back |
//! | [`Floor::socket_in`] | `setns`, `socket`, `setns` back |
//! | [`Floor::run_in`] | `setns`, the closure, `setns` back |
//! | [`Floor::link_dump_in`] | `setns`, `socket`, `setns` back, `sendto(RTM_GETLINK dump)`, `recvfrom` until `NLMSG_DONE`, `close` |
//!
//! | [`nsid_lookups`] | `socket`, `open` + `getdents64` of the run directory, per name `openat(O_NONBLOCK)`, per 256 names one `sendto` of their `RTM_GETNSID`s and `recvfrom` until each has its reply, `close`s |
//!
//! [`Floor::add`] expects the run directory to be a mount point already, as it is after the first
//! `ip netns add` (or [`Floor::prepare_dir`]); `ip` and the library check that on every call.
//!
//! [`cli`] holds the floor of the *commands*: what a process running `ip netns add`, `delete` or
//! `exec` must do at the least, with `ip`'s semantics (the `kernel-floor` program runs them as a
//! command, to compare with `netnest` and `ip` process for process).
//!
//! # Safety
//!
//! `unshare` is `unsafe` in rustix because `CLONE_FILES` would split the fd table between threads;
//! here it is only called with `CLONE_NEWNET`, which changes nothing but the calling thread's
//! network namespace, or (in [`cli`], in a single-threaded command) with `CLONE_NEWNS`. `execvp`
//! gets NUL-terminated strings in a NULL-terminated array that outlive the call.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{Mode, OFlags};
use rustix::mount::{MountPropagationFlags, UnmountFlags};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};
use rustix::thread::{LinkNameSpaceType, UnshareFlags};

const THREAD_NS: &CStr = c"/proc/thread-self/ns/net";

/// The floor's state: the calling thread's original namespace, opened once.
#[derive(Debug)]
pub struct Floor {
    original: OwnedFd,
}

impl Floor {
    /// Opens the calling thread's namespace, to come back to. Every other method must be called
    /// on this same thread.
    pub fn new() -> io::Result<Floor> {
        let original =
            rustix::fs::open(THREAD_NS, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
        Ok(Floor { original })
    }

    /// Makes `dir` a shared mount point, as `ip netns add` does the first time (bind onto itself,
    /// private, then shared).
    pub fn prepare_dir(dir: &CStr) -> io::Result<()> {
        let _ = rustix::fs::mkdir(dir, Mode::from_raw_mode(0o755));
        make_shared(dir)
    }
}

/// Makes the directory `dir` a shared mount point (bound onto itself first if it is not one).
fn make_shared(dir: &CStr) -> io::Result<()> {
    let shared = MountPropagationFlags::SHARED | MountPropagationFlags::REC;
    if rustix::mount::mount_change(dir, shared).is_ok() {
        return Ok(());
    }
    rustix::mount::mount_bind_recursive(dir, dir)?;
    rustix::mount::mount_change(
        dir,
        MountPropagationFlags::PRIVATE | MountPropagationFlags::REC,
    )?;
    Ok(rustix::mount::mount_change(dir, shared)?)
}

impl Floor {
    /// Named create: the mode-0 file, a new namespace on this thread, its bind mount onto the
    /// file, and back.
    pub fn add(&self, path: &CStr) -> io::Result<()> {
        drop(rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::empty(),
        )?);
        unshare_netns()?;
        let bound = rustix::mount::mount_bind(THREAD_NS, path);
        self.back();
        Ok(bound?)
    }

    /// Named delete: lazy unmount, unlink.
    pub fn delete(&self, path: &CStr) -> io::Result<()> {
        let _ = rustix::mount::unmount(path, UnmountFlags::DETACH);
        Ok(rustix::fs::unlink(path)?)
    }

    /// A new anonymous namespace, returned as an open fd; the thread comes back.
    pub fn new_anonymous(&self) -> io::Result<OwnedFd> {
        unshare_netns()?;
        let fd = rustix::fs::open(THREAD_NS, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty());
        self.back();
        Ok(fd?)
    }

    /// A `NETLINK_ROUTE` socket inside `ns`.
    pub fn socket_in(&self, ns: BorrowedFd<'_>) -> io::Result<OwnedFd> {
        enter(ns)?;
        let sock = netlink_socket();
        self.back();
        sock
    }

    /// Runs `f` on this thread inside `ns`.
    pub fn run_in<T>(&self, ns: BorrowedFd<'_>, f: impl FnOnce() -> T) -> io::Result<T> {
        enter(ns)?;
        let value = f();
        self.back();
        Ok(value)
    }

    /// The in-process `ip -n NS link show`: a socket inside `ns`, one `RTM_GETLINK` dump, the
    /// number of links in the reply.
    pub fn link_dump_in(&self, ns: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
        let sock = self.socket_in(ns)?;
        link_dump(sock.as_fd(), buf)
    }

    /// Back to the original namespace; aborts if that fails (the thread would be lost).
    fn back(&self) {
        if enter(self.original.as_fd()).is_err() {
            std::process::abort();
        }
    }
}

fn enter(ns: BorrowedFd<'_>) -> io::Result<()> {
    Ok(rustix::thread::move_into_link_name_space(
        ns,
        Some(LinkNameSpaceType::Network),
    )?)
}

fn unshare_netns() -> io::Result<()> {
    // SAFETY: CLONE_NEWNET only changes this thread's network namespace (module's Safety section).
    Ok(unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWNET) }?)
}

fn netlink_socket() -> io::Result<OwnedFd> {
    Ok(rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        None, // NETLINK_ROUTE is protocol 0
    )?)
}

/// The floor of `ip netns add|delete|exec` as commands: the system calls of `ip`'s semantics, in a
/// process that does nothing else and never comes back (no `setns` back, no handle).
pub mod cli {
    use std::ffi::{CStr, CString};
    use std::io;

    use rustix::fs::{FlockOperation, Mode, OFlags, CWD};
    use rustix::mount::{
        MountFlags, MountPropagationFlags, MoveMountFlags, OpenTreeFlags, UnmountFlags,
    };

    /// `ip netns add`: the run directory made (`EEXIST` is fine) and a shared mount under its
    /// `flock`, the mode-0 file, a new namespace, its bind mount.
    pub fn add(dir: &CStr, path: &CStr) -> io::Result<()> {
        let _ = rustix::fs::mkdir(dir, Mode::from_raw_mode(0o755));
        let fd = rustix::fs::open(
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        rustix::fs::flock(&fd, FlockOperation::LockExclusive)?;
        super::make_shared(dir)?;
        rustix::fs::flock(&fd, FlockOperation::Unlock)?;
        drop(fd);
        drop(rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::empty(),
        )?);
        super::unshare_netns()?;
        Ok(rustix::mount::mount_bind(super::THREAD_NS, path)?)
    }

    /// `ip netns delete`: lazy unmount, unlink.
    pub fn delete(path: &CStr) -> io::Result<()> {
        let _ = rustix::mount::unmount(path, UnmountFlags::DETACH);
        Ok(rustix::fs::unlink(path)?)
    }

    /// `ip netns exec NAME cmd…` up to the `execvp`: enter the namespace, a private mount
    /// namespace with `/` rslave, the namespace's sysfs on `/sys`, the check for `/etc/netns/NAME`.
    /// With `keep_cgroup`, also what netnest does beyond 6.1: the cgroup mounts cloned before
    /// `/sys` goes and moved onto the new one.
    pub fn exec_env(path: &CStr, name: &CStr, etc: &CStr, keep_cgroup: bool) -> io::Result<()> {
        let ns = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
        super::enter(std::os::fd::AsFd::as_fd(&ns))?;
        drop(ns);
        // SAFETY: CLONE_NEWNS changes only this (single-threaded) process's mount namespace.
        unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNS) }?;
        rustix::mount::mount_change(
            c"/",
            MountPropagationFlags::DOWNSTREAM | MountPropagationFlags::REC,
        )?;
        let cgroup = keep_cgroup
            .then(|| {
                rustix::mount::open_tree(
                    CWD,
                    c"/sys/fs/cgroup",
                    OpenTreeFlags::OPEN_TREE_CLONE
                        | OpenTreeFlags::OPEN_TREE_CLOEXEC
                        | OpenTreeFlags::AT_RECURSIVE,
                )
                .ok()
            })
            .flatten();
        let _ = rustix::mount::unmount(c"/sys", UnmountFlags::DETACH);
        rustix::mount::mount(name, c"/sys", c"sysfs", MountFlags::empty(), None)?;
        if let Some(tree) = cgroup {
            let _ = rustix::mount::move_mount(
                tree,
                c"",
                CWD,
                c"/sys/fs/cgroup",
                MoveMountFlags::MOVE_MOUNT_F_EMPTY_PATH,
            );
        }
        let _ = rustix::fs::open(
            etc,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        );
        Ok(())
    }

    /// `execvp(argv[0], argv)`; returns only on failure.
    pub fn execvp(argv: &[CString]) -> io::Error {
        let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        // SAFETY: a NULL-terminated array of NUL-terminated strings that outlive the call.
        unsafe { libc::execvp(ptrs[0], ptrs.as_ptr()) };
        io::Error::last_os_error()
    }
}

const RTM_GETLINK: u16 = 18;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_HDRLEN: usize = 16;

/// Sends an `RTM_GETLINK` dump request and reads the reply to its end; returns the number of
/// links. The request is 32 bytes built by hand: `nlmsghdr` and an all-zero `ifinfomsg`.
/// The in-process floor of `netnest list` with nsids: every entry of `dir` asked for its nsid in
/// the current namespace, 256 requests to a datagram, with buffers the caller keeps (`names`
/// for the directory, `buf` for requests and replies). Returns how many entries have an id.
pub fn nsid_lookups(dir: &CStr, names: &mut [u8], buf: &mut [u8]) -> io::Result<usize> {
    const RTM_GETNSID: u16 = 90;
    const RTM_NEWNSID: u16 = 88;
    let sock = netlink_socket()?;
    let dir = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY;
    let mut with_id = 0;
    let mut files: Vec<OwnedFd> = Vec::with_capacity(256);
    // SAFETY: a byte buffer reinterpreted as uninitialized bytes, which RawDir only writes.
    let raw = unsafe { &mut *(names as *mut [u8] as *mut [std::mem::MaybeUninit<u8>]) };
    let mut entries = rustix::fs::RawDir::new(&dir, raw);
    let mut done = false;
    while !done {
        files.clear();
        while files.len() < 256 {
            let Some(entry) = entries.next() else {
                done = true;
                break;
            };
            let entry = entry?;
            let name = entry.file_name();
            if name.to_bytes() == b"." || name.to_bytes() == b".." {
                continue;
            }
            if let Ok(file) = rustix::fs::openat(&dir, name, flags, Mode::empty()) {
                files.push(file);
            }
        }
        if files.is_empty() {
            break;
        }
        let mut len = 0;
        for (i, file) in files.iter().enumerate() {
            let req = &mut buf[len..len + 28];
            req[0..4].copy_from_slice(&28u32.to_ne_bytes());
            req[4..6].copy_from_slice(&RTM_GETNSID.to_ne_bytes());
            req[6..8].copy_from_slice(&NLM_F_REQUEST.to_ne_bytes());
            req[8..12].copy_from_slice(&(i as u32 + 1).to_ne_bytes());
            req[12..20].copy_from_slice(&[0; 8]);
            req[20..22].copy_from_slice(&8u16.to_ne_bytes());
            req[22..24].copy_from_slice(&3u16.to_ne_bytes()); // NETNSA_FD
            req[24..28]
                .copy_from_slice(&(std::os::fd::AsRawFd::as_raw_fd(file) as u32).to_ne_bytes());
            len += 28;
        }
        rustix::net::send(&sock, &buf[..len], SendFlags::empty())?;
        let mut pending = files.len();
        while pending > 0 {
            let (len, _) = rustix::net::recv(&sock, &mut *buf, RecvFlags::empty())?;
            let mut at = 0;
            while at + NLMSG_HDRLEN <= len {
                let msg_len =
                    u32::from_ne_bytes(buf[at..at + 4].try_into().expect("4 bytes")) as usize;
                let kind = u16::from_ne_bytes(buf[at + 4..at + 6].try_into().expect("2 bytes"));
                if kind == RTM_NEWNSID || kind == NLMSG_ERROR {
                    pending -= 1;
                }
                // NETNSA_NSID first, at a fixed place in the reply.
                if kind == RTM_NEWNSID && msg_len >= 28 {
                    let id = i32::from_ne_bytes(buf[at + 24..at + 28].try_into().expect("4 bytes"));
                    with_id += usize::from(id >= 0);
                }
                if msg_len < NLMSG_HDRLEN {
                    return Err(io::Error::other("short netlink message"));
                }
                at += (msg_len + 3) & !3;
            }
        }
    }
    Ok(with_id)
}

fn link_dump(sock: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    let mut req = [0u8; 32];
    req[0..4].copy_from_slice(&32u32.to_ne_bytes());
    req[4..6].copy_from_slice(&RTM_GETLINK.to_ne_bytes());
    req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    req[8..12].copy_from_slice(&1u32.to_ne_bytes());
    rustix::net::send(sock, &req, SendFlags::empty())?;
    let mut links = 0;
    loop {
        let (len, _) = rustix::net::recv(sock, &mut *buf, RecvFlags::empty())?;
        let mut at = 0;
        while at + NLMSG_HDRLEN <= len {
            let msg_len = u32::from_ne_bytes(buf[at..at + 4].try_into().expect("4 bytes")) as usize;
            let kind = u16::from_ne_bytes(buf[at + 4..at + 6].try_into().expect("2 bytes"));
            match kind {
                NLMSG_DONE => return Ok(links),
                NLMSG_ERROR => return Err(io::Error::other("netlink error in dump")),
                _ => links += 1,
            }
            if msg_len < NLMSG_HDRLEN {
                return Err(io::Error::other("short netlink message"));
            }
            at += (msg_len + 3) & !3;
        }
    }
}
