"""The sitecustomize of a launch: Periscope puts this file first on the program's PYTHONPATH.

Python's site-specific hook (see the ``site`` module documentation) runs it at start-up in the
program (pydevd) and in debugpy's adapter, which inherits the environment; the adapter then
deletes the file's directory. A sitecustomize the system already has is still run. Python 3.
Three changes (four with stop on entry), each of which leaves things as they were if it fails:

1. TCP_NODELAY on loopback TCP sockets as they connect or are accepted. Stock debugpy 1.6 writes
   each DAP message's header and body in two ``send`` calls on sockets without TCP_NODELAY, so
   Nagle's algorithm holds the body until the peer's delayed ACK (~40 ms per message;
   ../shared/ENVIRONMENT.md measures stackTrace at 44 ms stock against 0.3-0.7 ms with it). Only
   the program's loopback TCP connections change (batching of small writes, never correctness).

2. pydevd's 10 ms poll of a paused thread's command queue becomes a 2 ms wait that a posted
   command ends at once: requests about a paused thread and resumes no longer wait for it.

3. stdout and stderr in the order the program wrote them, as a terminal shows them. Two pipes
   read by one reader (output_mux.py) keep each stream in order but lose the order between them
   for writes made before the reader wakes. So the program's Python-level stderr writes
   (``print(..., file=sys.stderr)``, ``logging``, tracebacks, ``sys.stderr.buffer.write``) go
   into the stdout pipe itself: ``sys.stderr`` becomes a stream that writes each chunk as one
   record -- the mux's mark (``PERISCOPE_OUTPUT_MARK``, random bytes), ``e``, the length as 4
   bytes big-endian, the bytes -- through a second writer of the stdout pipe that the mux passes
   as ``PERISCOPE_OUTPUT_FD``. Each record is one ``write(2)`` of at most PIPE_BUF bytes (4096 on
   Linux; ``_RECORD_LIMIT`` bytes of payload), hence atomic: threads and forked children never
   interleave inside a record, and the record lands exactly after every stdout byte written
   before it and before every one written after. Without the two variables (no mux) this part
   does nothing.

   ``sys.stdout`` stays as Python makes it, text layer over an unbuffered ``FileIO`` on fd 1
   (the launch asks for ``PYTHONUNBUFFERED``; it is made so if it is not): a ``print`` runs no
   Python-level call, so debugpy traces nothing in it (measured under debugpy, 1,000,000
   lines: the program's thread 0.63 s of CPU, as without Periscope; a Python stream wrapper made
   it 1.45 s). Hence stdout's writes -- ``print``, ``os.write(1, ...)``, C extensions, child
   processes -- and the records keep their exact order, and what is written has left the
   process before the write returns (nothing to lose in ``os._exit`` or a crash).

   What stays on the stderr pipe (order against stdout approximate): writes to fd 2 itself --
   C extensions, ``os.write(2, ...)``, child processes. The stderr stream keeps ``fileno()``
   (2), encoding, errors and buffering (unbuffered); ``isatty()`` is false (it was a pipe). When
   the program points fd 2 elsewhere (``os.dup2`` to a log file) or closes the writer, its
   stderr writes go to fd 2 from then on: ``os.dup2``, ``os.close`` and ``os.closerange`` are
   watched (an ``fstat`` per write cost a third more time per line). The mux passes the writer
   at a high descriptor number, so a program that closes all its descriptors from C makes the
   next write fail (and go to fd 2) rather than land in a file that reused the number. The
   variables are removed from the environment once read, so debugpy's adapter and the
   program's children do not inherit them.

4. debugpy's ``wait_for_client``: with ``PERISCOPE_STOP_ON_ENTRY=1`` the program stops on its
   first line once the client has attached (launch.json's ``stopOnEntry``), and the program's
   own call (written for an attach) says on stderr that it goes on (see the code below).
5. Crash capture (the profile's ``capture``): when Periscope put ``periscope_capture.py`` beside
   this file, the program (never debugpy's adapter) imports it and calls ``enable()``, so an
   exception nobody is debugging becomes a snapshot (``docs/snapshot-format.md``). The module
   stays loaded after the adapter deletes this directory, so a snapshot point's logpoint finds it.
   ``PERISCOPE_CAPTURE=0`` in the profile's environment leaves it off.
"""
import os as _os, socket as _socket, sys as _sys

# Largest payload of one stderr record (the mux, output_mux.py, takes no bigger one).
_RECORD_LIMIT = 4000

# 1. TCP_NODELAY for loopback sockets.

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

# 2. pydevd's suspended thread polls its command queue every 10 ms (time.sleep(0.01) in
# PyDB._do_wait_suspend), so each request about a paused thread (stackTrace, scopes, evaluate…)
# and each resume waits up to 10 ms. Once pydevd is imported, that sleep becomes a 2 ms wait that
# a posted command also ends at once. Any failure leaves pydevd as it was.
# The wait is on a lock of the interpreter's own (_thread), taken here before the program runs:
# a program that monkey-patches threading (gevent's patch_all, eventlet) would otherwise turn it
# into a wait on its hub, which runs the other greenlets while pydevd holds one suspended, and
# their breakpoints were missed (gevent_workers.py stopped once instead of three times).
import _thread as _native_thread
import importlib.abc as _abc, importlib.machinery as _machinery

def _periscope_patch_pydevd(module):
    try:
        real_time = module.time
        # Held while no command is posted; a post releases it, the next wait takes it back.
        posted = _native_thread.allocate_lock()
        posted.acquire()

        class _WakeableTime(object):
            def __getattr__(self, name):
                return getattr(real_time, name)

            @staticmethod
            def sleep(seconds):
                if seconds == 0.01:
                    posted.acquire(True, 0.002)
                else:
                    real_time.sleep(seconds)

        original_post = module.PyDB.post_internal_command

        def post_internal_command(self, int_cmd, thread_id):
            original_post(self, int_cmd, thread_id)
            try:
                posted.release()
            except RuntimeError:  # already released: a wake is pending
                pass

        module.PyDB.post_internal_command = post_internal_command
        module.time = _WakeableTime()
    except Exception:
        pass
    # Periscope's crash capture runs in the program (its import hook sees every import), but it
    # is Periscope's, not the user's: pydevd never traces it, as its own files, so a stop on
    # entry, a step or a breakpoint never lands in it.
    try:
        from _pydevd_bundle import pydevd_dont_trace_files as _files
        _files.DONT_TRACE["periscope_capture.py"] = _files.PYDEV_FILE
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
_periscope_adapter = bool(_sys.argv) and _os.path.basename(_sys.argv[0].rstrip("/")) == "adapter"
if _periscope_adapter:
    import shutil as _shutil
    _shutil.rmtree(_here, ignore_errors=True)

# 4. Crash capture, in the program only.
def _periscope_capture():
    if _os.environ.get("PERISCOPE_CAPTURE", "1") in ("0", "off", "false", "no"):
        return
    if not _os.path.isfile(_os.path.join(_here, "periscope_capture.py")):
        return
    try:
        import periscope_capture
        periscope_capture.enable()
    except Exception as error:  # capture must never keep the program from starting
        _sys.stderr.write("periscope_capture: not enabled (%s)\n" % (error,))

if not _periscope_adapter:
    _periscope_capture()

# 3. stderr in its place among stdout: the stderr stream writes records into the stdout pipe.
def _periscope_tag_output():
    import io, struct as _struct
    fd_text = _os.environ.pop("PERISCOPE_OUTPUT_FD", None)
    mark_text = _os.environ.pop("PERISCOPE_OUTPUT_MARK", None)
    if not fd_text or not mark_text:
        return
    try:
        out = int(fd_text)
        mark = bytes.fromhex(mark_text)
    except ValueError:
        return

    def identity(fd):
        st = _os.fstat(fd)
        return (st.st_dev, st.st_ino)

    streams = []

    class Tagged(io.RawIOBase):
        def __init__(self, fileno):
            io.RawIOBase.__init__(self)
            self._fileno = fileno
            self._home = identity(fileno)
            # True once fd 2 points elsewhere (the program dup2'd it), or the writer is gone.
            self._direct = False
            streams.append(self)

        def writable(self):
            return True

        def fileno(self):
            return self._fileno

        def isatty(self):
            return False

        def recheck(self):
            try:
                self._direct = identity(self._fileno) != self._home
            except OSError:
                self._direct = True

        def write(self, data, _write=_os.write, _header=_struct.Struct(">%dscI" % len(mark)).pack):
            if type(data) is not bytes:
                data = bytes(data)  # a memoryview or bytearray from buffer.write()
            n = len(data)
            if not n:
                return 0
            if not self._direct:
                try:
                    for i in range(0, n, _RECORD_LIMIT):
                        part = data[i:i + _RECORD_LIMIT]
                        _write(out, _header(mark, b"e", len(part)) + part)
                    return n
                except OSError:
                    for stream in streams:
                        stream._direct = True
            return _write(self._fileno, data)

    # A program that points fd 2 elsewhere (os.dup2 to a log file or /dev/null) or closes the
    # hook's writer gets plain writes from then on, as without the hook. Python-level calls are
    # watched (the real function runs first); C code doing the same is not seen.
    real_dup2, real_close, real_closerange = _os.dup2, _os.close, _os.closerange

    def touched(*fds):
        if out in fds:
            for stream in streams:
                stream._direct = True
        elif 2 in fds:
            for stream in streams:
                stream.recheck()

    def dup2(fd, fd2, *args, **kwargs):
        result = real_dup2(fd, fd2, *args, **kwargs)
        touched(fd2)
        return result

    def close(fd):
        try:
            return real_close(fd)
        finally:
            touched(fd)

    def closerange(low, high):
        try:
            return real_closerange(low, high)
        finally:
            touched(*[fd for fd in (2, out) if low <= fd < high])

    _os.dup2, _os.close, _os.closerange = dup2, close, closerange

    def unbuffered(stream, raw):
        # Nothing is held in the process (lost by os._exit, copied by fork, unseen while paused
        # in the debugger), as the launch's PYTHONUNBUFFERED asks.
        return io.TextIOWrapper(
            raw,
            encoding=stream.encoding,
            errors=stream.errors,
            line_buffering=stream.line_buffering,
            write_through=True,
        )

    stdout = _sys.stdout
    try:
        # stdout stays all C (text layer, FileIO, write(2)): a print costs debugpy no traced call.
        if not (type(stdout.buffer) is io.FileIO and stdout.write_through):
            _sys.stdout = unbuffered(stdout, io.FileIO(stdout.fileno(), "w", closefd=False))
    except Exception:
        pass
    try:
        _sys.stderr = unbuffered(_sys.stderr, Tagged(_sys.stderr.fileno()))
    except Exception:
        pass

_periscope_tag_output()

# 4. debugpy's wait_for_client(). debugpy's command line (`python -m debugpy --listen ...
# --wait-for-client`) calls it first; it returns after the client's configurationDone.
# - With PERISCOPE_STOP_ON_ENTRY=1 (launch.json's stopOnEntry): debugpy honours stopOnEntry only
#   for a "launch" request, and Periscope attaches to the `--listen` adapter. So once that first
#   call returns, the main thread is told to stop on the first line of user code it runs:
#   pydevd's own stop on entry (PyDevdAPI.stop_on_entry), which the client sees as a "stopped"
#   event with reason "entry", on the first line of the program file or module. The variable is
#   removed, so children and the adapter do not see it.
# - A later call is the program's own (written for VS Code's attach: debugpy.listen(),
#   wait_for_client()): Periscope is its debugger already, so it returns at once, and says so
#   on stderr, once, rather than leave the reader wondering whether it waits.
_PERISCOPE_STOP_ON_ENTRY = _os.environ.pop("PERISCOPE_STOP_ON_ENTRY", None) == "1"

def _periscope_wrap_wait_for_client(module):
    try:
        original_wait = module.wait_for_client
        state = {"calls": 0}

        def wait_for_client(*args, **kwargs):
            result = original_wait(*args, **kwargs)
            state["calls"] += 1
            if state["calls"] == 1 and _PERISCOPE_STOP_ON_ENTRY:
                try:
                    from _pydevd_bundle.pydevd_api import PyDevdAPI
                    PyDevdAPI().stop_on_entry()
                except Exception:
                    pass
            elif state["calls"] == 2:
                try:
                    _sys.stderr.write(
                        "Periscope: the program called debugpy.wait_for_client(); Periscope is "
                        "its debugger already, so it goes on.\n")
                except Exception:
                    pass
            return result

        module.wait_for_client = wait_for_client
    except Exception:
        pass

class _PeriscopeDebugpyFinder(_abc.MetaPathFinder):
    # `python -m debugpy` looks debugpy up (importlib.util.find_spec) before it imports it, so
    # this finder stays until the module is executed, unlike the pydevd one.
    def find_spec(self, name, path, target=None):
        if name != "debugpy":
            return None
        spec = _machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original_exec = loader.exec_module
        finder = self

        def exec_module(module):
            if finder in _sys.meta_path:
                _sys.meta_path.remove(finder)
            original_exec(module)
            _periscope_wrap_wait_for_client(module)

        loader.exec_module = exec_module
        return spec

# Only in the program debugpy's command line starts (not its adapter, nor children).
if _sys.argv and _sys.argv[0] == "-m" and "debugpy" not in _sys.modules:
    _sys.meta_path.insert(0, _PeriscopeDebugpyFinder())
