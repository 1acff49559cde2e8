"""Benchmark program: dials the relay (debugpy.connect), waits for a trigger file, then stops.

Usage: fan_out.py PORT TRIGGER_FILE
"""
import os
import sys
import time

import debugpy

debugpy.connect(("127.0.0.1", int(sys.argv[1])))
trigger = sys.argv[2]
while not os.path.exists(trigger):
    time.sleep(0.002)
debugpy.breakpoint()
print("resumed", flush=True)
