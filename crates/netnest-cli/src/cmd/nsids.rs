//! What `list`, `list-id` and `set` share: the netlink socket and the nsid of every entry of the
//! run directory, asked in pipelined batches (iproute2 asks twice per entry, one round trip each).

use std::ffi::OsString;
use std::os::fd::{AsFd, OwnedFd};

use netnest::netlink::{Socket, SocketOptions};
use netnest::rustix::fs::{Mode, OFlags};
use netnest::Error;

use super::{Ctx, Status};
use crate::messages;

/// How many entries are opened and asked about at once (keeps the fds open at a time well under
/// the usual limit of 1024).
const CHUNK: usize = 256;

/// A netlink socket in the current namespace, as `ip`'s `rth` (strict checking) or `rtnsh` (not).
/// On failure, `ip`'s messages are printed and the status to return is given.
pub fn socket(strict: bool) -> Result<Socket, Status> {
    SocketOptions::new()
        .strict_check(strict)
        .open()
        .map_err(|e| {
            messages::netlink_open_failed(&e);
            Status::FAILED
        })
}

/// What asking the kernel for an entry's nsid gave.
#[derive(Debug)]
pub enum Lookup {
    /// The file could not be opened: no id, no message (as `ip`).
    NoFile,
    /// The id, if the namespace has one here.
    Id(Option<i32>),
    /// The kernel refused (a stale file: `Peer netns reference is invalid`).
    Failed(Error),
}

impl Lookup {
    /// The id, if there is one.
    pub fn id(&self) -> Option<i32> {
        match self {
            Lookup::Id(id) => *id,
            _ => None,
        }
    }
}

/// The nsid of each entry `names` of the run directory, in order.
pub fn lookup_all(ctx: &Ctx, sock: &mut Socket, names: &[OsString]) -> Vec<Lookup> {
    let dir = netnest::rustix::fs::open(
        ctx.registry.dir(),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok();
    let mut all = Vec::with_capacity(names.len());
    for chunk in names.chunks(CHUNK) {
        let files: Vec<Option<OwnedFd>> = chunk
            .iter()
            .map(|name| {
                let dir = dir.as_ref()?;
                // O_NONBLOCK: a FIFO would block the open for ever (ip hangs there).
                let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK;
                netnest::rustix::fs::openat(dir, name.as_os_str(), flags, Mode::empty()).ok()
            })
            .collect();
        let open: Vec<_> = files.iter().flatten().map(|f| f.as_fd()).collect();
        let mut answers = match sock.nsids_of(open) {
            Ok(answers) => answers.into_iter(),
            // The whole batch failed (the socket itself): every open entry gets that error.
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(libc::EIO);
                (0..files.iter().flatten().count())
                    .map(|_| {
                        Err(Error::new(
                            netnest::Op::Netlink,
                            None,
                            std::io::Error::from_raw_os_error(errno),
                        ))
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
            }
        };
        for file in &files {
            all.push(match file {
                None => Lookup::NoFile,
                Some(_) => match answers.next() {
                    Some(Ok(id)) => Lookup::Id(id),
                    Some(Err(e)) => Lookup::Failed(e),
                    None => Lookup::NoFile,
                },
            });
        }
    }
    all
}

/// The first name (in directory order) of each nsid, as iproute2's `netns_map_init` keeps them.
pub fn first_names(names: &[OsString], lookups: &[Lookup]) -> Vec<(i32, OsString)> {
    let mut map: Vec<(i32, OsString)> = Vec::new();
    for (name, lookup) in names.iter().zip(lookups) {
        if let Some(id) = lookup.id() {
            if !map.iter().any(|(known, _)| *known == id) {
                map.push((id, name.clone()));
            }
        }
    }
    map
}

/// `netns_map_init`: the first `list`/`list-id` of the process fills the name cache from this
/// run's `lookups`, printing the error of each stale entry; later ones do nothing. `false` (and
/// nothing done) when the run directory could not be read, so a later command fills it.
pub fn map_init(ctx: &mut Ctx, readable: bool, names: &[OsString], lookups: &[Lookup]) {
    if ctx.names.is_some() || !readable {
        return;
    }
    for lookup in lookups {
        if let Lookup::Failed(e) = lookup {
            messages::netlink_talk(e);
        }
    }
    ctx.names = Some(first_names(names, lookups));
}
