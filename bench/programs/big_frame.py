"""Benchmark program: a pandas DataFrame of a million rows and five columns, and a loop that
stops beside it again and again (the data viewer's figure)."""

import numpy
import pandas

ids = numpy.arange(1_000_000)
frame = pandas.DataFrame(
    {
        "id": ids,
        "price": ids * 0.25,
        "qty": ids % 7,
        "name": ["n%d" % i for i in range(1_000_000)],
        "when": pandas.Timestamp("2026-12-01") + pandas.to_timedelta(ids, unit="s"),
    }
)
for i in range(100_000):
    marker = i  # BREAK
