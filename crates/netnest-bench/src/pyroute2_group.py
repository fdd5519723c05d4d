# The pyroute2 side of the bench: one long-lived interpreter (start-up is not counted), which
# times one operation per request line and answers with the nanoseconds it took.
import sys
import time

from pyroute2 import IPRoute, NSPopen, netns

for line in sys.stdin:
    op, name = line.split()
    t = time.perf_counter_ns()
    if op == "create_remove":
        netns.create(name)
        netns.remove(name)
    elif op == "iproute_open":
        ipr = IPRoute(netns=name, flags=0)
        ipr.close()
    elif op == "iproute_dump":
        ipr = IPRoute(netns=name, flags=0)
        ipr.get_links()
        ipr.close()
    elif op == "nspopen":
        p = NSPopen(name, ["true"], flags=0)
        p.wait()
        p.release()
    else:
        raise SystemExit("unknown op " + op)
    print(time.perf_counter_ns() - t, flush=True)
