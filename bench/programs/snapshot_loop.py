"""A request-like loop for the snapshot point figure: ``work`` runs ``N`` times with a few locals
(a dict, a 100-item list, a string), each iteration timed with ``perf_counter``; the times (ms)
are written as JSON to ``sys.argv[1]``. A snapshot point goes on the line marked POINT."""
import json
import sys
import time

N = int(sys.argv[2]) if len(sys.argv) > 2 else 200


def work(i):
    order = {"id": i, "items": list(range(100)), "customer": "c%d" % (i % 7)}
    total = sum(order["items"]) + i  # POINT
    return total


times = []
for i in range(N):
    start = time.perf_counter()
    work(i)
    times.append((time.perf_counter() - start) * 1000)
with open(sys.argv[1], "w") as out:
    json.dump(times, out)
