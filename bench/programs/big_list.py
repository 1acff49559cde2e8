"""Benchmark program: a one-million-item list, and a loop that stops beside it again and again."""

big = list(range(1_000_000))
for i in range(100_000):
    marker = i  # BREAK
