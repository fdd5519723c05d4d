// SPDX-License-Identifier: MIT OR Apache-2.0
//! `ip netns add NAME`, `ip netns list`, `ip netns identify PID`, `ip netns pids NAME`,
//! `ip netns delete NAME`, with the library.
//!
//! Run it in a sandbox so the host's /run/netns is not touched:
//!
//! ```sh
//! unshare --mount --net --propagation private -- sh -c \
//!   'mount -t tmpfs tmpfs /run && cargo run -p netnest --example netns_add_list_delete -- blue'
//! ```

use netnest::{EntryState, Name, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = Name::new(std::env::args_os().nth(1).unwrap_or_else(|| "blue".into()))?;
    let reg = Registry::default();

    // ip netns add blue
    let ns = reg.add(&name)?;
    println!("added {name} ({ns})");

    // ip netns list
    for entry in reg.list()? {
        let state = match entry.state {
            EntryState::Namespace(id) => id.to_string(),
            _ => "stale".to_string(),
        };
        println!("{} {state}", entry.name.to_string_lossy());
    }

    // ip netns pids blue: a process started inside it (see the exec example) would be listed.
    println!("pids in {name}: {:?}", reg.pids(&name)?);

    // ip netns identify: which names does our own namespace have?
    let here = netnest::NetNs::current()?;
    println!("identify self: {:?}", reg.identify(&here)?);

    // ip netns delete blue
    reg.delete(&name)?;
    println!("deleted {name}; {ns} lives on while the handle is open");
    Ok(())
}
