"""The preflight probe (src-main/remote/python/preflight_probe.py) run for real: the one line it
prints is MARKER and a JSON object of the shape remote/probes/preflight.ts reads."""

import json
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "..", "..", "src-main", "remote", "python", "preflight_probe.py")
MARKER = "__periscope_preflight__ "


def run_probe(mode, port=0, pid=0):
    out = subprocess.run(
        [sys.executable, PROBE, mode, str(port), str(pid)], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(MARKER), out
    return json.loads(lines[0][len(MARKER):])


def test_launch_reports_python_debugpy_and_a_free_port():
    result = run_probe("launch")
    assert result["python"] == "%d.%d.%d" % sys.version_info[:3]
    assert result["executable"] == sys.executable
    assert result["uid"] == os.getuid()
    assert isinstance(result.get("debugpy"), str) or isinstance(result.get("debugpyError"), str)
    assert result["portFree"] is True and 0 < result["port"] < 65536
    assert "ptraceScope" not in result


def test_a_taken_port_is_reported_with_the_reason():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = run_probe("launch", taken.getsockname()[1])
    assert result["portFree"] is False
    assert result["portError"]
    assert "port" not in result


def test_attach_by_pid_adds_ptrace_and_the_process():
    result = run_probe("attach-pid", 0, os.getpid())
    assert result["pidAlive"] is True
    assert result["ptraceScope"] is None or isinstance(result["ptraceScope"], str)
    # Which injector works is proved by inject_debugpy.py, not looked up on PATH here.
    assert "gdb" not in result


def test_a_process_that_is_gone_says_why():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    result = run_probe("attach-pid", 0, child.pid)
    assert result["pidAlive"] is False
    assert result["pidError"] == os.strerror(3)  # ESRCH
