// SPDX-License-Identifier: MIT OR Apache-2.0
//! List, create and remove namespaces (pyroute2's netns guide: `netns.create`,
//! `netns.listnetns`, `netns.remove`), with their nsids as `ip netns list` shows them.
//!
//! The same as:
//!
//! ```text
//! ip netns add red; ip netns add green; ip netns add blue
//! ip netns set green 7; ip netns set blue auto
//! ip netns list            # blue (id: 0) / green (id: 7) / red
//! ip netns list-id
//! ip netns delete red; ip netns delete green; ip netns delete blue
//! ```
//!
//! The ids of all names are looked up in one pipelined batch. Run it in a sandbox (private mount
//! and network namespaces, so `/run/netns` and the nsid table are its own):
//!
//! ```text
//! cargo build -p netnest --example netns_list_create_remove
//! sudo unshare -m -n --propagation private sh -c \
//!     'mount -t tmpfs none /run && target/debug/examples/netns_list_create_remove'
//! ```

use std::os::fd::AsFd;

use netnest::netlink::SocketOptions;
use netnest::{Name, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::default();
    let names: Vec<Name> = ["red", "green", "blue"]
        .into_iter()
        .map(Name::new)
        .collect::<Result<_, _>>()?;
    // netns.create(name) / ip netns add NAME
    for name in &names {
        registry.add(name)?;
    }

    // ip netns set green 7; ip netns set blue auto
    let mut sock = SocketOptions::new().strict_check(true).open()?;
    sock.set_nsid(registry.open(&names[1])?, Some(7))?;
    sock.set_nsid(registry.open(&names[2])?, None)?;

    // ip netns list: every name, with its id, all ids in one batch.
    let entries = registry.list()?;
    let opened: Vec<_> = entries
        .iter()
        .map(|e| std::fs::File::open(registry.dir().join(&e.name)))
        .collect::<Result<_, _>>()?;
    let ids = sock.nsids_of(opened.iter().map(|f| f.as_fd()))?;
    for (entry, id) in entries.iter().zip(ids) {
        match id {
            Ok(Some(id)) => println!("{} (id: {id})", entry.name.to_string_lossy()),
            Ok(None) => println!("{}", entry.name.to_string_lossy()),
            Err(e) => eprintln!("{}: {e}", entry.name.to_string_lossy()),
        }
    }

    // ip netns list-id
    for record in sock.nsid_dump(None)? {
        println!("nsid {}", record.nsid);
    }

    // netns.remove(name) / ip netns delete NAME
    for name in &names {
        registry.delete(name)?;
    }
    println!("left: {:?}", registry.list()?);
    Ok(())
}
