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
//! "operstate":…,"up":…,"master":…,"address":…,"addresses":["10.0.1.2/24",…]}]}`.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

use netnest::netlink::{Address, Link};
use netnest::{IpRoute, Name};

use super::nsids::{self, Lookup};
use super::{Ctx, Status};
use crate::messages;
use crate::output::{escape_json, Format};

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
            return Status::FAILED;
        }
    };
    let id = match nsids::socket(false) {
        Ok(mut sock) => match nsids::lookup_all(ctx, &mut sock, std::slice::from_ref(word)).pop() {
            Some(Lookup::Id(id)) => id,
            _ => None,
        },
        Err(status) => return status,
    };
    let pids = ctx.registry.pids(&name).unwrap_or_default();
    let (links, addresses) =
        match IpRoute::in_netns(&ns).and_then(|mut ipr| Ok((ipr.link_list()?, ipr.addr_list()?))) {
            Ok(found) => found,
            Err(e) => {
                messages::netlink_talk(&e);
                return Status::Fail(2);
            }
        };
    let text = match ctx.format() {
        Format::Plain => plain(name.as_bytes(), id, &pids, &links, &addresses),
        Format::Json { pretty } => json(name.as_bytes(), id, &pids, &links, &addresses, pretty),
    };
    ctx.out.write(&text);
    ctx.out.flush();
    Status::Ok
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

fn plain(
    name: &[u8],
    id: Option<i32>,
    pids: &[u32],
    links: &[Link],
    addresses: &[Address],
) -> Vec<u8> {
    let mut out = name.to_vec();
    if let Some(id) = id {
        out.extend_from_slice(format!(" (id: {id})").as_bytes());
    }
    out.push(b'\n');
    let mut text = String::from("pids");
    for pid in pids {
        let _ = write!(text, " {pid}");
    }
    text.push('\n');
    for link in links {
        let addrs: Vec<String> = addresses_of(link, addresses).collect();
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

fn json(
    name: &[u8],
    id: Option<i32>,
    pids: &[u32],
    links: &[Link],
    addresses: &[Address],
    pretty: bool,
) -> Vec<u8> {
    let (nl, ind) = if pretty { ("\n", "    ") } else { ("", "") };
    let sep = if pretty { ": " } else { ":" };
    let mut out = Vec::new();
    out.extend_from_slice(format!("{{{nl}{ind}\"name\"{sep}\"").as_bytes());
    escape_json(name, |part| out.extend_from_slice(part));
    out.push(b'"');
    if let Some(id) = id {
        out.extend_from_slice(format!(",{nl}{ind}\"id\"{sep}{id}").as_bytes());
    }
    let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
    out.extend_from_slice(format!(",{nl}{ind}\"pids\"{sep}[{}]", pids.join(",")).as_bytes());
    out.extend_from_slice(format!(",{nl}{ind}\"links\"{sep}[").as_bytes());
    for (i, link) in links.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let mut fields = vec![
            format!("\"ifname\"{sep}\"{}\"", quoted(link.name.as_bytes())),
            format!("\"index\"{sep}{}", link.index),
        ];
        if let Some(kind) = &link.kind {
            fields.push(format!("\"kind\"{sep}\"{kind}\""));
        }
        if let Some(mtu) = link.mtu {
            fields.push(format!("\"mtu\"{sep}{mtu}"));
        }
        fields.push(format!("\"operstate\"{sep}\"{}\"", state(link)));
        fields.push(format!("\"up\"{sep}{}", link.up));
        if let Some(master) = link.master {
            fields.push(format!("\"master\"{sep}{master}"));
        }
        if let Some(mac) = &link.mac {
            let mac: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
            fields.push(format!("\"address\"{sep}\"{}\"", mac.join(":")));
        }
        let addrs: Vec<String> = addresses_of(link, addresses)
            .map(|a| format!("\"{a}\""))
            .collect();
        fields.push(format!("\"addresses\"{sep}[{}]", addrs.join(",")));
        out.extend_from_slice(format!("{{{}}}", fields.join(",")).as_bytes());
    }
    out.extend_from_slice(format!("]{nl}}}\n").as_bytes());
    out
}

/// `bytes` escaped for a JSON string, as iproute2 escapes.
fn quoted(bytes: &[u8]) -> String {
    let mut out = Vec::new();
    escape_json(bytes, |part| out.extend_from_slice(part));
    String::from_utf8_lossy(&out).into_owned()
}
