// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest inspect NAME` (netnest's own; `ip netns show` is `list`): one view of a namespace that
//! otherwise takes three commands (`ip netns list`, `ip netns pids NAME`, `ip -n NAME addr`): its
//! nsid here, its processes, and its links with their state and addresses.
//!
//! ```text
//! blue (id: 5)
//! pids 1234 1240
//! lo               UNKNOWN        127.0.0.1/8 ::1/128
//! eth0             UP             10.0.1.2/24 fe80::1/64
//! ```
//!
//! `-j`: `{"name":…,"id":5,"pids":[…],"links":[{"ifname":…,"index":…,"kind":…,"mtu":…,
//! "operstate":…,"up":…,"master":…,"address":…,"addresses":["10.0.1.2/24",…]}]}`, escaped as
//! JSON requires (a name with control bytes or invalid UTF-8 still gives valid JSON).

use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

use netnest::netlink::{Address, Link, Socket};
use netnest::{IpRoute, Name};

use super::{Ctx, Status};
use crate::output::json::{Escape, Writer};
use crate::output::{Format, Stdout};
use crate::{hints, messages};

/// What to do next after a failure on `name`.
fn hint(ctx: &Ctx, name: &Name, errno: Option<i32>) {
    let leftover = ctx.registry.is_leftover(name);
    if let Some(next) = hints::namespace("netnest inspect", name.as_bytes(), errno, leftover) {
        messages::say(&next);
    }
}

/// Gathers and prints.
pub fn run(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let Some(word) = args.first() else {
        messages::say("No netns name specified");
        return Status::FAILED;
    };
    let Ok(name) = Name::new(word) else {
        messages::invalid_name(word.as_bytes());
        return Status::Exit(255);
    };
    let ns = match ctx.registry.open(&name) {
        Ok(ns) => ns,
        Err(e) => {
            messages::cannot_open_named(name.as_bytes(), &e);
            hint(ctx, &name, e.raw_os_error());
            return Status::FAILED;
        }
    };
    // The nsid here, as `list` shows it (a kernel refusal is printed as `list` prints it).
    let id = match Socket::open().and_then(|mut sock| sock.nsid_of(&ns)) {
        Ok(id) => id,
        Err(e) => {
            messages::netlink_talk(&e);
            None
        }
    };
    let pids = ctx.registry.pids(&name).unwrap_or_default();
    let (links, addresses) =
        match IpRoute::in_netns(&ns).and_then(|mut ipr| Ok((ipr.link_list()?, ipr.addr_list()?))) {
            Ok(found) => found,
            Err(e) => {
                messages::netlink_talk(&e);
                hint(ctx, &name, e.raw_os_error());
                return Status::Fail(2);
            }
        };
    let view = View {
        name: name.as_bytes(),
        id,
        pids: &pids,
        links: &links,
        addresses: &addresses,
    };
    match ctx.format() {
        Format::Plain => ctx.out.write(&plain(&view)),
        Format::Json { pretty } => json(&mut ctx.out, &view, pretty),
    }
    ctx.out.flush();
    Status::Ok
}

/// What `inspect` found.
struct View<'a> {
    name: &'a [u8],
    id: Option<i32>,
    pids: &'a [u32],
    links: &'a [Link],
    addresses: &'a [Address],
}

fn addresses_of<'a>(link: &Link, all: &'a [Address]) -> impl Iterator<Item = String> + 'a {
    let index = link.index;
    all.iter()
        .filter(move |a| a.index == index)
        .map(|a| format!("{}/{}", a.address, a.prefix_len))
}

fn state(link: &Link) -> String {
    format!("{:?}", link.state).to_uppercase()
}

fn plain(view: &View<'_>) -> Vec<u8> {
    let mut out = view.name.to_vec();
    if let Some(id) = view.id {
        out.extend_from_slice(format!(" (id: {id})").as_bytes());
    }
    out.push(b'\n');
    let mut text = String::from("pids");
    for pid in view.pids {
        let _ = write!(text, " {pid}");
    }
    text.push('\n');
    for link in view.links {
        let addrs: Vec<String> = addresses_of(link, view.addresses).collect();
        let _ = writeln!(
            text,
            "{:<16} {:<14} {}",
            link.name,
            state(link),
            addrs.join(" ")
        );
    }
    out.extend_from_slice(text.as_bytes());
    out
}

/// `{"name":…,"id":…,"pids":[…],"links":[{…}]}`, escaped as JSON requires.
fn json(out: &mut Stdout, view: &View<'_>, pretty: bool) {
    let mut w = Writer::new(out, pretty, Escape::Json);
    w.start_object();
    w.string_field("name", view.name);
    if let Some(id) = view.id {
        w.int_field("id", i64::from(id));
    }
    w.key("pids");
    w.start_array();
    for &pid in view.pids {
        w.uint(u64::from(pid));
    }
    w.end_array();
    w.key("links");
    w.start_array();
    for link in view.links {
        json_link(&mut w, link, view.addresses);
    }
    w.end_array();
    w.end_object();
    let out = w.stdout();
    out.write(b"\n");
}

fn json_link(w: &mut Writer<'_>, link: &Link, addresses: &[Address]) {
    w.start_object();
    w.string_field("ifname", link.name.as_bytes());
    w.int_field("index", i64::from(link.index));
    if let Some(kind) = &link.kind {
        w.string_field("kind", kind.as_bytes());
    }
    if let Some(mtu) = link.mtu {
        w.int_field("mtu", i64::from(mtu));
    }
    w.string_field("operstate", state(link).as_bytes());
    w.bool_field("up", link.up);
    if let Some(master) = link.master {
        w.int_field("master", i64::from(master));
    }
    if let Some(mac) = &link.mac {
        let mac: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
        w.string_field("address", mac.join(":").as_bytes());
    }
    w.key("addresses");
    w.start_array();
    for address in addresses_of(link, addresses) {
        w.string(address.as_bytes());
    }
    w.end_array();
    w.end_object();
}
