# SPDX-License-Identifier: MIT OR Apache-2.0
"""netnest.netns against the real kernel: every function, its errors, and threads."""

import os
import socket
import subprocess
import threading

import pytest

import netnest
from netnest import netns
from conftest import children, fds, inode, socket_netns, thread_netns, zombies


def ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=True).stdout


def test_create_remove_list(nsname):
    assert nsname not in netns.listnetns()
    netns.create(nsname)
    assert nsname in netns.listnetns()
    # A real bind mount of a namespace: nsfs, not the root namespace.
    assert inode(f"/run/netns/{nsname}") != thread_netns()
    assert nsname in ip("netns", "list")
    netns.remove(nsname)
    assert nsname not in netns.listnetns()
    assert nsname not in ip("netns", "list")


def test_create_existing_raises_file_exists(nsname):
    netns.create(nsname)
    with pytest.raises(FileExistsError) as e:
        netns.create(nsname)
    assert e.value.errno == 17


def test_remove_missing_raises_file_not_found(nsname):
    with pytest.raises(FileNotFoundError):
        netns.remove(nsname)


def test_invalid_name_is_value_error():
    with pytest.raises(ValueError):
        netns.create("..")


def test_listnetns_missing_dir_is_empty():
    assert netns.listnetns("/nonexistent-netnest") == []


def test_path_names(tmp_path):
    d = tmp_path / "reg"
    d.mkdir()
    path = str(d / "p")
    netns.create(path)
    try:
        assert netns.listnetns(str(d)) == ["p"]
        ns = netnest.NetNS(path)
        assert ns.inode == inode(path)
    finally:
        netns.remove(path)
        os.system(f"umount -l {d} 2>/dev/null")
    assert netns.listnetns(str(d)) == []


def test_setns_flags(nsname):
    here = thread_netns()
    # 0: open only.
    with pytest.raises(FileNotFoundError):
        netns.setns(nsname, flags=0)
    assert nsname not in netns.listnetns()
    assert thread_netns() == here
    # O_CREAT|O_EXCL on a missing name creates it.
    t = threading.Thread(target=netns.setns, args=(nsname, os.O_CREAT | os.O_EXCL))
    t.start()
    t.join()
    assert nsname in netns.listnetns()
    # ... and on an existing one fails as pyroute2 does.
    with pytest.raises(FileExistsError) as e:
        netns.setns(nsname, flags=os.O_CREAT | os.O_EXCL)
    assert e.value.args == (17, "netns exists")
    assert thread_netns() == here


def test_setns_moves_only_the_calling_thread(nsname):
    netns.create(nsname)
    target = inode(f"/run/netns/{nsname}")
    main = thread_netns()
    seen = {}

    def worker():
        netns.setns(nsname, flags=0)
        seen["worker"] = thread_netns()
        # A process started from this thread starts inside.
        seen["child"] = subprocess.run(
            ["readlink", "/proc/self/ns/net"], capture_output=True, text=True
        ).stdout.strip()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["worker"] == target
    assert seen["child"] == f"net:[{target}]"
    assert thread_netns() == main


def test_setns_takes_fd_file_and_handle(nsname):
    netns.create(nsname)
    target = inode(f"/run/netns/{nsname}")
    with open(f"/run/netns/{nsname}") as f:
        for arg in (f, f.fileno(), netnest.NetNS(nsname), f"/run/netns/{nsname}"):
            result = {}

            def worker():
                netns.setns(arg, flags=0)
                result["ns"] = thread_netns()

            t = threading.Thread(target=worker)
            t.start()
            t.join()
            assert result["ns"] == target, arg


def test_pushns_popns_dropns(nsname):
    netns.create(nsname)
    here = thread_netns()
    target = inode(f"/run/netns/{nsname}")
    netns.pushns(nsname)
    assert thread_netns() == target
    netns.pushns()
    netns.dropns()
    netns.popns()
    assert thread_netns() == here
    with pytest.raises(IndexError):
        netns.popns()
    with pytest.raises(IndexError):
        netns.dropns()


def test_pushns_is_per_thread(nsname):
    netns.create(nsname)
    here = thread_netns()
    target = inode(f"/run/netns/{nsname}")
    netns.pushns(nsname)
    try:
        result = {}

        def worker():
            # This thread's stack is empty, and it is where it started.
            result["start"] = thread_netns()
            try:
                netns.popns()
            except IndexError:
                result["empty"] = True

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        # A new thread starts where the thread that made it is, but with its own empty stack.
        assert result == {"start": target, "empty": True}
        assert thread_netns() == target
    finally:
        netns.popns()
    assert thread_netns() == here


def test_ns_pids_and_pid_to_ns(nsname):
    netns.create(nsname)
    with netnest.Popen(nsname, ["sleep", "30"]) as p:
        try:
            assert p.pid in netns.ns_pids()[nsname]
            assert netns.pid_to_ns(p.pid) == nsname
            assert netns.pid_to_ns(os.getpid()) is None
            assert str(p.pid) in ip("netns", "pids", nsname).split()
        finally:
            p.kill()
    assert netns.pid_to_ns(999999999) is None


def test_attach(nsname):
    p = subprocess.Popen(["unshare", "-n", "sleep", "30"])
    try:
        # Wait until the child is in its own namespace.
        for _ in range(1000):
            if inode(f"/proc/{p.pid}/ns/net") != inode("/proc/self/ns/net"):
                break
        netns.attach(nsname, p.pid)
        assert inode(f"/run/netns/{nsname}") == inode(f"/proc/{p.pid}/ns/net")
        assert ip("netns", "identify", str(p.pid)).strip() == nsname
    finally:
        p.kill()
        p.wait()


def test_create_socket_is_inside_and_needs_no_child(nsname):
    before = children()
    s = netns.create_socket(nsname, socket.AF_INET, socket.SOCK_DGRAM)
    with s:
        assert isinstance(s, socket.socket)
        assert (s.family, s.type) == (socket.AF_INET, socket.SOCK_DGRAM)
        assert socket_netns(s) == inode(f"/run/netns/{nsname}")
        assert socket_netns(s) != thread_netns()
        # Usable: bind in the namespace (its lo is down, but 0.0.0.0 binds).
        s.bind(("0.0.0.0", 0))
        assert not s.get_inheritable()
    assert children() == before


def test_create_socket_flags(nsname):
    with pytest.raises(FileNotFoundError):
        netns.create_socket(nsname, flags=0)
    assert nsname not in netns.listnetns()
    netns.create_socket(nsname).close()  # O_CREAT by default
    assert nsname in netns.listnetns()
    with pytest.raises(FileExistsError):
        netns.create_socket(nsname, flags=os.O_CREAT | os.O_EXCL)


def test_create_socket_without_netns():
    with netns.create_socket() as s:
        assert socket_netns(s) == thread_netns()


def test_errors_leave_no_fd_and_no_zombie(nsname):
    netns.create(nsname)
    n = fds()
    for _ in range(50):
        with pytest.raises(FileExistsError):
            netns.create(nsname)
        with pytest.raises(FileNotFoundError):
            netns.setns(nsname + "x", flags=0)
        with pytest.raises(FileNotFoundError):
            netns.create_socket(nsname + "x", flags=0)
        with pytest.raises(FileNotFoundError):
            netnest.Popen(nsname + "x", ["true"])
    assert fds() == n
    assert zombies() == []


def test_netns_handles(nsname):
    a = netnest.NetNS(nsname, flags=os.O_CREAT)
    b = netnest.NetNS(f"/run/netns/{nsname}")
    c = netnest.NetNS.current()
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert a.inode == inode(f"/run/netns/{nsname}")
    assert os.fstat(a.fileno()).st_ino == a.inode
    assert netnest.NetNS.from_pid(os.getpid()) == netnest.NetNS("/proc/self/ns/net")
    n = fds()
    with netnest.NetNS(nsname) as d:
        assert fds() == n + 1
        assert d == a
    assert d.closed and fds() == n
    with pytest.raises(ValueError):
        d.fileno()
    assert d == a  # identity survives close
    with pytest.raises(FileNotFoundError):
        netnest.NetNS(nsname + "x")
    with pytest.raises(OSError):
        netnest.NetNS("/etc/hostname")  # not a namespace
    a.close()
    b.close()
    c.close()


def test_ip_netns_names_are_seen_and_ours_are_seen_by_ip(nsname, nsnames):
    ip("netns", "add", nsname)
    assert nsname in netns.listnetns()
    with netnest.NetNS(nsname) as h:
        assert h.inode == inode(f"/run/netns/{nsname}")
    other = nsnames()
    netns.create(other)
    out = subprocess.run(
        ["ip", "netns", "exec", other, "ip", "-o", "link"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "lo" in out.stdout
    ip("netns", "delete", other)
    assert other not in netns.listnetns()
    netns.remove(nsname)
    assert nsname not in ip("netns", "list")


def test_work_runs_on_a_library_thread_with_the_gil_released(nsname):
    # The callable runs on another OS thread, inside the namespace, while the caller waits in
    # the library: it could not take the GIL if the waiting caller held it.
    from netnest import _native

    netns.create(nsname)
    caller = threading.get_native_id()
    with netnest.NetNS(nsname) as h:
        where = _native.run_in(h, lambda: (threading.get_native_id(), thread_netns()))
    assert where[0] != caller
    assert where[1] == inode(f"/run/netns/{nsname}")
    assert thread_netns() != where[1]


def test_without_privileges_permission_error_and_nothing_left(nsname):
    import shutil
    import sys

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    code = (
        "import netnest\n"
        "from netnest import netns\n"
        "for call in (lambda: netns.create(NAME), lambda: netns.setns(NAME + '-x'),\n"
        "             lambda: netns.create_socket('/proc/1/ns/net', flags=0)):\n"
        "    try:\n"
        "        call()\n"
        "        print('no error')\n"
        "    except PermissionError as e:\n"
        "        print('PermissionError', e.errno)\n"
    ).replace("NAME", repr(nsname))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    # Still uid 0, without a single capability: what an unprivileged caller gets.
    out = subprocess.run(
        [setpriv, "--bounding-set", "-all", "--inh-caps", "-all", sys.executable, "-c", code],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == "PermissionError 1"  # EPERM: no CAP_SYS_ADMIN to mount
    assert lines[1].startswith("PermissionError")
    assert lines[2].startswith("PermissionError")
    assert nsname not in netns.listnetns()
    assert nsname + "-x" not in netns.listnetns()
