# SPDX-License-Identifier: MIT OR Apache-2.0
"""pyroute2's ``IPRoute``, ``AsyncIPRoute`` and ``NetNS`` inside a namespace without a child process.

These are pyroute2's own classes (every method works as documented by pyroute2); only the way the
netlink socket is made changes. pyroute2 forks a child per socket that enters the namespace and
passes the socket back; here the thread that needs the socket makes it: it enters the namespace
for the one ``socket()`` system call, with the GIL released, and is moved back before the call
returns (the process aborts rather than let it run on in the wrong namespace); no Python code runs
on it meanwhile. That saves the hand-off to a helper thread, which on a busy machine costs more
than the rest of opening an ``IPRoute``. The socket is then configured as pyroute2 configures its
own.
Each Python thread that uses the object gets its own socket, as with pyroute2.

Migrating is one import::

    from netnest.pyroute2 import IPRoute      # was: from pyroute2 import IPRoute

Two differences from pyroute2, on purpose: a failed ``IPRoute(netns=..., flags=0)`` closes its
event loop before raising (pyroute2 holds its descriptors until the garbage collector runs), and
``use_socket=`` also takes a ``SOCK_RAW`` netlink socket (pyroute2 takes only ``SOCK_DGRAM``; for
netlink both are the same socket).

Needs pyroute2 (0.9.1 or later): ``pip install pyroute2``.
"""

import os
import socket

try:
    from pyroute2.iproute.linux import AsyncIPRoute as _AsyncIPRoute
    from pyroute2.iproute.linux import IPRoute as _IPRoute
    from pyroute2.netlink import rtnl as _rtnl
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "netnest.pyroute2 needs pyroute2 >= 0.9.1 (pip install pyroute2)"
    ) from e

from netnest import netns as _netns

__all__ = ["AsyncIPRoute", "IPRoute", "NetNS"]

_SOL_NETLINK = 270
_NETLINK_EXT_ACK = 11
_NETLINK_LISTEN_ALL_NSID = 8
_NETLINK_GET_STRICT_CHK = 12


def _as_datagram(sock):
    """A netlink socket as asyncio accepts it (``SOCK_DGRAM``); raw and datagram netlink sockets
    are the same to the kernel."""
    if sock is None or sock.family != socket.AF_NETLINK or sock.type == socket.SOCK_DGRAM:
        return sock
    return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, sock.proto, fileno=sock.detach())


class AsyncIPRoute(_AsyncIPRoute):
    """pyroute2's ``AsyncIPRoute``; with ``netns=``, its sockets are made by netnest."""

    def __init__(self, *args, use_socket=None, **kwargs):
        super().__init__(*args, use_socket=_as_datagram(use_socket), **kwargs)

    def setup_socket(self):
        if self.status["use_socket"] or self.spec["netns"] is None:
            return super().setup_socket()
        sock = _netns._create_socket_here(
            self.spec["netns"],
            socket.AF_NETLINK,
            socket.SOCK_DGRAM,
            self.spec["family"],
            self.spec["flags"],
        )
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.status["sndbuf"])
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.status["rcvbuf"])
            for option, key in (
                (_NETLINK_EXT_ACK, "ext_ack"),
                (_NETLINK_LISTEN_ALL_NSID, "all_ns"),
                (_NETLINK_GET_STRICT_CHK, "strict_check"),
            ):
                if self.status[key]:
                    sock.setsockopt(_SOL_NETLINK, option, 1)
        except BaseException:
            sock.close()
            raise
        return sock


class IPRoute(_IPRoute):
    """pyroute2's ``IPRoute``; with ``netns=``, its sockets are made by netnest.

    Takes pyroute2's arguments (``netns``, ``flags``, ``groups``, ...); keyword arguments are
    advised past the first few, as with pyroute2."""

    def __init__(self, *args, netns=None, flags=os.O_CREAT, use_event_loop=None, **kwargs):
        kwargs.setdefault("groups", _rtnl.RTMGRP_DEFAULTS)
        self.asyncore = AsyncIPRoute(
            *args, netns=netns, flags=flags, use_event_loop=use_event_loop, **kwargs
        )
        try:
            # The rest is what pyroute2's IPRoute.__init__ does with its AsyncIPRoute.
            self.asyncore.status["event_loop"] = "new" if use_event_loop is None else "auto"
            self.asyncore.local.keep_event_loop = True
            self.asyncore.event_loop.run_until_complete(self.asyncore.setup_endpoint())
            if self.asyncore.socket.fileno() == -1:
                raise OSError(9, "Bad file descriptor")
        except BaseException:
            self._close_failed()
            raise

    def _close_failed(self):
        core = self.asyncore
        loop = getattr(core.local, "event_loop", None)
        try:
            core.close()
        except Exception:  # noqa: BLE001 - the constructor's error is the one to report
            pass
        if loop is not None and not loop.is_closed() and core.status.get("event_loop") == "new":
            loop.close()


class NetNS(IPRoute):
    """pyroute2's ``NetNS``: an ``IPRoute`` inside ``netns``; ``remove()`` closes it and removes
    the name."""

    def __init__(self, netns=None, flags=os.O_CREAT, target="localhost", libc=None,
                 groups=_rtnl.RTMGRP_DEFAULTS):
        super().__init__(target=target, netns=netns, flags=flags, libc=libc, groups=groups)

    def remove(self):
        self.close()
        _netns.remove(self.status["netns"])
