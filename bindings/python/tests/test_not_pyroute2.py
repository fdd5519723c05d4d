# SPDX-License-Identifier: MIT OR Apache-2.0
"""Where pyroute2 behaves badly and netnest does not: one test each."""

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

import netnest
from netnest import netns
from conftest import children, fds, inode, thread_netns, zombies


def test_failed_create_leaves_no_zombie(nsname):
    netns.create(nsname)
    for _ in range(3):
        with pytest.raises(FileExistsError):
            netns.create(nsname)
    assert zombies() == []
    assert children() == []


def test_pushns_saves_the_calling_threads_namespace(nsnames):
    a, b = nsnames(), nsnames()
    netns.create(a)
    netns.create(b)
    result = {}

    def worker():
        netns.setns(a, flags=0)
        netns.pushns(b)  # saves a (this thread's), not the main thread's namespace
        netns.popns()
        result["back"] = thread_netns()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert result["back"] == inode(f"/run/netns/{a}")


def test_pushns_stacks_are_per_thread(nsname):
    netns.create(nsname)
    netns.pushns(nsname)
    try:
        popped = []

        def worker():
            try:
                netns.popns()  # must not pop the main thread's entry
                popped.append(True)
            except IndexError:
                popped.append(False)

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert popped == [False]
    finally:
        netns.popns()


def test_failed_pushns_pushes_nothing_and_holds_no_fd(nsname):
    n = fds()
    here = thread_netns()
    with pytest.raises(FileNotFoundError):
        netns.pushns("/nonexistent-netnest/x")
    with pytest.raises(FileNotFoundError):
        netns.setns(nsname, flags=0)
    with pytest.raises(OSError):
        netns.pushns("/etc/hostname")  # not a namespace
    with pytest.raises(OSError):
        netns.pushns(987654)  # not an open descriptor
    assert fds() == n
    assert thread_netns() == here
    with pytest.raises(IndexError):
        netns.popns()


def test_attach_to_a_missing_pid_leaves_no_file(nsname):
    with pytest.raises(OSError):
        netns.attach(nsname, 999999999)
    assert nsname not in netns.listnetns()
    assert not os.path.lexists(f"/run/netns/{nsname}")


def test_setns_in_a_missing_directory_makes_no_directory_and_no_mount():
    with open("/proc/self/mountinfo") as f:
        mounts = f.read()
    for call in (lambda p: netns.setns(p), lambda p: netns.pushns(p)):
        with pytest.raises(FileNotFoundError):
            call("/run/netnest-missing-dir/x")
        assert not os.path.exists("/run/netnest-missing-dir")
    with open("/proc/self/mountinfo") as f:
        assert f.read() == mounts


def test_popen_context_manager_gives_the_object(nsname):
    netns.create(nsname)
    with netnest.Popen(nsname, ["true"]) as p:
        assert p is not None
        assert p.wait() == 0


def test_popen_pipes_are_the_childs(nsname):
    netns.create(nsname)
    p = netnest.Popen(nsname, ["sleep", "30"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        # The parent's pipe ends and the child's fds 0 and 1 are the same pipes.
        assert os.stat(f"/proc/{p.pid}/fd/1").st_ino == os.fstat(p.stdout.fileno()).st_ino
        assert os.stat(f"/proc/{p.pid}/fd/0").st_ino == os.fstat(p.stdin.fileno()).st_ino
        # And the child is our own child, not a proxy's.
        assert p.pid in children()
    finally:
        p.kill()
        p.wait()
        p.stdin.close()
        p.stdout.close()


def test_popen_of_a_missing_program_raises_at_once(nsname):
    netns.create(nsname)
    t0 = time.monotonic()
    with pytest.raises(FileNotFoundError):
        netnest.Popen(nsname, ["/nonexistent-program"])
    assert time.monotonic() - t0 < 2


def test_unreleased_popen_does_not_hold_the_interpreter_at_exit(nsname):
    netns.create(nsname)
    code = (
        "import netnest, sys\n"
        f"p = netnest.Popen({nsname!r}, ['sleep', '0.1'])\n"
        "sys.exit(0)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", code], env=env, timeout=20, check=True)
    assert time.monotonic() - t0 < 10


def test_use_socket_takes_a_raw_netlink_socket(nsname):
    pytest.importorskip("pyroute2", reason="pyroute2 is not installed")
    from netnest.pyroute2 import IPRoute

    netns.create(nsname)
    sock = netns.create_socket(nsname, socket.AF_NETLINK, socket.SOCK_RAW, 0)
    with IPRoute(use_socket=sock) as ipr:
        assert [x.get("ifname") for x in ipr.get_links()] == ["lo"]
