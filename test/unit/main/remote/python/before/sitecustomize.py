# Periscope: TCP_NODELAY for debugpy's loopback sockets (see nodelay-sitecustomize.ts).
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

# Periscope: stdout and stderr in the order written (see ordered-output-hook.ts).
def _periscope_tag_output():
    import io
    fd_text = _os.environ.pop("PERISCOPE_OUTPUT_FD", None)
    if not fd_text:
        return
    out = int(fd_text)

    def identity(fd):
        st = _os.fstat(fd)
        return (st.st_dev, st.st_ino)

    streams = []

    class Tagged(io.RawIOBase):
        def __init__(self, tag, fileno):
            io.RawIOBase.__init__(self)
            self._tag = tag
            self._fileno = fileno
            self._home = identity(fileno)
            # True once fd 1/2 points elsewhere (the program dup2'd it), or the pipe is gone.
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

        def write(self, data, _write=_os.write):
            if type(data) is not bytes:
                data = bytes(data)  # a memoryview or bytearray from buffer.write()
            n = len(data)
            if not self._direct:
                try:
                    if n <= 4000:
                        _write(out, self._tag + n.to_bytes(4, "big") + data)
                        return n
                    for i in range(0, n, 4000):
                        part = data[i:i + 4000]
                        _write(out, self._tag + len(part).to_bytes(4, "big") + part)
                    return n
                except OSError:
                    for stream in streams:
                        stream._direct = True
            return _write(self._fileno, data)

    # A program that points fd 1/2 elsewhere (os.dup2 to a log file or /dev/null) or closes the
    # pipe gets plain writes from then on, as without the hook. Python-level calls are watched
    # (the real function runs first); C code doing the same is not seen.
    real_dup2, real_close, real_closerange = _os.dup2, _os.close, _os.closerange

    def touched(*fds):
        if out in fds:
            for stream in streams:
                stream._direct = True
        elif 1 in fds or 2 in fds:
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
            touched(*[fd for fd in (1, 2, out) if low <= fd < high])

    _os.dup2, _os.close, _os.closerange = dup2, close, closerange

    def wrap(stream, tag):
        try:
            # Unbuffered like the launch's PYTHONUNBUFFERED streams: nothing is held in the
            # process (lost by os._exit, copied by fork, unseen while paused in the debugger).
            return io.TextIOWrapper(
                Tagged(tag, stream.fileno()),
                encoding=stream.encoding,
                errors=stream.errors,
                line_buffering=stream.line_buffering,
                write_through=True,
            )
        except Exception:
            return stream

    _sys.stdout = wrap(_sys.stdout, b"o")
    _sys.stderr = wrap(_sys.stderr, b"e")

_periscope_tag_output()
