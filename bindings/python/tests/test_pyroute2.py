# SPDX-License-Identifier: MIT OR Apache-2.0
"""netnest.pyroute2: pyroute2's own classes over sockets netnest makes; interop both ways."""

import asyncio
import gc
import os
import socket
import subprocess
import threading

import pytest

pyroute2 = pytest.importorskip("pyroute2", reason="pyroute2 is not installed")

import netnest  # noqa: E402
from netnest import netns  # noqa: E402
from netnest.pyroute2 import AsyncIPRoute, IPRoute, NetNS  # noqa: E402
from conftest import children, fds, inode, socket_netns, thread_netns  # noqa: E402


def links(ipr):
    return sorted(x.get("ifname") for x in ipr.get_links())


def test_iproute_in_a_namespace_without_a_child(nsname):
    before = children()
    with IPRoute(netns=nsname) as ipr:  # O_CREAT by default, as pyroute2
        assert children() == before
        assert ipr.status["netns"] == nsname
        assert socket_netns(ipr.asyncore.socket) == inode(f"/run/netns/{nsname}")
        assert links(ipr) == ["lo"]
        ipr.link("add", ifname="va", kind="veth", peer="vb")
        ipr.link("set", index=ipr.link_lookup(ifname="va")[0], state="up")
        assert links(ipr) == ["lo", "va", "vb"]
    out = subprocess.run(
        ["ip", "-n", nsname, "-o", "link", "show", "va"], capture_output=True, text=True
    ).stdout
    assert "va@vb" in out
    # Nothing of it in the test's own namespace.
    with pyroute2.IPRoute() as local:
        assert not local.link_lookup(ifname="va")


def test_flags(nsname):
    with pytest.raises(FileNotFoundError):
        IPRoute(netns=nsname, flags=0)
    assert nsname not in netns.listnetns()
    IPRoute(netns=nsname, flags=os.O_CREAT | os.O_EXCL).close()
    with pytest.raises(FileExistsError):
        IPRoute(netns=nsname, flags=os.O_CREAT | os.O_EXCL)
    with NetNS(nsname, flags=0) as ns:
        assert links(ns) == ["lo"]
    NetNS(nsname).remove()
    assert nsname not in netns.listnetns()


def test_failed_open_leaves_no_fd_without_gc(nsname):
    gc.collect()
    gc.disable()
    try:
        n = fds()
        for _ in range(20):
            with pytest.raises(FileNotFoundError):
                IPRoute(netns=nsname, flags=0)
        assert fds() == n
    finally:
        gc.enable()


def test_async_iproute(nsname):
    netns.create(nsname)

    async def main():
        async with AsyncIPRoute(netns=nsname) as ipr:
            await ipr.link("add", ifname="a0", kind="veth", peer="a1")
            return sorted([x.get("ifname") async for x in await ipr.link("dump")])

    assert asyncio.run(main()) == ["a0", "a1", "lo"]

    async def missing():
        async with AsyncIPRoute(netns=nsname + "x", flags=0) as ipr:
            return [x async for x in await ipr.link("dump")]

    with pytest.raises(FileNotFoundError):
        asyncio.run(missing())


def test_one_object_many_threads(nsname):
    # As pyroute2: each thread gets its own socket, each made inside the namespace.
    netns.create(nsname)
    target = inode(f"/run/netns/{nsname}")
    with IPRoute(netns=nsname) as ipr:
        seen = []

        def worker():
            seen.append((socket_netns(ipr.asyncore.socket), links(ipr)))

        ts = [threading.Thread(target=worker) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    assert seen == [(target, ["lo"])] * 4
    assert children() == []


def test_use_socket_takes_raw_and_dgram_netlink_sockets(nsname):
    netns.create(nsname)
    for kind in (socket.SOCK_RAW, socket.SOCK_DGRAM):
        sock = netns.create_socket(nsname, socket.AF_NETLINK, kind, 0)
        with IPRoute(use_socket=sock) as ipr:
            assert links(ipr) == ["lo"]


def test_pyroute2_sees_our_names_and_we_see_its(nsname, nsnames):
    netns.create(nsname)
    assert nsname in pyroute2.netns.listnetns()
    with pyroute2.IPRoute(netns=nsname, flags=0) as ipr:
        ipr.link("add", ifname="p0", kind="veth", peer="p1")
    with IPRoute(netns=nsname, flags=0) as ipr:
        assert links(ipr) == ["lo", "p0", "p1"]
    theirs = nsnames()
    pyroute2.netns.create(theirs)
    assert theirs in netns.listnetns()
    with netnest.NetNS(theirs) as h:
        assert h.inode == inode(f"/run/netns/{theirs}")
    with netns.create_socket(theirs, flags=0) as s:
        assert socket_netns(s) == inode(f"/run/netns/{theirs}")
    netns.remove(theirs)
    assert theirs not in pyroute2.netns.listnetns()
    pyroute2.netns.remove(nsname)
    assert nsname not in netns.listnetns()


def test_move_a_link_into_our_namespace_with_pyroute2(nsname):
    netns.create(nsname)
    with pyroute2.IPRoute() as local:
        local.link("add", ifname="m0", kind="veth", peer="m1")
        local.link("set", index=local.link_lookup(ifname="m1")[0], net_ns_fd=nsname)
        assert not local.link_lookup(ifname="m1")
        with IPRoute(netns=nsname, flags=0) as ipr:
            assert links(ipr) == ["lo", "m1"]
        local.link("del", ifname="m0")
    with IPRoute(netns=nsname, flags=0) as ipr:
        assert links(ipr) == ["lo"]  # the peer went with m0


def test_caller_thread_stays(nsname):
    here = thread_netns()
    with IPRoute(netns=nsname) as ipr:
        links(ipr)
    assert thread_netns() == here
