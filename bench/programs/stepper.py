"""Benchmark program: a loop that can be stepped through for as long as a benchmark needs."""


def work(i):
    doubled = i * 2
    result = doubled + 1
    return result


def main():
    total = 0
    for i in range(10_000_000):
        total += work(i)  # BREAK
    print(total)


main()
