"""The remote output multiplexer ("mux") of a launch over a reconnecting link.

Run by the profile's interpreter as ``python -I -S -c <this file> <file> <command...>``: starts
``<command...>`` with its stdout and stderr on two pipes and appends what it reads from them, in
the order it reads it, to ONE file as framed records (``remote/launch/output-frames.ts`` reads
them back)::

    o <length>\n<length raw bytes>      (stdout)
    e <length>\n<length raw bytes>      (stderr)

Python 3.5+ (``bytes % ...``, PEP 475 retries of interrupted system calls). One reader polling
both pipes keeps stdout and stderr in their real relative order as ``ssh host cmd`` (sshd) does,
whatever the transport does later; two ``tail -F`` of two files over two SSH channels could not.
For what reaches the two pipes directly the same limit as sshd's remains: if both pipes hold
data when the mux polls, stdout's is recorded first. Each record is one ``write(2)`` to an
``O_APPEND`` file, so the file only ends in a torn record if the mux itself is killed mid-write.

- ``-I -S``: no ``PYTHON*`` variables, no user site, no ``site``/``sitecustomize`` (the launch's
  sitecustomize.py is for debugpy only, and is on PYTHONPATH only in the command's own ``env``).
- Exact order (with the launch's hook, ``PERISCOPE_SITE``): the command also gets a second
  writer of its stdout pipe, at a high descriptor number named by ``PERISCOPE_OUTPUT_FD``, and a
  mark of MARK_BYTES random bytes (hex in ``PERISCOPE_OUTPUT_MARK``). The hook (sitecustomize.py)
  leaves stdout's writes as Python makes them, straight to fd 1 with no Python-level call (a
  ``print`` under debugpy then costs what it costs without Periscope), and turns each write to
  ``sys.stderr`` into a record written through that writer: the mark, ``e``, the length as 4
  bytes big-endian, at most RECORD_LIMIT bytes. One pipe holds them all in the order they were
  written, so the program's stderr writes keep their exact place among everything written to
  fd 1 (``print``, ``os.write(1, ...)``, C code, children); the mux cuts the records out
  (``demux``). A record is one ``write(2)`` of at most PIPE_BUF bytes (atomic), so a read sees all
  of it or none of it, except where a read of READ_SIZE bytes stops inside it: only then is its
  start held for the next read. Bytes that look like a mark without a valid record after them are
  stdout. No output matches by accident: the hook removes the variables from the environment
  before the program runs (and their hex text is not the mark's bytes), and random bytes match a
  16-byte mark with probability 2^-128 per position. What the program (C
  code, children) writes to fd 2 itself comes on the stderr pipe, in the approximate order above.
- The mux first reads ONE line from its stdin (the SSH channel): a JSON object of environment
  variables for the command (``muxStdin`` in ``remote/launch/output-mux.ts``; an empty line or
  end of input = none), so the program's variables never appear in a command line.
- The command's stdin is a FIFO, ``stdin`` beside the output file: what is written into it (one
  SSH command per line the person types: ``cat > .../stdin``) is what the program reads, over any
  connection, so input survives a reconnect like output does. The mux holds a writer of its own,
  so the program never reads end-of-file between two lines; once ``stdin.eof`` appears beside it
  (Ctrl+D in the console) the mux lets go and the program reads end-of-file. Without a FIFO (the
  directory refuses one) the command gets ``/dev/null``. The command keeps the mux's working
  directory and process group: the launch shell ``exec``s the mux, so ``kill -TERM -<pid>`` reaches mux, program and
  debugpy alike.
- With ``PERISCOPE_PTY`` in its environment (``COLSxROWS``, e.g. ``120x40``; launch.json's
  ``console`` ``integratedTerminal``) the command runs in a pseudo-terminal instead: stdin,
  stdout and stderr are the pty's slave, in a session of its own with the slave as controlling
  terminal (``setsid`` + ``TIOCSCTTY``, as ``login_tty(3)`` does), so ``isatty()`` is true, the
  terminal has a window size, curses works and Ctrl+C (the byte 0x03) is SIGINT from the line
  discipline. Everything read from the master is recorded as stdout (one terminal stream: no
  stderr records, no ``PERISCOPE_OUTPUT_FD``); what arrives on the ``stdin`` FIFO is copied to the
  master byte for byte (Ctrl+D is a byte too: ``stdin.eof`` is not looked at), and ``TERM`` is
  ``xterm-256color`` unless the environment line sets it. A ``winsize`` file beside the output
  (``COLS ROWS``, replaced atomically by ``remote/launch/program-terminal.ts``) resizes the
  terminal when it changes (the program gets SIGWINCH). Signals the mux passes on go to the
  command's process group, and the launch's terminator kills its session as well.
- Bursts: data that comes less than ``BURST`` seconds after the previous read waits ``GATHER``
  seconds before it is read, so a program printing in a tight loop (one ``write(2)`` per line,
  as unbuffered output is) costs one read, one record and one ``tail -F`` wake-up per couple of
  milliseconds, not per line (measured on 1,000,000 lines: 113,664 chunks reached Periscope
  without it, 1,338 with it; the mux's CPU 1.08 s -> 0.27 s). A write after a quiet spell is
  read at once. The stdout pipe is asked to hold PIPE_SIZE bytes, so the program seldom waits
  for the mux meanwhile. Within such a wait, writes to the stdout and stderr pipes that are both
  pending come stdout first (the limit above, over a longer window); the hook's stderr records
  keep their exact place.
- SIGTERM, SIGINT and SIGHUP sent to the mux alone are passed on to the command; the mux itself
  keeps draining until the command has exited.
- Once the command has exited, what is still in the pipes is drained; a pipe held open by a
  grandchild (debugpy's adapter daemon keeps the program's stdout/stderr) ends the drain after
  ``QUIET`` seconds without data, or ``DRAIN_LIMIT`` seconds at most.
- The mux then exits as the command did: same exit code, or killed by the same signal (it
  re-raises it on itself, core dumps off; 128 + signal if that does not end it).
- Sudo mode (launch.json's ``sudo``; ``PERISCOPE_SUDO=1`` in the mux's own environment): the
  command starts with ``sudo``, whose ``env_reset`` would drop the program's variables and whose
  ``closefrom`` closes the hook's writer. So there are no stderr records (the program's writes
  come through the two pipes, in the approximate order above), and the first bytes the command reads on its stdin are the sudo
  password line (``PERISCOPE_SUDO_PASSWORD`` of the environment line, when sudo needs one; never
  passed on) and then ONE line of JSON holding the variables of the environment line and
  PYTHONPATH, which ``sudo_env.py`` (the stage sudo runs) puts back before it execs the program.
  They are written by a thread, so a line larger than the FIFO holds never stalls the mux.
- Failures of the mux itself (the command cannot be started, the file cannot be written) go to
  the file as an ``e`` record where possible, else to the mux's stderr; a command that cannot be
  started exits 127 (126 when not executable), like a shell.
"""
import errno, json, os, select, signal, struct, subprocess, sys, time

# Quiet time (s) after the command's exit that ends the drain of a pipe still held open.
QUIET = 0.25
# Largest payload of one stderr record of the hook; the same in sitecustomize.py, which writes
# them. With the mark and the header (MARK_BYTES + 5) a record stays within PIPE_BUF (4096).
RECORD_LIMIT = 4000
# Length of the random mark that starts each of those records, and the most one read takes.
MARK_BYTES = 16
READ_SIZE = 1 << 20
# What the stdout pipe is asked to hold (Linux F_SETPIPE_SZ; an unprivileged process may ask
# up to /proc/sys/fs/pipe-max-size, 1 MiB by default), against the 64 KiB a pipe starts with:
# a printing program then blocks less often while the mux gathers a burst.
PIPE_SIZE = 1 << 20
# Longest drain (s) after the command's exit, even while a grandchild keeps writing.
DRAIN_LIMIT = 3
# A read less than BURST (s) after the previous one is part of a burst: the mux first waits
# GATHER (s) so the burst's many small writes are read, recorded and sent in a few large pieces
# (see "Bursts" above).
BURST = 0.01
GATHER = 0.002
# In a pseudo-terminal: the window size when PERISCOPE_PTY gives none, and the most typed input
# held for a program that does not read it (then the FIFO is not read: its writer waits).
DEFAULT_SIZE = (80, 24)
INPUT_LIMIT = 65536

# State of one run, set by main(): the output file, whether writing it failed, the read ends
# being polled (fd -> record tag), the stdout pipe's read end when it also carries the hook's
# stderr records (else None), their mark, and what a full read left for the next (demux).
out = None
broken = False
tags = {}
marked = None
mark = b""
held = b""


def record(tag, data):
    """Appends one framed record to the output file (never raises; a failure is said once)."""
    global broken
    if broken:
        return
    buf = b"%s %d\n%s" % (tag, len(data), data)
    try:
        while buf:
            buf = buf[os.write(out, buf):]
    except OSError as e:
        broken = True
        sys.stderr.write("periscope output mux: cannot write %s: %s\n" % (sys.argv[1], e))


def demux(data, full):
    """Records a read of the program's stdout pipe, which also carries the stderr records the
    program's hook writes (sitecustomize.py): ``mark`` (MARK_BYTES random bytes), b"e", the
    length as 4 bytes big-endian, the bytes. What lies between records is stdout. Runs of one
    stream are written on as one record.

    Each hook record is one ``write(2)`` of at most PIPE_BUF bytes, so a read sees all of it or
    none of it, unless the read stopped at READ_SIZE with more in the pipe (``full``): only then
    can a record (or the mark) be cut, and the part from its start is held for the next read (or
    flush_held). Bytes that look like a mark but are not followed by a whole record with a valid
    header in an unfull read are stdout: the program wrote them."""
    global held
    buf = held + data if held else data
    held = b""
    n = len(buf)
    runs = []
    pos = search = 0
    while True:
        i = buf.find(mark, search)
        if i < 0:
            break
        head = i + len(mark)
        if head + 5 <= n:
            size = int.from_bytes(buf[head + 1:head + 5], "big")
            end = head + 5 + size
            if buf[head:head + 1] != b"e" or size > RECORD_LIMIT:
                search = i + 1  # not a record: the program's own bytes
                continue
            if end <= n:
                if i > pos:
                    run(runs, b"o", buf[pos:i])
                run(runs, b"e", buf[head + 5:end])
                pos = search = end
                continue
        if not full:
            search = i + 1  # cut, yet nothing more was in the pipe: not a record
            continue
        held = buf[i:]
        n = i
        break
    if full and not held:
        # The read may have stopped inside a mark: its start waits for the next read.
        for k in range(min(len(mark) - 1, n - pos), 0, -1):
            if buf.endswith(mark[:k], pos, n):
                held = buf[n - k:n]
                n -= k
                break
    if n > pos:
        run(runs, b"o", buf[pos:n])
    for tag, parts in runs:
        record(tag, b"".join(parts))


def run(runs, tag, data):
    """Adds ``data`` to the last run of ``runs`` if it is of stream ``tag``, else starts one."""
    if runs and runs[-1][0] == tag:
        runs[-1][1].append(data)
    else:
        runs.append((tag, [data]))


def flush_held():
    """The stdout pipe was found empty: what a full read left held cannot be the start of a cut
    record (its rest would be in the pipe), so it is the program's own stdout."""
    demux(b"", False)


def grow_pipe(fd):
    """Asks the pipe ``fd`` to hold PIPE_SIZE bytes (Linux only; elsewhere it stays as it is)."""
    try:
        import fcntl
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
    except (OSError, ImportError):
        pass


def feed_sudo(fd, data):
    """Writes the sudo lines to ``fd`` from a thread (the reader is sudo, then sudo_env.py), then
    closes it; a command that never reads them leaves the thread blocked, never the mux."""
    import threading

    def run():
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            pass
        finally:
            os.close(fd)

    threading.Thread(target=run, daemon=True).start()
def parse_size(text):
    """``COLSxROWS`` or ``COLS ROWS`` as (cols, rows), each 1-9999; None when it is not that."""
    parts = text.replace("x", " ").split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    cols, rows = int(parts[0]), int(parts[1])
    return (cols, rows) if 0 < cols < 10000 and 0 < rows < 10000 else None


def set_size(fd, size):
    """Sets the window size of the terminal ``fd`` (TIOCSWINSZ); the foreground gets SIGWINCH."""
    import fcntl, termios
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    except OSError:
        pass


def take_terminal():
    """In the child, after setsid: stdin (the pty's slave) becomes its controlling terminal, and
    the keyboard's signals act as in any terminal even if the mux was started with them ignored
    (a background job of a shell ignores SIGINT and SIGQUIT)."""
    import fcntl, termios
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        signal.signal(sig, signal.SIG_DFL)


class Winsize:
    """Follows the ``winsize`` file beside the output file and applies each new size."""

    def __init__(self, path, master):
        self.path, self.master, self.seen = path, master, None

    def check(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key == self.seen:
            return
        self.seen = key
        try:
            with open(self.path) as f:
                size = parse_size(f.read(64))
        except (OSError, ValueError):
            return
        if size:
            set_size(self.master, size)


class TypedInput:
    """In a terminal: copies what arrives on the stdin FIFO to the pty's master byte for byte,
    holding at most INPUT_LIMIT bytes the program has not taken yet (the FIFO is not read
    meanwhile, so its writer waits rather than the mux stalling its output)."""

    def __init__(self, poller, fifo, master):
        self.poller, self.fifo, self.master = poller, fifo, master
        self.pending = b""
        self.reading = False
        if fifo is not None:
            os.set_blocking(fifo, False)
        self.update()

    def owns(self, fd, ev):
        return fd == self.fifo or (fd == self.master and bool(ev & select.POLLOUT))

    def handle(self, fd):
        if fd == self.fifo:
            try:
                self.pending += os.read(self.fifo, INPUT_LIMIT)
            except OSError:
                pass
        if self.pending:
            try:
                self.pending = self.pending[os.write(self.master, self.pending):]
            except BlockingIOError:
                pass  # the terminal's input queue is full: POLLOUT says when it is not
            except OSError:
                self.pending = b""  # EIO: nothing holds the terminal any more
        self.update()

    def stop(self):
        """The command has exited: what it did not read is dropped, the FIFO no longer read."""
        self.pending = b""
        if self.reading:
            self.poller.unregister(self.fifo)
            self.reading = False
        self.fifo = None
        self.update()

    def update(self):
        want = self.fifo is not None and len(self.pending) < INPUT_LIMIT
        if want != self.reading:
            if want:
                self.poller.register(self.fifo, select.POLLIN)
            else:
                self.poller.unregister(self.fifo)
            self.reading = want
        try:
            self.poller.modify(self.master, select.POLLIN | (select.POLLOUT if self.pending else 0))
        except (OSError, KeyError, ValueError):
            pass  # the master has ended and is no longer polled


def main():
    global out, tags, marked, mark
    out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    env = dict(os.environ)
    # Only the mux's own environment says whether the command gets a terminal.
    pty_size = env.pop("PERISCOPE_PTY", None)
    terminal = pty_size is not None
    sent = {}
    try:
        line = sys.stdin.buffer.readline()
        if line.strip():
            sent = json.loads(line.decode("utf-8"))
            env.update(sent)
    except (OSError, ValueError) as e:
        record(b"e", ("periscope: ignoring the environment it was sent: %s\n" % (e,)).encode())
    sudo = env.pop("PERISCOPE_SUDO", None) == "1"
    sudo_password = env.pop("PERISCOPE_SUDO_PASSWORD", None)
    sent.pop("PERISCOPE_SUDO_PASSWORD", None)
    devnull = os.open(os.devnull, os.O_RDONLY)
    stdin_path = os.path.join(os.path.dirname(sys.argv[1]), "stdin")
    try:
        os.mkfifo(stdin_path, 0o600)
        # Our own writer first (O_RDWR never blocks on a FIFO), then the program's read end.
        stdin_keep = os.open(stdin_path, os.O_RDWR)
        # In a terminal the mux itself reads the FIFO (through its own writer's descriptor, so
        # never end-of-file) and copies it to the pty.
        child_stdin = devnull if terminal else os.open(stdin_path, os.O_RDONLY)
    except OSError:
        stdin_keep = None
        child_stdin = devnull
    # The launch's sitecustomize (TCP_NODELAY, ordered output), ahead of the program's own
    # PYTHONPATH.
    site = env.pop("PERISCOPE_SITE", None)
    pass_fds = ()
    hook_w = None
    # The program's stdout pipe, made here so the hook can have a second writer of it.
    stdout_r, stdout_w = (None, None) if terminal else os.pipe()
    if stdout_w is not None:
        grow_pipe(stdout_w)
    if site:
        env["PYTHONPATH"] = site + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    sudo_lines = None
    if sudo:
        passed = dict(sent)
        if env.get("PYTHONPATH"):
            passed["PYTHONPATH"] = env["PYTHONPATH"]
        first = sudo_password + "\n" if sudo_password is not None else ""
        sudo_lines = (first + json.dumps(passed) + "\n").encode("utf-8")
        if stdin_keep is None:
            # No FIFO: the command reads the lines from a pipe, then end-of-file.
            child_stdin, sudo_w = os.pipe()
        else:
            sudo_w = os.dup(stdin_keep)
    elif site and not terminal:
        # The hook's writer of the stdout pipe, at a high number: a program that closes its
        # descriptors and opens new ones gets low ones, so a closed writer fails (EBADF, then
        # plain writes to fd 2) rather than a reused number taking the records.
        hook_w = os.dup(stdout_w)
        try:
            import resource
            soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            high = min(soft - 1, 1000) if soft > 64 else hook_w
        except Exception:
            high = hook_w
        if high > hook_w:
            os.dup2(hook_w, high)
            os.close(hook_w)
            hook_w = high
        marked, mark = stdout_r, os.urandom(MARK_BYTES)
        env["PERISCOPE_OUTPUT_FD"] = str(hook_w)
        env["PERISCOPE_OUTPUT_MARK"] = mark.hex()
        pass_fds = (hook_w,)
    master = None
    try:
        if terminal:
            master, slave = os.openpty()
            set_size(slave, parse_size(pty_size) or DEFAULT_SIZE)
            if "TERM" not in sent:
                env["TERM"] = "xterm-256color"
            child = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, preexec_fn=take_terminal)
            os.close(slave)
            os.set_blocking(master, False)
        else:
            child = subprocess.Popen(sys.argv[2:], stdin=child_stdin, stdout=stdout_w, stderr=subprocess.PIPE, env=env, pass_fds=pass_fds)
    except (OSError, ValueError, TypeError) as e:
        why = getattr(e, "strerror", None) or str(e)
        record(b"e", ("periscope: cannot start %s: %s\n" % (sys.argv[2], why)).encode())
        os._exit(126 if getattr(e, "errno", None) == errno.EACCES else 127)

    if sudo_lines is not None:
        feed_sudo(sudo_w, sudo_lines)

    def forward(sig, frame):
        if child.returncode is None:
            try:
                # A terminal's command leads its own process group (and session).
                if terminal:
                    os.killpg(child.pid, sig)
                else:
                    os.kill(child.pid, sig)
            except OSError:
                pass

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    tags = {master: b"o"} if terminal else {stdout_r: b"o", child.stderr.fileno(): b"e"}
    if not terminal:
        os.close(stdout_w)
    if hook_w is not None:
        os.close(hook_w)

    if child_stdin != devnull:
        os.close(child_stdin)
    poller = select.poll()
    for fd in tags:
        poller.register(fd, select.POLLIN)
    typed = winsize = None
    if terminal:
        typed = TypedInput(poller, stdin_keep, master)
        winsize = Winsize(os.path.join(os.path.dirname(sys.argv[1]), "winsize"), master)
    exited_at = None
    last_read = 0.0
    while tags:
        events = poller.poll(100 if exited_at is None else QUIET * 1000)
        if events and exited_at is None:
            now = time.monotonic()
            if now - last_read < BURST:
                # In a burst: let it gather, then read it in a few large pieces.
                time.sleep(GATHER)
                events = poller.poll(0)
            last_read = now
        if winsize is not None:
            winsize.check()
        if not terminal and stdin_keep is not None and os.path.exists(stdin_path + ".eof"):
            os.close(stdin_keep)
            stdin_keep = None
        for fd, ev in events:
            if typed is not None and typed.owns(fd, ev):
                typed.handle(fd)
                if fd != master or not ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
                    continue
            try:
                data = os.read(fd, READ_SIZE)
            except BlockingIOError:
                continue
            except OSError:
                data = b""  # a pipe's end, or EIO once nothing holds the pty's slave
            if data:
                if fd == marked:
                    demux(data, len(data) == READ_SIZE)
                else:
                    record(tags[fd], data)
            else:
                if fd == marked and held:
                    flush_held()  # the end: nothing was cut
                poller.unregister(fd)
                del tags[fd]
        if held and not any(fd == marked for fd, _ in events):
            flush_held()
        if exited_at is None:
            if child.poll() is not None:
                exited_at = time.time()
                if typed is not None:
                    typed.stop()
        elif not events or time.time() - exited_at > DRAIN_LIMIT:
            break
    if held:
        flush_held()  # the drain's time limit ended it: what was held is shown, not lost
    code = child.wait()
    os.close(out)
    if code < 0:
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except Exception:
            pass
        try:
            signal.signal(-code, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), -code)
        time.sleep(0.5)
        os._exit(128 - code)
    os._exit(code)


if __name__ == "__main__":
    main()
