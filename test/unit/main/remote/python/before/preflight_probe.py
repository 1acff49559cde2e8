import json, os, socket, sys
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
    out["gdb"] = next((os.path.join(d, "gdb") for d in os.environ.get("PATH", "").split(os.pathsep) if os.access(os.path.join(d, "gdb"), os.X_OK)), None)
print("__periscope_preflight__ " + json.dumps(out))
