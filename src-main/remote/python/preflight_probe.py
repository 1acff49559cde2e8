"""Preflight: what a launch or an attach needs of the remote machine, checked in one run.

Run by the profile's interpreter as ``python -c <this file> <mode> <port> <pid>`` (mode
``launch``, ``attach-pid`` or ``attach-port``; port and pid 0 when not given). Python 2.7 and
3.x alike: it must report even on an old interpreter. Prints one line, ``MARKER`` followed by a
JSON object (``remote/probes/preflight.ts`` reads it as its ``ProbeResult``): ``python``,
``executable``, ``uid``; ``debugpy`` (its version) or ``debugpyError``; ``portFree`` and ``port``
or ``portError``; for ``attach-pid`` also ``ptraceScope`` (Yama's, or null), ``pidAlive`` (and
``pidError``). Which injector works is not this probe's: ``inject_debugpy.py`` proves each on
a throwaway process.
"""
import json, os, socket, sys
MARKER = "__periscope_preflight__ "
out = {"python": sys.version.split()[0], "executable": sys.executable, "uid": os.getuid()}
try:
    import debugpy
    out["debugpy"] = debugpy.__version__
except Exception as e:
    out["debugpyError"] = "%s: %s" % (type(e).__name__, e)
mode, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket()
try:
    s.bind(("127.0.0.1", port))
    out["portFree"] = True
    out["port"] = s.getsockname()[1]
except socket.error as e:
    out["portFree"] = False
    out["portError"] = str(e)
s.close()
if mode == "attach-pid":
    try:
        out["ptraceScope"] = open("/proc/sys/kernel/yama/ptrace_scope").read().strip()
    except (IOError, OSError):
        out["ptraceScope"] = None
    try:
        os.kill(pid, 0)
        out["pidAlive"] = True
    except OSError as e:
        out["pidAlive"] = False
        out["pidError"] = os.strerror(e.errno)
print(MARKER + json.dumps(out))
