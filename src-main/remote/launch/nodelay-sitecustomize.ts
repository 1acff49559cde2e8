/**
 * Makes debugpy fast: stock debugpy 1.6 writes each DAP message's header and body in two
 * `send` calls on sockets without TCP_NODELAY, so Nagle's algorithm holds the body until the
 * peer's delayed ACK (~40 ms per message; ../shared/ENVIRONMENT.md measures stackTrace at 44 ms
 * stock against 0.3–0.7 ms with TCP_NODELAY). Periscope cannot change debugpy on the remote
 * machine, so it starts the program with a `sitecustomize` (Python's site-specific hook, see the
 * `site` module documentation) on `PYTHONPATH` that sets TCP_NODELAY on loopback TCP sockets as
 * they connect or are accepted. The debuggee (pydevd) and debugpy's adapter, which inherits the
 * environment, both import it; the adapter then deletes the hook's directory.
 *
 * Scope of the change for the user's own program: only its loopback TCP connections get
 * TCP_NODELAY (which affects batching of small writes, never correctness). A sitecustomize the
 * system already has is still run.
 *
 * The same hook shortens pydevd's 10 ms poll of a paused thread's command queue (see the Python
 * source below): requests about a paused thread and resumes no longer wait for it. The file
 * written also carries `ordered-output-hook.ts` (stdout and stderr in the order written).
 */
import { ORDERED_OUTPUT_HOOK } from './ordered-output-hook.js';
import { shellQuote } from '../../ssh/exec/shell-quote.js';

/** The Python source of the hook. */
export const NODELAY_SITECUSTOMIZE = `# Periscope: TCP_NODELAY for debugpy's loopback sockets (see nodelay-sitecustomize.ts).
import os as _os, socket as _socket, sys as _sys

_LOOPBACK = ("127.0.0.1", "::1", "localhost")

def _periscope_nodelay(sock):
    try:
        if sock.type == _socket.SOCK_STREAM and sock.family in (_socket.AF_INET, _socket.AF_INET6):
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
    except OSError:
        pass

_periscope_connect = _socket.socket.connect
_periscope_accept = _socket.socket.accept

def _connect(self, address):
    result = _periscope_connect(self, address)
    if isinstance(address, tuple) and address and address[0] in _LOOPBACK:
        _periscope_nodelay(self)
    return result

def _accept(self):
    conn, address = _periscope_accept(self)
    try:
        if self.getsockname()[0] in _LOOPBACK:
            _periscope_nodelay(conn)
    except OSError:
        pass
    return conn, address

_socket.socket.connect = _connect
_socket.socket.accept = _accept

# pydevd's suspended thread polls its command queue every 10 ms (time.sleep(0.01) in
# PyDB._do_wait_suspend), so each request about a paused thread (stackTrace, scopes, evaluate…)
# and each resume waits up to 10 ms. Once pydevd is imported, that sleep becomes a 2 ms wait that
# a posted command also ends at once. Any failure leaves pydevd as it was.
import importlib.abc as _abc, importlib.machinery as _machinery, threading as _threading

def _periscope_patch_pydevd(module):
    try:
        real_time = module.time
        wake = _threading.Condition()

        class _WakeableTime(object):
            def __getattr__(self, name):
                return getattr(real_time, name)

            @staticmethod
            def sleep(seconds):
                if seconds == 0.01:
                    with wake:
                        wake.wait(0.002)
                else:
                    real_time.sleep(seconds)

        original_post = module.PyDB.post_internal_command

        def post_internal_command(self, int_cmd, thread_id):
            original_post(self, int_cmd, thread_id)
            with wake:
                wake.notify_all()

        module.PyDB.post_internal_command = post_internal_command
        module.time = _WakeableTime()
    except Exception:
        pass

class _PeriscopePydevdFinder(_abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "pydevd":
            return None
        _sys.meta_path.remove(self)
        spec = _machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            _periscope_patch_pydevd(module)

        loader.exec_module = exec_module
        return spec

_sys.meta_path.insert(0, _PeriscopePydevdFinder())

_here = _os.path.dirname(_os.path.abspath(__file__))
# Run the sitecustomize this one shadows, if the system has one.
for _entry in _sys.path:
    if _os.path.abspath(_entry or ".") == _here:
        continue
    _other = _os.path.join(_entry or ".", "sitecustomize.py")
    if _os.path.isfile(_other):
        with open(_other, "rb") as _f:
            exec(compile(_f.read(), _other, "exec"), {"__name__": "sitecustomize", "__file__": _other})
        break
# debugpy's adapter starts after the debuggee imported this file: nobody needs it any more.
if _sys.argv and _os.path.basename(_sys.argv[0].rstrip("/")) == "adapter":
    import shutil as _shutil
    _shutil.rmtree(_here, ignore_errors=True)
`;

/**
 * A POSIX shell fragment that writes the hook into a fresh temporary directory and leaves its
 * path in `$periscope_site`; follow it with `&&`. Use `nodelayPythonPath()` in the command's env.
 */
export function writeNodelayHook(): string {
  return (
    'periscope_site=$(mktemp -d "${TMPDIR:-/tmp}/periscope-site.XXXXXX") && ' +
    `printf '%s' ${shellQuote(NODELAY_SITECUSTOMIZE + ORDERED_OUTPUT_HOOK)} > "$periscope_site/sitecustomize.py"`
  );
}

/** The `PYTHONPATH=…` assignment (for `env`) that puts the hook first, keeping the user's path. */
export function nodelayPythonPath(): string {
  return 'PYTHONPATH="$periscope_site${PYTHONPATH:+:$PYTHONPATH}"';
}
