"""Pure parts of src-main/remote/python/inject_debugpy.py; the injection itself runs for real in
test/integration/connections/attach-by-pid.test.ts."""

import errno
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src-main", "remote", "python"))
import inject_debugpy as inject  # noqa: E402


def _fake_debugpy_server(tmp_path, body):
    server = tmp_path / "server"
    server.mkdir()
    (server / "attach_pid_injected.py").write_text(
        "import json\ndef attach(setup):\n" + body + "\n"
    )
    return server


def _run_injected(code, timeout=5):
    """Runs `code` as DoAttach would, in a fresh interpreter; waits for the attach thread."""
    wrapper = code + ";import threading, time\n" \
        "for t in threading.enumerate():\n" \
        "    if t.name == 'periscope-attach': t.join(%d)\n" % timeout
    subprocess.run([sys.executable, "-c", wrapper], check=True, timeout=timeout + 5)


def test_injected_code_has_no_quotes_or_newlines(tmp_path):
    code = inject.listen_code("/usr/lib/python3/dist-packages/debugpy/server", 41234, "/tmp/s")
    assert not set("\"'\r\n") & set(code)


def test_injected_code_calls_attach_with_the_setup_and_says_ok(tmp_path):
    out = tmp_path / "setup.json"
    server = _fake_debugpy_server(tmp_path, "    open(%r, 'w').write(json.dumps(setup))" % str(out))
    status = tmp_path / "status"
    status.write_text("")  # the helper makes it (status_file); the target only writes into it
    _run_injected(inject.listen_code(str(server), 41234, str(status)))
    assert json.loads(out.read_text()) == {
        "mode": "listen",
        "address": ["127.0.0.1", 41234],
        "wait_for_client": False,
        "log_to": None,
        "adapter_access_token": None,
    }
    assert inject.read_status(str(status)) == (True, None)


def test_a_failing_attach_is_reported_with_its_last_traceback_line(tmp_path):
    server = _fake_debugpy_server(tmp_path, "    raise RuntimeError('timed out waiting for adapter')")
    status = tmp_path / "status"
    status.write_text("")  # the helper makes it (status_file); the target only writes into it
    _run_injected(inject.listen_code(str(server), 41234, str(status)))
    assert inject.read_status(str(status)) == (True, "RuntimeError: timed out waiting for adapter")
    assert inject.read_status(str(tmp_path / "absent")) == (False, None)


def test_byte_list_keeps_non_ascii():
    assert eval(inject.byte_list("é\"")) == list("é\"".encode("utf-8"))


def test_marker_code_writes_its_line(capfd):
    exec(inject.marker_code("periscope-probe-1"))
    assert capfd.readouterr().out == "periscope-probe-1\n"


def test_attach_call_result_reads_each_injector():
    gdb = "$1 = (void *) 0x55d0c0a2e2a0\n$2 = 0\n[Inferior 1 (process 9) detached]"
    assert inject.attach_call_result("gdb", gdb) == 0
    lldb = "(void *) $0 = 0x00000000296674e0\n(int) $1 = 3\nProcess 9 detached"
    assert inject.attach_call_result("lldb", lldb) == 3
    assert inject.attach_call_result("lldb", "error: attach failed") is None


def test_cause_names_the_real_line_never_the_byte_list():
    output = "\n".join(
        [
            "Running: gdb --pid 9 --eval-command='call (int)DoAttach(0, \"import x;f([49, 34, 44])\", 0)'",
            "0x00007f in clock_nanosleep () from /lib/x86_64-linux-gnu/libc.so.6",
            "71\t../sysdeps/unix/sysv/linux/clock_nanosleep.c: No such file or directory.",
            "Couldn't write extended state status: Bad address.",
            "[Inferior 1 (process 9) detached]",
        ]
    )
    assert inject.cause_of(output) == "Couldn't write extended state status: Bad address."
    noisy = "ModuleNotFoundError: No module named 'lldb.embedded_interpreter'\nerror: attach failed: Operation not permitted"
    assert inject.cause_of(noisy) == "error: attach failed: Operation not permitted"
    assert "[49," not in inject.cause_of("[" + ", ".join(["49"] * 40) + "] error")


@pytest.mark.parametrize(
    "scope, uid, code",
    [
        ("3", 0, "ptrace-disabled"),
        ("3", 1000, "ptrace-disabled"),
        ("2", 1000, "ptrace-root-only"),
        ("1", 1000, "ptrace-parent-only"),
        ("2", 0, None),
        ("1", 0, None),
        ("0", 1000, None),
        (None, 1000, None),
    ],
)
def test_ptrace_scope_gives_named_errors(scope, uid, code):
    problem = inject.ptrace_problem(4321, uid, read_scope=lambda: scope)
    assert (problem.code if problem else None) == code


def test_a_dead_pid_is_named_and_nothing_is_probed():
    out = subprocess.run(
        [sys.executable, inject.__file__, json.dumps({"pid": 4000000, "mode": "attach"})],
        stdout=subprocess.PIPE,
        check=True,
    ).stdout.decode()
    line = [x for x in out.splitlines() if x.startswith(inject.MARKER)]
    assert len(line) == 1
    answer = json.loads(line[0][len(inject.MARKER):])
    assert answer["ok"] is False
    assert answer["error"]["code"] == "no-such-process"
    assert "injectors" not in answer


ID = "8b9603caf8d6fccc6d03ee8d193a142596763c3863e7c85c25488fce99e23460"


def _proc(files):
    def read(path, link):
        if path not in files:
            raise OSError(errno.EACCES, "denied")
        return files[path]

    return read


def test_a_process_in_another_pid_namespace_or_container_is_on_the_other_side():
    machine = {"/proc/self/ns/pid": "pid:[1]", "/proc/self/cgroup": "0::/user.slice\n"}
    other_ns = dict(machine, **{"/proc/7/ns/pid": "pid:[9]", "/proc/7/cgroup": "0::/\n"})
    assert inject.container_boundary(7, _proc(other_ns)) == "another pid namespace"
    # docker run --pid=host: the machine's pid namespace, a container's cgroup.
    host_pid = dict(machine, **{"/proc/7/ns/pid": "pid:[1]", "/proc/7/cgroup": "0::/docker/%s\n" % ID})
    assert inject.container_boundary(7, _proc(host_pid)) == "container 8b9603caf8d6"
    # Unreadable namespaces: the cgroup still tells.
    hidden = {"/proc/self/cgroup": "0::/\n", "/proc/7/cgroup": "1:cpu:/docker/%s\n" % ID}
    assert inject.container_boundary(7, _proc(hidden)) == "container 8b9603caf8d6"


def test_the_same_place_is_not_a_boundary():
    # Run inside the container itself (docker exec): same namespace, same cgroup.
    inside = {
        "/proc/self/ns/pid": "pid:[9]",
        "/proc/7/ns/pid": "pid:[9]",
        "/proc/self/cgroup": "0::/docker/%s\n" % ID,
        "/proc/7/cgroup": "0::/docker/%s\n" % ID,
    }
    assert inject.container_boundary(7, _proc(inside)) is None
    assert inject.container_boundary(7, _proc({})) is None
    # A systemd service with a private /tmp: not a container.
    service = {"/proc/self/ns/pid": "pid:[1]", "/proc/7/ns/pid": "pid:[1]",
               "/proc/self/cgroup": "0::/user.slice\n",
               "/proc/7/cgroup": "0::/system.slice/app.service\n"}
    assert inject.container_boundary(7, _proc(service)) is None
    assert inject.container_boundary(os.getpid()) is None


def test_container_ids_of_cgroups():
    assert inject.container_of_cgroup("0::/system.slice/docker-%s.scope\n" % ID) == ID
    assert inject.container_of_cgroup("0::/machine.slice/libpod-%s.scope/container" % ID) == ID
    assert inject.container_of_cgroup("0::/machine.slice/libpod-conmon-%s.scope" % ID) is None
    assert inject.container_of_cgroup("0::/\n") is None


def test_bad_request_still_answers_one_line():
    out = subprocess.run(
        [sys.executable, inject.__file__, "not json"], stdout=subprocess.PIPE, check=True
    ).stdout.decode()
    answer = json.loads(out.strip()[len(inject.MARKER):])
    assert answer["error"]["code"] == "internal"


def test_a_process_left_stopped_by_the_injector_is_resumed_and_one_its_user_stopped_is_not():
    import signal
    import time

    child = subprocess.Popen([sys.executable, "-c", "import time\nwhile True: time.sleep(0.02)"])
    try:
        time.sleep(0.2)
        was = inject.process_state(child.pid)
        os.kill(child.pid, signal.SIGSTOP)
        time.sleep(0.1)
        assert inject.process_state(child.pid) == "T"
        # Stopped by its own user before we came: left alone.
        assert inject.resume_if_left_stopped(child.pid, "T", settle=0) is False
        assert inject.process_state(child.pid) == "T"
        # Stopped by the injector's leftover SIGSTOP: resumed.
        assert inject.resume_if_left_stopped(child.pid, was, settle=0) is True
        time.sleep(0.1)
        assert inject.process_state(child.pid) in ("S", "R")
    finally:
        child.kill()
        child.wait()
