# SPDX-License-Identifier: MIT OR Apache-2.0
"""pyroute2's ``pyroute2.netns`` API, without child processes.

Names follow pyroute2: a bare name is ``/run/netns/NAME`` (``/var/run/netns`` is the same
directory), anything with a ``/`` is a path. ``flags`` follow ``open(2)`` as in pyroute2:
``os.O_CREAT`` creates a missing name, ``os.O_CREAT | os.O_EXCL`` fails with
``FileExistsError`` if it exists, ``0`` only opens (``FileNotFoundError`` if missing).

Where this module differs from pyroute2, on purpose:

* nothing forks, so a failed ``create`` leaves no zombie, and nothing holds descriptors until
  the garbage collector runs;
* ``pushns``/``popns``/``dropns`` keep one stack per thread and save the calling thread's
  namespace (pyroute2 keeps one stack for the process); a ``pushns`` that fails pushes nothing;
* ``attach(name, pid)`` for a missing pid leaves no file behind;
* a path in a directory that does not exist is ``FileNotFoundError`` for ``setns``/``pushns``
  (pyroute2 creates the directory and makes it a shared mount).

``libc`` arguments are accepted and ignored: the system calls are made by the library.
"""

import errno
import os
import socket
import threading

from netnest import _native
from netnest._native import NetNS

__all__ = [
    "NETNS_RUN_DIR",
    "attach",
    "create",
    "create_socket",
    "dropns",
    "getnsfd",
    "listnetns",
    "ns_pids",
    "pid_to_ns",
    "popns",
    "pushns",
    "remove",
    "setns",
]

#: The run directory of named namespaces, as ``ip netns`` uses it.
NETNS_RUN_DIR = _native.DEFAULT_RUN_DIR

_stack = threading.local()


def _path(netns):
    if isinstance(netns, (str, bytes)):
        return netns
    return os.fspath(netns)


def open_netns(netns, flags=0):
    """A ``NetNS`` handle on a name, a path, a descriptor, a file or a ``NetNS``."""
    if isinstance(netns, NetNS):
        return NetNS(netns)
    if isinstance(netns, (str, bytes, os.PathLike)) and flags & os.O_CREAT and flags & os.O_EXCL:
        try:
            return NetNS(netns, flags)
        except FileExistsError as e:
            # pyroute2's text for this case.
            raise FileExistsError(errno.EEXIST, "netns exists", e.filename) from None
    return NetNS(netns, flags)


def create(netns, libc=None):
    """Creates the named namespace ``netns`` (``ip netns add``); ``FileExistsError`` if it exists."""
    NetNS(netns, os.O_CREAT | os.O_EXCL).close()


def remove(netns, libc=None):
    """Removes the name ``netns`` (``ip netns delete``); ``FileNotFoundError`` if it is missing."""
    _native.remove(_path(netns))


def attach(netns, pid, libc=None):
    """Names the namespace of process ``pid`` ``netns`` (``ip netns attach``)."""
    _native.attach(_path(netns), int(pid))


def listnetns(nspath=None):
    """The names in ``nspath`` (default: the run directory); ``[]`` if it does not exist."""
    try:
        return os.listdir(nspath or NETNS_RUN_DIR)
    except FileNotFoundError:
        return []


def _by_inode(nspath):
    found = {}
    for name in listnetns(nspath):
        try:
            st = os.stat(os.path.join(nspath, name))
        except OSError:
            # Removed while listing, or a file that is no namespace anyone can stat.
            continue
        found[(st.st_dev, st.st_ino)] = name
    return found


def ns_pids(nspath=NETNS_RUN_DIR):
    """``{name: [pid, ...]}``: the processes in each named namespace (``ip netns pids``).

    Namespaces without processes and processes in unnamed namespaces are left out."""
    names = _by_inode(nspath)
    result = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            st = os.stat(f"/proc/{entry}/ns/net")
        except OSError as e:
            if e.errno in (errno.EACCES, errno.ENOENT, errno.ESRCH):
                continue
            raise
        name = names.get((st.st_dev, st.st_ino))
        if name is not None:
            result.setdefault(name, []).append(int(entry))
    return result


def pid_to_ns(pid=1, nspath=NETNS_RUN_DIR):
    """The name of process ``pid``'s namespace (``ip netns identify``), or ``None``."""
    try:
        st = os.stat(f"/proc/{pid}/ns/net")
    except OSError as e:
        if e.errno in (errno.EACCES, errno.ENOENT, errno.ESRCH):
            return None
        raise
    return _by_inode(nspath).get((st.st_dev, st.st_ino))


def getnsfd(netns, flags=0, libc=None):
    """A new descriptor (close-on-exec, the caller's to close) of ``netns``."""
    handle = open_netns(netns, flags)
    try:
        return os.dup(handle.fileno())
    finally:
        handle.close()


def setns(netns, flags=os.O_CREAT, libc=None):
    """Moves the calling thread, and only it, into ``netns``.

    Other Python threads stay where they are. Processes started from this thread afterwards
    start in ``netns``; sockets it opens are made there."""
    handle = open_netns(netns, flags)
    try:
        _native.setns(handle)
    finally:
        handle.close()


def _thread_stack():
    stack = getattr(_stack, "saved", None)
    if stack is None:
        stack = _stack.saved = []
    return stack


def pushns(newns=None, libc=None):
    """Saves the calling thread's namespace on this thread's stack, then enters ``newns`` if given.

    Each thread has its own stack. If entering ``newns`` fails, nothing is pushed."""
    saved = NetNS.current()
    if newns is not None:
        try:
            setns(newns)
        except BaseException:
            saved.close()
            raise
    _thread_stack().append(saved)


def popns(libc=None):
    """Returns the calling thread to the namespace of its last ``pushns``.

    ``IndexError`` if this thread's stack is empty. If the move fails, the entry stays."""
    stack = _thread_stack()
    saved = stack.pop()
    try:
        _native.setns(saved)
    except BaseException:
        stack.append(saved)
        raise
    saved.close()


def dropns(libc=None):
    """Forgets the calling thread's last ``pushns`` without moving the thread."""
    _thread_stack().pop().close()


def create_socket(
    netns=None,
    family=socket.AF_INET,
    socket_type=socket.SOCK_STREAM,
    proto=0,
    fileno=None,
    flags=os.O_CREAT,
    libc=None,
    timeout=None,
):
    """A ``socket.socket`` made inside ``netns`` (the current namespace if ``None``).

    It is made on a short-lived thread of the library that enters the namespace: no child
    process, no timeout; the socket stays in ``netns`` whichever thread uses it."""
    if netns is None or fileno is not None:
        return socket.socket(family, socket_type, proto, fileno)
    return _make_socket(_native.socket, netns, family, socket_type, proto, flags)


def _make_socket(make, netns, family, socket_type, proto, flags):
    handle = open_netns(netns, flags)
    try:
        fd = make(handle, int(family), int(socket_type), int(proto))
    finally:
        handle.close()
    return socket.socket(family, socket_type, proto, fileno=fd)


def _create_socket_here(netns, family, socket_type, proto, flags):
    """As ``create_socket``, but made by the calling thread, which enters the namespace for the one
    ``socket()`` call, with the GIL released, and is moved back before it returns (the process
    aborts rather than run on elsewhere). No thread hand-off: ``netnest.pyroute2`` uses it, where
    a hand-off on a busy machine would cost more than the rest of opening an ``IPRoute``."""
    return _make_socket(_native.socket_here, netns, family, socket_type, proto, flags)
