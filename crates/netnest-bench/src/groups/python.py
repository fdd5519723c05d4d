# SPDX-License-Identifier: MIT OR Apache-2.0
# The Python package's side of the bench: netnest's Python API and pyroute2 in ONE long-lived
# process, called in turn by the driver (interleaved), so both pay the same interpreter. Reads
# "OP ARG" lines on stdin, times the operation with perf_counter_ns, answers "ok NS" or "err TEXT".
import socket
import subprocess
import sys
import time

import netnest
import netnest.pyroute2
import pyroute2
from pyroute2 import IPRoute, NSPopen

clock = time.perf_counter_ns


def timed(f):
    def op(arg):
        t0 = clock()
        f(arg)
        return [clock() - t0]

    return op


def dump(ipr):
    links = list(ipr.get_links())
    ipr.close()
    assert links


def wait_true(p):
    assert p.wait() == 0


def nspopen(name):
    p = NSPopen(name, ["true"])
    p.wait()
    p.release()


def create_remove(module):
    def op(name):
        module.create(name)
        module.remove(name)

    return op


OPS = {
    # open + get_links + close
    "nn_iproute": timed(lambda n: dump(netnest.pyroute2.IPRoute(netns=n))),
    "pr_iproute_local": timed(lambda _: dump(IPRoute())),
    "pr_iproute": timed(lambda n: dump(IPRoute(netns=n))),
    # start `true` to its exit
    "nn_popen": timed(lambda n: wait_true(netnest.Popen(n, ["true"]))),
    "popen": timed(lambda _: wait_true(subprocess.Popen(["true"]))),
    "pr_nspopen": timed(nspopen),
    # a netlink socket inside the namespace
    "nn_socket": timed(
        lambda n: netnest.netns.create_socket(n, socket.AF_NETLINK, socket.SOCK_DGRAM, 0).close()
    ),
    "pr_socket": timed(
        lambda n: pyroute2.netns.create_socket(n, socket.AF_NETLINK, socket.SOCK_DGRAM, 0).close()
    ),
    # a named namespace made and removed
    "nn_create_remove": timed(create_remove(netnest.netns)),
    "pr_create_remove": timed(create_remove(pyroute2.netns)),
}

for line in sys.stdin:
    op, _, arg = line.strip().partition(" ")
    try:
        answer = "ok " + " ".join(str(t) for t in OPS[op](arg))
    except Exception as e:  # noqa: BLE001 - any failure is reported to the driver
        answer = "err " + repr(e).replace("\n", " ")
    sys.stdout.write(answer + "\n")
    sys.stdout.flush()
