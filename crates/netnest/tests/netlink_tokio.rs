// SPDX-License-Identifier: MIT OR Apache-2.0
//! The `tokio` feature: rtnetlink handles for several namespaces, used from many tasks on a
//! multi-thread runtime. Each task sees only its namespace's links, and no runtime thread ever
//! changes namespace.
//!
//! The kernel runs one dump at a time per socket (a second one gets `EBUSY`), and rtnetlink does
//! not queue them: tasks that share a connection take turns (a lock per connection), the others
//! open their own.
#![cfg(feature = "tokio")]

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::TryStreamExt;
use netlink_packet_route::link::LinkAttribute;
use netnest::{IpRoute, NetNs};

fn here() -> std::path::PathBuf {
    std::fs::read_link("/proc/thread-self/ns/net").unwrap()
}

#[test]
fn many_tasks_many_namespaces() {
    const NAMESPACES: usize = 4;
    const TASKS: usize = 48;
    let host = here();
    let namespaces: Vec<NetNs> = (0..NAMESPACES)
        .map(|i| {
            let ns = NetNs::new().unwrap();
            IpRoute::in_netns(&ns)
                .unwrap()
                .link_add_bridge(&format!("br-{i}"))
                .unwrap();
            ns
        })
        .collect();
    let namespaces = Arc::new(namespaces);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let seen = runtime.block_on(async {
        let handles: Vec<_> = (0..NAMESPACES)
            .map(|i| {
                let handle = netnest::netlink::tokio::handle(&namespaces[i]).unwrap();
                Arc::new((handle, tokio::sync::Mutex::new(())))
            })
            .collect();
        let mut tasks = Vec::new();
        for t in 0..TASKS {
            let i = t % NAMESPACES;
            let shared = handles[i].clone();
            let namespaces = namespaces.clone();
            tasks.push(tokio::spawn(async move {
                let before = here();
                // Half the tasks open their own connection, from the worker thread; the others
                // take turns on the shared one.
                let (handle, _turn) = if t % 2 == 0 {
                    (shared.0.clone(), Some(shared.1.lock().await))
                } else {
                    (
                        netnest::netlink::tokio::handle(&namespaces[i]).unwrap(),
                        None,
                    )
                };
                let mut names = BTreeSet::new();
                let mut links = handle.link().get().execute();
                while let Some(link) = links.try_next().await.unwrap() {
                    for attr in link.attributes {
                        if let LinkAttribute::IfName(name) = attr {
                            names.insert(name);
                        }
                    }
                    tokio::task::yield_now().await;
                }
                (i, names, before, here())
            }));
        }
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        seen
    });
    for (i, names, before, after) in seen {
        let expected: BTreeSet<String> = ["lo".to_owned(), format!("br-{i}")].into();
        assert_eq!(names, expected);
        assert_eq!(before, host, "a worker thread was in another namespace");
        assert_eq!(after, host, "a worker thread was in another namespace");
    }
    assert_eq!(here(), host);
}

#[test]
fn needs_a_runtime() {
    let ns = NetNs::new().unwrap();
    assert!(netnest::netlink::tokio::handle(&ns).is_err());
}

/// A connection subscribed to link events at construction: a bridge made in its namespace is
/// announced on the receiver; one made in another namespace is not.
#[test]
fn link_events_without_a_bind_step() {
    use futures_util::StreamExt;
    use netlink_packet_core::NetlinkPayload;
    use netlink_packet_route::RouteNetlinkMessage;
    use netnest::netlink::Group;

    let ns = NetNs::new().unwrap();
    let other = NetNs::new().unwrap();
    let host = here();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let announced = runtime.block_on(async {
        let (connection, handle, mut messages) =
            netnest::netlink::tokio::connection_with_groups(&ns, &[Group::Link]).unwrap();
        tokio::spawn(connection);
        IpRoute::in_netns(&other)
            .unwrap()
            .link_add_bridge("br-other")
            .unwrap();
        IpRoute::in_netns(&ns)
            .unwrap()
            .link_add_bridge("br-event")
            .unwrap();
        let mut announced = Vec::new();
        let wait = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while let Some((message, _from)) = messages.next().await {
                let NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(link)) =
                    message.payload
                else {
                    continue;
                };
                for attr in link.attributes {
                    if let LinkAttribute::IfName(name) = attr {
                        announced.push(name);
                    }
                }
                if announced.iter().any(|n| n == "br-event") {
                    break;
                }
            }
        });
        wait.await.expect("no RTM_NEWLINK for br-event within 10 s");
        // The handle still serves requests on the same connection.
        let mut links = handle
            .link()
            .get()
            .match_name("br-event".to_owned())
            .execute();
        assert!(links.try_next().await.unwrap().is_some());
        announced
    });
    assert!(announced.iter().any(|n| n == "br-event"), "{announced:?}");
    assert!(
        !announced.iter().any(|n| n == "br-other"),
        "an event of another namespace arrived: {announced:?}"
    );
    assert_eq!(here(), host);
}
