"""Before a launch: checks that debugpy imports, and picks a free loopback port for it.

Run by the profile's interpreter as ``python -c <this file>`` (no arguments). Python 2.7+.
Prints one line: ``__periscope_port__ <port>``, or ``__periscope_no_debugpy__ <why>`` when debugpy
does not import (``remote/launch/remote-launch.ts`` reads both).
"""
import socket, sys
try:
    __import__("debugpy")  # only to see that it imports (a plain import would be unused)
except Exception as e:
    print("__periscope_no_debugpy__ %r" % (e,))
    sys.exit(0)
s = socket.socket()
s.bind(("127.0.0.1", 0))
print("__periscope_port__ %d" % s.getsockname()[1])
s.close()
