# SPDX-License-Identifier: MIT OR Apache-2.0
# The pyroute2 side of the bench: one long-lived process per measurement series, so the
# interpreter's start-up and imports are not counted. Reads one operation a line on stdin
# ("OP ARG"), times it with perf_counter_ns, answers "ok NS [NS...]" or "err TEXT" on stdout.
import subprocess
import sys
import time

from pyroute2 import IPRoute, NSPopen, netns

clock = time.perf_counter_ns


def create_remove(name):
    t0 = clock()
    netns.create(name)
    t1 = clock()
    netns.remove(name)
    t2 = clock()
    return [t1 - t0, t2 - t1, t2 - t0]


def iproute_open(name):
    # Only the constructor is timed; close() is not.
    t0 = clock()
    ipr = IPRoute(netns=name)
    t1 = clock()
    ipr.close()
    return [t1 - t0]


def iproute_dump(name):
    t0 = clock()
    ipr = IPRoute(netns=name)
    links = list(ipr.get_links())
    ipr.close()
    t1 = clock()
    assert links
    return [t1 - t0]


def nspopen(name):
    # Start to exit; release() (which stops the helper process) is not timed.
    t0 = clock()
    proc = NSPopen(name, ["true"])
    proc.wait()
    t1 = clock()
    proc.release()
    return [t1 - t0]


def popen(_):
    t0 = clock()
    subprocess.Popen(["true"]).wait()
    t1 = clock()
    return [t1 - t0]


OPS = {
    "create_remove": create_remove,
    "iproute_open": iproute_open,
    "iproute_dump": iproute_dump,
    "nspopen": nspopen,
    "popen": popen,
}

for line in sys.stdin:
    op, _, arg = line.strip().partition(" ")
    try:
        answer = "ok " + " ".join(str(t) for t in OPS[op](arg))
    except Exception as e:  # noqa: BLE001 - any failure is reported to the driver
        answer = "err " + repr(e).replace("\n", " ")
    sys.stdout.write(answer + "\n")
    sys.stdout.flush()
