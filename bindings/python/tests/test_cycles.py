# SPDX-License-Identifier: MIT OR Apache-2.0
"""A thousand create/remove/socket/Popen cycles leave descriptors, threads and memory flat."""

import gc
import os
import socket

import netnest
from netnest import netns
from conftest import children, fds, threads

CYCLES = int(os.environ.get("NETNEST_PY_CYCLES", "1000"))


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def cycle(name):
    netns.create(name)
    with netns.create_socket(name, socket.AF_NETLINK, socket.SOCK_DGRAM, 0):
        pass
    with netnest.Popen(name, ["true"]) as p:
        assert p.wait() == 0
    netns.remove(name)


def test_cycles_stay_flat(nsname):
    # Warm up: first-use allocations (the interpreter's, the allocator's) are not leaks.
    for _ in range(50):
        cycle(nsname)
    gc.collect()
    f0, t0, r0 = fds(), threads(), rss_kb()
    for _ in range(CYCLES):
        cycle(nsname)
    gc.collect()
    assert fds() == f0
    assert threads() == t0
    assert children() == []
    # A leak of one fd-sized or thread-sized object per cycle would be megabytes.
    assert rss_kb() - r0 < 4096, (r0, rss_kb())
