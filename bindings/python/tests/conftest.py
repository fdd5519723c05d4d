# SPDX-License-Identifier: MIT OR Apache-2.0
"""Fixtures of the netnest Python tests.

The tests make real namespaces, links and processes. They run only inside a sandbox: a private
mount namespace with a tmpfs on /run (so /run/netns is the sandbox's own) and a private network
namespace. ``bindings/python/run-tests`` makes one and runs pytest in it; outside one, every test
is skipped with the reason.
"""

import os
import uuid

import pytest


def _sandboxed():
    if os.geteuid() != 0:
        return "needs root (CAP_SYS_ADMIN) to make namespaces"
    # The sandbox's namespaces differ from those of the process that started it (pid 1's may not
    # be readable in a container).
    outside = os.getppid()
    for kind in ("mnt", "net"):
        if os.readlink(f"/proc/self/ns/{kind}") == os.readlink(f"/proc/{outside}/ns/{kind}"):
            return f"not in a sandbox (private {kind} namespace): run bindings/python/run-tests"
    with open("/proc/self/mountinfo") as f:
        if not any(line.split()[4] == "/run" and " - tmpfs " in line for line in f):
            return "/run is not a private tmpfs: run bindings/python/run-tests"
    return None


_WHY = _sandboxed()


def pytest_collection_modifyitems(config, items):
    if _WHY:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=_WHY))


@pytest.fixture
def nsname():
    """A unique name, removed after the test if it still exists."""
    name = "t-" + uuid.uuid4().hex[:12]
    yield name
    path = "/run/netns/" + name
    if os.path.lexists(path):
        os.system(f"umount -l {path} 2>/dev/null")
        os.unlink(path)


@pytest.fixture
def nsnames():
    """A factory of unique names, all removed after the test."""
    made = []

    def new():
        name = "t-" + uuid.uuid4().hex[:12]
        made.append(name)
        return name

    yield new
    for name in made:
        path = "/run/netns/" + name
        if os.path.lexists(path):
            os.system(f"umount -l {path} 2>/dev/null")
            os.unlink(path)


def fds():
    return len(os.listdir("/proc/self/fd"))


def threads():
    return len(os.listdir("/proc/self/task"))


def children():
    """Pids of this process's children, zombies included."""
    pids = []
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    return pids


def zombies():
    found = []
    for pid in children():
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    found.append(pid)
        except FileNotFoundError:
            pass
    return found


def inode(path):
    return os.stat(path).st_ino


def thread_netns():
    return os.stat("/proc/thread-self/ns/net").st_ino


def socket_netns(sock):
    """The inode of the namespace a socket was made in (ioctl SIOCGSKNS)."""
    import fcntl

    fd = fcntl.ioctl(sock.fileno(), 0x894C)
    try:
        return os.fstat(fd).st_ino
    finally:
        os.close(fd)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # In CI (.ci/test sets NETNEST_TEST_NO_SKIP=1) a test that cannot run is a broken machine:
    # report it as a failure, with the reason it gave.
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("NETNEST_TEST_NO_SKIP") == "1" and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, which CI does not accept (NETNEST_TEST_NO_SKIP=1): {reason}"
