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
//! [`Floor::add`] expects the run directory to be a mount point already, as it is after the first
//! `ip netns add` (or [`Floor::prepare_dir`]); `ip` and the library check that on every call.
//!
//! # Safety
//!
//! `unshare` is `unsafe` in rustix because `CLONE_FILES` would split the fd table between threads;
//! here it is only called with `CLONE_NEWNET`, which changes nothing but the calling thread's
//! network namespace.
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

const RTM_GETLINK: u16 = 18;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_HDRLEN: usize = 16;

/// Sends an `RTM_GETLINK` dump request and reads the reply to its end; returns the number of
/// links. The request is 32 bytes built by hand: `nlmsghdr` and an all-zero `ifinfomsg`.
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
