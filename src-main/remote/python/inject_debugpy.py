"""Attach debugpy to a running Python process by pid, and never harm that process.

Periscope runs this on the remote machine with the profile's interpreter (the one that has
debugpy): ``python inject_debugpy.py -`` with the request as JSON on stdin (or as the argument
instead of ``-``). Python 3.7+ (debugpy's own floor).

Request: ``{"pid": 123, "mode": "attach" | "probe", "injectors": ["gdb", "lldb"],
"verdicts": {"<exe>|<injector path>": {"ok": bool, "cause": str}}, "listenTimeout": 30,
"env": {"PATH": "..."}}``. ``env`` (the profile's environment) applies to finding and running
the injectors; it travels on stdin because a command line is visible to every user. In probe
mode ``pid`` may be 0: the throwaway process then runs this interpreter.
Prints exactly one line, ``__periscope_inject__ <json>``, whatever happens (see ``main``).

debugpy's ``--pid`` injects with gdb on Linux (``pydevd_attach_to_process/
add_code_to_python_process.py``: ``run_python_code_linux``). On some CPUs gdb cannot restore the
target's registers after the call ("Couldn't write extended state status: Bad address") and
the target then dies. So before the user's process is touched, each injector is proved on a
throwaway process of the same interpreter: injected with the same library and entry point,
then checked to have run the injected code and to be alive and answering afterwards. Only an
injector that passed (now, or in a verdict the caller kept) is used on the user's process.

The injectors: gdb, the way debugpy drives it on Linux, and lldb, the way debugpy drives it on
macOS (attach, ``dlopen`` pydevd's attach library, call its ``DoAttach`` with the code to run,
detach). The code run in the target is the one debugpy's CLI builds (``debugpy/server/cli.py``:
``attach_to_pid``): it imports ``attach_pid_injected`` from debugpy's server folder and calls
``attach(setup)``, which calls ``debugpy.listen``. Injected code may hold no quotes and no
newlines, so strings travel as lists of UTF-8 byte values.
"""

import errno
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MARKER = "__periscope_inject__ "

#: How long one injector run may take, in seconds (gdb may scan every shared library: ~1-20 s).
INJECTOR_TIMEOUT = 60.0

#: How long the throwaway process has to answer after an injection, in seconds.
PROBE_ANSWER_TIMEOUT = 5.0

#: Lines of an injector's output that name a cause (the rest is banners, frames and echo).
CAUSE_HINTS = (
    "couldn't",
    "could not",
    "cannot",
    "can't",
    "error",
    "failed",
    "not permitted",
    "no such",
    "permission denied",
    "errno",
    "killed",
    "signal",
)

#: Lines that look like causes but are noise of Debian's lldb without python3-lldb.
NOISE = ("lldb.embedded_interpreter", "traceback (most recent call last)", 'file "<string>"')

#: The throwaway process: sleeps (in a system call, as most targets are when gdb stops them)
#: and answers ``ping`` on stdin with ``pong`` on stdout.
THROWAWAY = (
    "import select, sys, time\n"
    "sys.stdout.write('ready\\n'); sys.stdout.flush()\n"
    "while True:\n"
    "    time.sleep(0.02)\n"
    "    if select.select([sys.stdin], [], [], 0)[0]:\n"
    "        line = sys.stdin.readline()\n"
    "        if not line:\n"
    "            break\n"
    "        sys.stdout.write('pong\\n'); sys.stdout.flush()\n"
)


class InjectError(Exception):
    """A failure with a code Periscope names (``code``), a sentence and the real cause line."""

    def __init__(self, code, message, cause=""):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.cause = cause


def byte_list(text):
    """``text`` as the source of a list of its UTF-8 byte values: no quotes, no newlines."""
    return "[%s]" % ",".join(str(b) for b in bytearray(text.encode("utf-8")))


#: What runs inside the target (as ``exec``'d source, in a namespace of its own, so nothing lands
#: in the program's ``__main__``). ``debugpy.listen`` starts the adapter as a child process, and a
#: fork inside the debugger's call stops lldb ("Execution was interrupted, reason: vfork"), which
#: then unwinds the call half done: so ``attach`` runs on a thread of its own, after the injector
#: has detached. ``threading`` is imported first, on the interrupted (main) thread, so it names
#: the right main thread (what ``attach_script.fix_main_thread_id`` is there for). How it went is
#: written to ``STATUS``: ``ok``, or ``error`` and the traceback, which the helper reports.
IN_TARGET = """
import sys, threading, traceback


def _periscope_attach(script_dir, setup, status_path):
    try:
        sys.path.insert(0, script_dir)
        try:
            import attach_pid_injected
        finally:
            if sys.path and sys.path[0] == script_dir:
                del sys.path[0]
        attach_pid_injected.attach(setup)
        result = "ok\\n"
    except BaseException:
        result = "error\\n" + traceback.format_exc()
    try:
        # "r+": only into the file the helper made; once it has gone, nothing is left behind.
        with open(status_path, "r+") as f:
            f.write(result)
            f.truncate()
    except Exception:
        pass


threading.Thread(
    target=_periscope_attach,
    args=(SCRIPT_DIR, SETUP, STATUS),
    name="periscope-attach",
    daemon=True,
).start()
"""


def listen_code(server_dir, port, status_path):
    """The code to inject for what debugpy's CLI does with ``--listen 127.0.0.1:<port> --pid``
    (``attach_pid_injected.attach(setup)``), run as IN_TARGET describes: one line without
    quotes, the program itself travelling as a list of UTF-8 byte values."""
    setup = {
        "mode": "listen",
        "address": ["127.0.0.1", port],
        "wait_for_client": False,
        "log_to": None,
        "adapter_access_token": None,
    }
    program = (
        IN_TARGET.replace("SCRIPT_DIR", repr(server_dir))
        .replace("SETUP", repr(setup))
        .replace("STATUS", repr(status_path))
    )
    return (
        "import codecs;"
        "exec(codecs.utf_8_decode(bytearray(%s))[0], {})"
    ) % byte_list(program)


def read_status(path):
    """(done, error) from the status file the injected code writes: (False, None) until it has."""
    try:
        with open(path) as f:
            text = f.read()
    except (IOError, OSError):
        return False, None
    if text.startswith("ok"):
        return True, None
    if text.startswith("error"):
        lines = [line.strip() for line in text.splitlines()[1:] if line.strip()]
        return True, (lines[-1] if lines else "the injected code failed")[:300]
    return False, None


def marker_code(text):
    """Code that writes ``text`` and a newline to the process's stdout (fd 1)."""
    return "import os;os.write(1, bytes(%s))" % byte_list(text + "\n")


def injector_argv(name, path, pid, library, code):
    """The command line that makes ``pid`` load ``library`` and run ``code`` with ``name``."""
    call = '(int)DoAttach(0, "%s", 0)' % code
    load = '(void*)dlopen("%s", 2)' % library
    if name == "gdb":
        return [
            path, "--nw", "--nh", "--nx", "--batch", "--pid", str(pid),
            "--eval-command=set scheduler-locking off",
            "--eval-command=set architecture auto",
            "--eval-command=call %s" % load,
            "--eval-command=sharedlibrary %s" % os.path.splitext(os.path.basename(library))[0],
            "--eval-command=call %s" % call,
        ]
    if name == "lldb":
        return [
            path, "--no-lldbinit", "--batch", "-p", str(pid),
            "-o", "expr %s" % load,
            "-o", "expr %s" % call,
            "-o", "process detach",
        ]
    raise InjectError("bad-request", "unknown injector %r" % name)


def attach_call_result(name, output):
    """``DoAttach``'s return value as the injector printed it, or None if it never ran."""
    last = None
    for line in output.splitlines():
        line = line.strip()
        # gdb: "$2 = 0"; lldb: "(int) $1 = 0". The dlopen result is a pointer, not an int.
        if name == "lldb" and line.startswith("(int) $"):
            last = line.rsplit("=", 1)[1].strip()
        elif name == "gdb" and line.startswith("$") and "=" in line and "0x" not in line:
            last = line.rsplit("=", 1)[1].strip()
    if last is None:
        return None
    try:
        return int(last)
    except ValueError:
        return None


def cause_of(output):
    """The line of an injector's (or a dying process's) output that says what went wrong."""
    found = ""
    for raw in output.splitlines():
        line = raw.strip()
        low = line.lower()
        if not line or any(n in low for n in NOISE) or line.startswith("Running:"):
            continue
        # Never a byte list or an echoed command line with the injected code in it.
        if "DoAttach(" in line or "dlopen(" in line or line.count(",") > 20:
            continue
        if any(h in low for h in CAUSE_HINTS):
            found = line
    return found[:300]


def ptrace_problem(pid, uid, read_scope=None):
    """A named reason why nobody here may ptrace ``pid``, or None (Yama: ``ptrace_scope``)."""
    if read_scope is None:
        read_scope = _read_ptrace_scope
    scope = read_scope()
    root = uid == 0
    if scope == "3":
        return InjectError(
            "ptrace-disabled",
            "ptrace_scope is 3: attaching to processes is disabled on this machine until it reboots",
        )
    if scope == "2" and not root:
        return InjectError("ptrace-root-only", "ptrace_scope is 2: only root may attach to processes")
    if scope == "1" and not root:
        return InjectError(
            "ptrace-parent-only",
            "ptrace_scope is 1: only a parent process may attach, so no debugger can attach to "
            "process %d" % pid,
        )
    return None


def _read_ptrace_scope():
    try:
        with open("/proc/sys/kernel/yama/ptrace_scope") as f:
            return f.read().strip()
    except (IOError, OSError):
        return None


def check_target(pid):
    """Raises a named InjectError unless ``pid`` runs and is ours to attach to."""
    try:
        os.kill(pid, 0)
    except OSError as e:
        if e.errno == errno.ESRCH:
            raise InjectError("no-such-process", "process %d is not running" % pid)
        if e.errno == errno.EPERM:
            raise InjectError(
                "not-permitted",
                "process %d belongs to another user" % pid,
                os.strerror(e.errno),
            )
        raise
    problem = ptrace_problem(pid, os.getuid())
    if problem:
        raise problem
    where = container_boundary(pid)
    if where:
        raise InjectError(
            "other-namespaces",
            "process %d runs inside a container and this helper does not (%s)" % (pid, where),
        )


# Docker's cgroup names a container `/docker/<id>` or `docker-<id>.scope`, Podman's `libpod-<id>`
# (`remote/probes/process-containers.ts` reads the same for the process list).
CONTAINER_CGROUP = re.compile(r"(?:^|/)(?:docker|libpod)[-/]([0-9a-f]{64})(?:\.scope)?(?=/|$)")


def container_of_cgroup(text):
    """The innermost container id a ``/proc/<pid>/cgroup`` text names, or None."""
    for line in text.splitlines():
        ids = CONTAINER_CGROUP.findall(line.split(":", 2)[-1])
        if ids:
            return ids[-1]
    return None


def container_boundary(pid, read=None):
    """Why ``pid`` is on the other side of a container boundary from this process — another pid
    namespace, or another container's cgroup — or None (the same place, or nothing readable).
    A mount namespace of its own alone (systemd's PrivateTmp) is not a container."""
    if read is None:
        read = _read_proc
    try:
        if read("/proc/%d/ns/pid" % pid, True) != read("/proc/self/ns/pid", True):
            return "another pid namespace"
    except (IOError, OSError):
        pass
    try:
        theirs = container_of_cgroup(read("/proc/%d/cgroup" % pid, False))
        ours = container_of_cgroup(read("/proc/self/cgroup", False))
    except (IOError, OSError):
        return None
    if theirs and theirs != ours:
        return "container %s" % theirs[:12]
    return None


def _read_proc(path, link):
    if link:
        return os.readlink(path)
    with open(path) as f:
        return f.read()


def target_executable(pid):
    """The interpreter binary ``pid`` runs (``/proc/<pid>/exe``)."""
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError as e:
        raise InjectError(
            "not-permitted",
            "cannot read which program process %d runs" % pid,
            os.strerror(e.errno),
        )


def debugpy_paths():
    """(debugpy's server folder, pydevd's attach library) for this interpreter's debugpy."""
    try:
        import debugpy.server
    except Exception as e:
        raise InjectError(
            "no-debugpy",
            "debugpy is not importable by %s" % sys.executable,
            "%s: %s" % (type(e).__name__, e),
        )
    server_dir = os.path.dirname(os.path.abspath(debugpy.server.__file__))
    attach_dir = os.path.join(
        os.path.dirname(os.path.dirname(server_dir)),
        "debugpy", "_vendored", "pydevd", "pydevd_attach_to_process",
    )
    names = ["attach_linux_amd64.so", "attach_linux_x86.so", "attach.so"]
    if os.uname()[4] not in ("x86_64", "AMD64", "amd64"):
        names = ["attach_linux_%s.so" % os.uname()[4], "attach.so"]
    for name in names:
        path = os.path.join(attach_dir, name)
        if os.path.exists(path):
            return server_dir, path
    raise InjectError(
        "no-attach-library",
        "debugpy's attach library is missing from %s" % attach_dir,
    )


def injector_env():
    """The injector's environment: without the Python variables that break gdb's embedded Python."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONIOENCODING", "PYTHONSTARTUP"):
        env.pop(name, None)
    return env


def process_state(pid):
    """The state letter of ``pid`` (``/proc/<pid>/stat``: R, S, D, T for stopped, …), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except (IOError, OSError):
        return None
    return stat[stat.rfind(")") + 2 : stat.rfind(")") + 3] or None


def resume_if_left_stopped(pid, was, settle=0.3):
    """A debugger that detaches may leave its attach's SIGSTOP behind (seen with lldb-14 when a
    thread was created during the call): the process then sits stopped (state T) for good. If
    it was not stopped before the injection and is now, or becomes so within ``settle`` s,
    SIGCONT resumes it. A process its user had stopped is left as it was."""
    if was == "T":
        return False
    deadline = time.time() + settle
    while True:
        if process_state(pid) in ("T", "t"):
            try:
                os.kill(pid, signal.SIGCONT)
            except OSError:
                return False
            return True
        if time.time() >= deadline:
            return False
        time.sleep(0.02)


def run_injector(argv, pid):
    """Runs an injector; returns (exit code, output). The target is resumed if the injector left
    it stopped (see resume_if_left_stopped), or was killed at its timeout."""
    was = process_state(pid)
    try:
        return _run_injector(argv, pid)
    finally:
        resume_if_left_stopped(pid, was)


def _run_injector(argv, pid):
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=injector_env(),
        )
    except OSError as e:
        return 127, "%s: %s" % (argv[0], os.strerror(e.errno))
    try:
        out = proc.communicate(timeout=INJECTOR_TIMEOUT)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        out = proc.communicate()[0]
        # A killed tracer leaves its tracee detached, but maybe still group-stopped: resume it.
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
        text = out.decode("utf-8", "replace")
        return -9, text + "\nthe injector did not finish within %d s (killed)" % INJECTOR_TIMEOUT
    return proc.returncode, out.decode("utf-8", "replace")


def probe(name, path, exe, library):
    """Proves ``name`` on a throwaway ``exe`` process: {"ok": bool, "cause": str}."""
    try:
        victim = subprocess.Popen(
            [exe, "-c", THROWAWAY],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as e:
        return {"ok": False, "cause": "could not start %s: %s" % (exe, os.strerror(e.errno))}
    try:
        if _read_line(victim.stdout, PROBE_ANSWER_TIMEOUT) != "ready":
            return {"ok": False, "cause": "the test process did not start"}
        token = "periscope-probe-%d" % os.getpid()
        code, output = run_injector(
            injector_argv(name, path, victim.pid, library, marker_code(token)), victim.pid
        )
        result = attach_call_result(name, output)
        # The injected code runs inside DoAttach: its line is already in the pipe, or never.
        ran = _read_line(victim.stdout, 1.0) == token
        alive = _answers(victim)
        if ran and alive and result == 0:
            return {"ok": True, "cause": "", "output": output[-4000:]}
        died = "" if alive else _death(victim)
        cause = cause_of(output) or died
        if not cause:
            cause = (
                "%s exited with code %d" % (name, code)
                if code != 0
                else "the injected code did not run (DoAttach returned %s)" % result
            )
        if not alive and died and died != cause:
            cause = "%s; the test process died: %s" % (cause.rstrip("."), died)
        elif not alive:
            cause = "%s; the test process died" % cause.rstrip(".")
        return {"ok": False, "cause": cause, "output": output[-4000:]}
    finally:
        if victim.poll() is None:
            victim.kill()
        victim.wait()


def _read_line(stream, timeout):
    ready = select.select([stream], [], [], timeout)[0]
    if not ready:
        return None
    return stream.readline().decode("utf-8", "replace").strip()


def _answers(victim):
    if victim.poll() is not None:
        return False
    try:
        victim.stdin.write(b"ping\n")
        victim.stdin.flush()
    except (IOError, OSError):
        return False
    deadline = time.time() + PROBE_ANSWER_TIMEOUT
    while time.time() < deadline:
        line = _read_line(victim.stdout, max(0.0, deadline - time.time()))
        if line is None or line == "":
            return victim.poll() is None and line == ""
        if line == "pong":
            return True
    return False


def _death(victim):
    try:
        victim.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        return ""
    err = victim.stderr.read().decode("utf-8", "replace")
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    if lines:
        return lines[-1][:300]
    if victim.returncode < 0:
        return "killed by signal %d" % -victim.returncode
    return "exit code %d" % victim.returncode


def verdict(name, exe, library, verdicts):
    """One injector's verdict on ``exe``: the kept one, else a fresh probe. A dict with
    ``injector``, ``path``, ``ok``, ``cause``, ``kept`` (from ``verdicts``), ``missing``, ``key``."""
    path = shutil.which(name)
    entry = {"injector": name, "path": path, "kept": False}
    if not path:
        entry.update(ok=False, missing=True, cause="%s is not installed (not on PATH)" % name)
        return entry
    entry["key"] = "%s|%s" % (exe, path)
    kept = verdicts.get(entry["key"])
    if kept is not None:
        entry.update(ok=bool(kept.get("ok")), cause=kept.get("cause", ""), kept=True)
    else:
        entry.update(probe(name, path, exe, library))
    return entry


def pick_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(port, timeout, pid, status_path=None, was=None):
    """True once something listens on ``port``, found by binding (a connect would take the
    adapter's only client slot); False at the timeout or when ``pid`` has exited. Raises
    InjectError ``listen-failed`` when the injected code says it failed (``status_path``). A
    process the injector left stopped meanwhile is resumed (``was``: its state before)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        resume_if_left_stopped(pid, was, settle=0)
        if status_path:
            done, error = read_status(status_path)
            if error:
                raise InjectError(
                    "listen-failed", "debugpy.listen failed inside process %d" % pid, error
                )
        t = socket.socket()
        try:
            t.bind(("127.0.0.1", port))
        except socket.error as e:
            if e.errno == errno.EADDRINUSE:
                return True
            raise
        finally:
            t.close()
        if not _alive(pid):
            return False
        time.sleep(0.1)
    return False


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError as e:
        return e.errno == errno.EPERM


def attach(request, answer):
    pid = int(request.get("pid") or 0)
    names = request.get("injectors") or ["gdb", "lldb"]
    for name, value in (request.get("env") or {}).items():
        os.environ[str(name)] = str(value)
    if pid == 0 and request.get("mode") == "probe":
        exe = os.path.realpath(sys.executable)
    else:
        check_target(pid)
        exe = target_executable(pid)
    answer["executable"] = exe
    server_dir, library = debugpy_paths()
    verdicts = request.get("verdicts") or {}
    report = answer["injectors"] = []
    chosen = None
    for name in names:
        report.append(verdict(name, exe, library, verdicts))
        if report[-1]["ok"]:
            chosen = report[-1]
            # An attach stops at the first injector that works; a probe (preflight) judges all.
            if request.get("mode") != "probe":
                break
    if request.get("mode") == "probe":
        answer["ok"] = chosen is not None
        return
    if chosen is None:
        raise InjectError(
            "no-injector",
            "no injector works on this machine, so process %d was not touched" % pid,
            "; ".join("%s: %s" % (e["injector"], e.get("cause", "")) for e in report),
        )
    port = pick_port()
    answer["injector"] = chosen["injector"]
    status_path = status_file()
    try:
        inject_and_listen(request, answer, chosen, pid, library, server_dir, port, status_path)
    finally:
        try:
            os.unlink(status_path)
        except OSError:
            pass


def status_file():
    """A fresh file the injected code may write its status to, whichever user it runs as."""
    fd, path = tempfile.mkstemp(prefix="periscope-inject-", suffix=".status")
    os.close(fd)
    os.chmod(path, 0o666)
    return path


def inject_and_listen(request, answer, chosen, pid, library, server_dir, port, status_path):
    was = process_state(pid)
    code, output = run_injector(
        injector_argv(
            chosen["injector"],
            chosen["path"],
            pid,
            library,
            listen_code(server_dir, port, status_path),
        ),
        pid,
    )
    answer["injectorExit"] = code
    answer["injectorOutput"] = output[-4000:]
    if not _alive(pid):
        raise InjectError(
            "target-died",
            "process %d exited while %s injected debugpy" % (pid, chosen["injector"]),
            cause_of(output),
        )
    result = attach_call_result(chosen["injector"], output)
    if code != 0 or result != 0:
        raise InjectError(
            "inject-failed",
            "%s could not make process %d load debugpy" % (chosen["injector"], pid),
            cause_of(output)
            or ("%s exited with code %d" % (chosen["injector"], code) if code else
                "DoAttach returned %s" % result),
        )
    if not wait_listening(port, float(request.get("listenTimeout", 30)), pid, status_path, was):
        if not _alive(pid):
            raise InjectError("target-died", "process %d exited after debugpy was injected" % pid)
        done, _ = read_status(status_path)
        raise InjectError(
            "listen-timeout",
            "debugpy was injected into process %d but did not listen within %d s"
            % (pid, int(request.get("listenTimeout", 30))),
            "debugpy.listen returned, but nothing listens on the port"
            if done
            else "the injected code has not run yet: the process may hold the GIL in native code, or be stopped",
        )
    answer["port"] = port
    answer["ok"] = True


def main(argv):
    answer = {"ok": False}
    try:
        request = json.loads(sys.stdin.read() if argv[1:] == ["-"] else argv[1])
        attach(request, answer)
    except InjectError as e:
        answer.update(ok=False, error={"code": e.code, "message": e.message, "cause": e.cause})
    except Exception as e:
        answer.update(
            ok=False,
            error={"code": "internal", "message": "%s: %s" % (type(e).__name__, e), "cause": ""},
        )
    sys.stdout.write(MARKER + json.dumps(answer) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
