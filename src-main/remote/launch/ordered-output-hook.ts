/**
 * stdout and stderr in the order the program wrote them, as a terminal shows them. Two pipes read
 * by one reader (the output mux, `output-mux.ts`, as sshd for `ssh host cmd`) keep each stream in
 * order, but lose the order between them for writes made before the reader wakes: a burst of
 * prints and a warning on stderr came out prints first. So the program's own Python-level writes
 * (`print`, `logging`, tracebacks, `sys.stdout.buffer.write`) are tagged at the source: this hook,
 * appended to the launch's `sitecustomize` (`nodelay-sitecustomize.ts`), replaces `sys.stdout`
 * and `sys.stderr` with streams that write each chunk as one record (`o` or `e`, the length as 4
 * bytes big-endian, the bytes) to a third pipe the mux passes as `PERISCOPE_OUTPUT_FD`. Each record is one `write(2)`
 * of at most {@link RECORD_LIMIT} bytes, below `PIPE_BUF` (4096 on Linux), hence atomic: threads
 * and forked children never interleave inside a record.
 *
 * What stays on the two pipes (order between them approximate, as before): writes to the file
 * descriptors themselves — C extensions, `os.write(1, …)`, child processes. The streams keep
 * `fileno()` (1 and 2), encoding, errors and buffering (unbuffered, as the launch asks with
 * `PYTHONUNBUFFERED`: nothing is held in the process, so nothing is lost by `os._exit`, copied by
 * `fork` or unseen while paused); `isatty()` is false (they were pipes). When the program points
 * fd 1 or 2 elsewhere (`os.dup2` to a log file) or closes the pipe, its writes go to fd 1/2
 * from then on, as without the hook: `os.dup2`, `os.close` and `os.closerange` are watched (an
 * `fstat` per write cost a third more time per line). The mux passes the pipe at a high
 * descriptor number, so a program that closes all its descriptors from C makes the next write
 * fail (and go to fd 1/2) rather than land in a file that reused the number. The variable is removed from the environment once read, so debugpy's adapter and the
 * program's children do not inherit it. Should the pipe fail, writes go to the descriptor itself.
 */

/** Largest payload of one record, in bytes (header included it stays under 4096). */
export const RECORD_LIMIT = 4000;

/** The hook's Python source (appended to the sitecustomize; uses its `_os` and `_sys`). */
export const ORDERED_OUTPUT_HOOK = `
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
                    if n <= ${RECORD_LIMIT}:
                        _write(out, self._tag + n.to_bytes(4, "big") + data)
                        return n
                    for i in range(0, n, ${RECORD_LIMIT}):
                        part = data[i:i + ${RECORD_LIMIT}]
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
`;
