# SPDX-License-Identifier: MIT OR Apache-2.0
"""``netnest.Popen``: ``subprocess.Popen`` inside a network namespace, without a proxy process."""

import os
import subprocess

from netnest import _native
from netnest.netns import open_netns


class Popen(subprocess.Popen):
    """``subprocess.Popen(args, **kwargs)`` started inside the namespace ``netns``.

    It *is* a ``subprocess.Popen``: a real pid, real pipes, ``communicate``, ``wait``, ``poll``,
    ``returncode``, ``send_signal``, ``with``. The process is started from a short-lived thread of
    the library that has entered ``netns`` (so no ``preexec_fn`` and no proxy process); the
    calling thread does not move.

    ``netns`` is a name, a path, a descriptor or a ``NetNS``. ``flags`` is pyroute2 ``NSPopen``'s,
    ``0`` by default: a missing name is ``FileNotFoundError``; ``os.O_CREAT`` creates it.
    With ``netns_exec=True`` the process gets what ``ip netns exec NAME`` gives: a mount
    namespace of its own with the namespace's ``/sys`` and the files of ``/etc/netns/NAME`` bound
    over ``/etc``.
    """

    def __init__(self, netns, args, *popen_args, flags=0, netns_exec=False, **kwargs):
        handle = open_netns(netns, flags)
        try:
            exec_name = _exec_name(netns) if netns_exec else None
            start = super().__init__
            _native.run_in(handle, lambda: start(args, *popen_args, **kwargs), exec_name)
        finally:
            handle.close()
        self.netns = netns

    def release(self):
        """pyroute2 ``NSPopen``'s ``release()``: closes the pipes (there is no proxy to stop)."""
        for stream in (self.stdin, self.stdout, self.stderr):
            if stream is not None:
                stream.close()


def _exec_name(netns):
    """The name ``ip netns exec`` would use: the sysfs source and ``/etc/netns/NAME``. A handle or
    a descriptor has none (the namespace's /sys still comes, no /etc binds)."""
    if isinstance(netns, (str, bytes, os.PathLike)):
        return os.fsdecode(os.path.basename(os.fsencode(os.fspath(netns))))
    return ""
