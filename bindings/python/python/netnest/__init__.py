# SPDX-License-Identifier: MIT OR Apache-2.0
"""Linux network namespaces for Python, without forks.

* ``netnest.netns``: the functions of ``pyroute2.netns`` (create, remove, listnetns, setns,
  pushns/popns/dropns, ns_pids, pid_to_ns, attach, create_socket), done by the netnest library
  on a thread instead of a child process.
* ``netnest.Popen(netns, args, **kwargs)``: a ``subprocess.Popen`` started inside a namespace
  (pyroute2's ``NSPopen`` without its proxy process).
* ``netnest.pyroute2``: pyroute2's ``IPRoute``/``AsyncIPRoute``/``NetNS`` over netlink sockets
  that netnest makes inside the namespace (needs pyroute2).
* ``netnest.NetNS(netns, flags=0)``: an open namespace handle (``fileno()``, ``close()``,
  compared by identity).

Only ``setns`` and ``pushns``/``popns`` leave a thread in another namespace, and only the calling
one; no other call does (see the package's README, "Threads").
"""

from netnest._native import NetNS
from netnest import netns
from netnest._popen import Popen

__all__ = ["NetNS", "Popen", "netns"]
