"""Benchmark program: prints many lines as fast as it can, after a breakpoint on `start`. The last
line also says when the loop ended (ms since the epoch; the bench's sshd is on the same machine)."""
import sys
import time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
start = True  # BREAK
write = sys.stdout.write
for i in range(count):
    write(f"flood line {i}\n")
sys.stdout.flush()
print(f"FLOOD DONE {count} at {time.time() * 1000:.1f}", flush=True)
