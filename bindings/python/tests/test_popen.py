# SPDX-License-Identifier: MIT OR Apache-2.0
"""netnest.Popen: subprocess.Popen inside a namespace, started from a library thread."""

import os
import signal
import subprocess
import threading

import pytest

import netnest
from netnest import netns
from conftest import children, fds, inode, thread_netns, zombies


def test_is_a_subprocess_popen_inside_the_namespace(nsname):
    netns.create(nsname)
    p = netnest.Popen(nsname, ["readlink", "/proc/self/ns/net"], stdout=subprocess.PIPE)
    assert isinstance(p, subprocess.Popen)
    out, err = p.communicate()
    assert out.decode().strip() == f"net:[{inode('/run/netns/' + nsname)}]"
    assert err is None and p.returncode == 0
    # The child is ours, with its real pid (no proxy in between).
    assert p.args == ["readlink", "/proc/self/ns/net"]


def test_flags_default_to_open_only(nsname):
    with pytest.raises(FileNotFoundError):
        netnest.Popen(nsname, ["true"])
    assert nsname not in netns.listnetns()
    with netnest.Popen(nsname, ["true"], flags=os.O_CREAT) as p:
        assert p.wait() == 0
    assert nsname in netns.listnetns()


def test_pipes_stdin_text_env_cwd(nsname, tmp_path):
    netns.create(nsname)
    p = netnest.Popen(
        nsname,
        ["sh", "-c", "cat; echo $X; pwd; echo err >&2; exit 3"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"X": "42", "PATH": os.environ["PATH"]},
        cwd=tmp_path,
    )
    out, err = p.communicate("hello\n", timeout=10)
    assert out == f"hello\n42\n{tmp_path}\n"
    assert err == "err\n"
    assert p.returncode == 3


def test_signals_poll_wait(nsname):
    netns.create(nsname)
    p = netnest.Popen(nsname, ["sleep", "30"])
    assert p.poll() is None
    assert netns.pid_to_ns(p.pid) == nsname
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == -signal.SIGTERM
    p = netnest.Popen(nsname, ["sleep", "30"])
    p.terminate()
    p.wait()
    p = netnest.Popen(nsname, ["sleep", "30"])
    p.kill()
    assert p.wait() == -signal.SIGKILL
    with pytest.raises(subprocess.TimeoutExpired):
        with netnest.Popen(nsname, ["sleep", "30"]) as p:
            try:
                p.wait(timeout=0.05)
            finally:
                p.kill()
    assert zombies() == []


def test_the_caller_does_not_move(nsname):
    netns.create(nsname)
    here = thread_netns()
    with netnest.Popen(nsname, ["true"]) as p:
        p.wait()
    assert thread_netns() == here


def test_missing_program_raises_at_once(nsname):
    netns.create(nsname)
    n = fds()
    with pytest.raises(FileNotFoundError):
        netnest.Popen(nsname, ["/nonexistent/program"], stdout=subprocess.PIPE)
    assert fds() == n
    assert children() == []


def test_netns_exec_gives_sys_and_etc(nsname):
    netns.create(nsname)
    etc = f"/etc/netns/{nsname}"
    os.makedirs(etc)
    try:
        with open(f"{etc}/hostname", "w") as f:
            f.write("inside\n")
        with netnest.NetNS(nsname) as h:
            h_ino = h.inode
        out = netnest.Popen(
            nsname,
            ["sh", "-c", "ls /sys/class/net; cat /etc/hostname; readlink /proc/self/ns/mnt"],
            stdout=subprocess.PIPE,
            text=True,
            netns_exec=True,
        ).communicate()[0].split("\n")
        assert out[0] == "lo"  # the namespace's sysfs
        assert out[1] == "inside"
        assert out[2] != os.readlink("/proc/self/ns/mnt")
        # Without netns_exec: the caller's /sys and /etc.
        out = netnest.Popen(
            nsname, ["cat", "/etc/hostname"], stdout=subprocess.PIPE, text=True
        ).communicate()[0]
        assert out != "inside\n"
        # The same as ip netns exec gives.
        ref = subprocess.run(
            ["ip", "netns", "exec", nsname, "sh", "-c", "ls /sys/class/net; cat /etc/hostname"],
            capture_output=True,
            text=True,
        ).stdout
        assert ref == "lo\ninside\n"
        assert h_ino == inode(f"/run/netns/{nsname}")
    finally:
        os.unlink(f"{etc}/hostname")
        os.rmdir(etc)
        if not os.listdir("/etc/netns"):
            os.rmdir("/etc/netns")


def test_from_many_threads(nsnames):
    names = [nsnames() for _ in range(4)]
    for name in names:
        netns.create(name)
    here = thread_netns()
    results = {}

    def worker(name):
        for _ in range(10):
            out = netnest.Popen(
                name, ["readlink", "/proc/self/ns/net"], stdout=subprocess.PIPE
            ).communicate()[0]
            results.setdefault(name, set()).add(out.decode().strip())

    ts = [threading.Thread(target=worker, args=(n,)) for n in names]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for name in names:
        assert results[name] == {f"net:[{inode('/run/netns/' + name)}]"}
    assert thread_netns() == here
