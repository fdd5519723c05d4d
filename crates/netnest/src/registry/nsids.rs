// SPDX-License-Identifier: MIT OR Apache-2.0
//! [`Registry::list_with_nsids`]: the names of the run directory with their nsids, in one call
//! (`ip netns list`'s ` (id: N)`, pyroute2's `get_netns_info`).

use std::ffi::{OsStr, OsString};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{Mode, OFlags, RawDir};

use super::Registry;
use crate::error::{Error, Op, Result};
use crate::netlink::Socket;

/// How many entries are open at once (well under the usual limit of 1024 descriptors).
const CHUNK: usize = 256;

/// An entry of the run directory and its nsid, from [`Registry::list_with_nsids`].
#[derive(Debug)]
#[non_exhaustive]
pub struct NsidEntry {
    /// The file name (any file can be there, not only valid [`Name`](crate::Name)s).
    pub name: OsString,
    /// The id the socket's namespace gives the entry's namespace (`None`: it has none there), or
    /// why there is none: [`Op::Open`] when the file could not be opened (as iproute2, no lookup
    /// then), [`Op::Netlink`] when the kernel refused it, such as a file that is not a namespace
    /// (`EINVAL`, with the kernel's message `Peer netns reference is invalid`).
    pub nsid: Result<Option<i32>>,
}

impl Registry {
    /// The entries of the run directory in directory order (as `ip netns list` prints them), each
    /// with the nsid that the current network namespace gives it. A missing run directory fails
    /// with [`Op::ReadDir`].
    ///
    /// Each entry is opened without blocking (a FIFO is opened `O_NONBLOCK`, a device without
    /// becoming a controlling terminal) and asked about in one pipelined batch: about the
    /// kernel's own cost, where iproute2 makes two round trips per name.
    ///
    /// ```no_run
    /// for entry in netnest::Registry::default().list_with_nsids()? {
    ///     match entry.nsid {
    ///         Ok(Some(id)) => println!("{:?} (id: {id})", entry.name),
    ///         _ => println!("{:?}", entry.name),
    ///     }
    /// }
    /// # Ok::<(), netnest::Error>(())
    /// ```
    #[doc(alias = "get_netns_info")]
    pub fn list_with_nsids(&self) -> Result<Vec<NsidEntry>> {
        self.list_with_nsids_on(&mut Socket::open()?)
    }

    /// [`list_with_nsids`](Registry::list_with_nsids) with the ids of the namespace `sock` was
    /// opened in.
    pub fn list_with_nsids_on(&self, sock: &mut Socket) -> Result<Vec<NsidEntry>> {
        let dir = rustix::fs::open(
            &self.dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| Error::at(Op::ReadDir, &self.dir, e))?;
        let mut entries = Vec::new();
        let mut buf = [MaybeUninit::<u8>::uninit(); 16 * 1024];
        let mut names = RawDir::new(&dir, &mut buf);
        while let Some(entry) = names.next() {
            let entry = entry.map_err(|e| Error::at(Op::ReadDir, &self.dir, e))?;
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." {
                entries.push(NsidEntry {
                    name: OsStr::from_bytes(name).to_owned(),
                    nsid: Ok(None),
                });
            }
        }
        let mut files: Vec<Option<OwnedFd>> = Vec::with_capacity(CHUNK.min(entries.len()));
        for chunk in entries.chunks_mut(CHUNK) {
            files.clear();
            let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY;
            for entry in chunk.iter_mut() {
                match rustix::fs::openat(&dir, entry.name.as_os_str(), flags, Mode::empty()) {
                    Ok(file) => files.push(Some(file)),
                    Err(e) => {
                        entry.nsid = Err(Error::errno(Op::Open, e));
                        files.push(None);
                    }
                }
            }
            let mut answers = sock
                .nsids_of(files.iter().flatten().map(|f| f.as_fd()))?
                .into_iter();
            for (entry, file) in chunk.iter_mut().zip(&files) {
                if file.is_some() {
                    entry.nsid = answers.next().unwrap_or_else(|| {
                        Err(Error::errno(Op::Netlink, rustix::io::Errno::NODATA))
                    });
                }
            }
        }
        Ok(entries)
    }
}
