"""Frees a debugpy adapter's client slot that a silently dropped SSH connection still holds.

Run by the profile's interpreter over the NEW connection as ``exec python -c <this file> <port>
<pids> [<tag>]``: ``<port>`` the adapter's loopback port, ``<pids>`` the comma-separated pids of
this link's earlier sshd processes (may be empty). Python 2.7+; Linux ``/proc`` (no ``ss``/``lsof``).
With ``<tag>`` (run inside a container, whose debugpy the relay reaches through stdio bridges,
``stdio_bridge.py <port> <tag of its SSH connection>``): a holder that is a Periscope stdio bridge
to ``<port>`` opened over another SSH connection than the one tagged ``<tag>`` (the current one)
is an earlier connection's bridge, left behind by a silent drop, so it is ended too.
Finds the ESTABLISHED connections to loopback:<port> in ``/proc/net/tcp{,6}``, the processes of
our uid holding their sockets, and SIGTERMs (SIGCONT too, if stopped) only a holder that is one
of those earlier sshd processes and not one above this script. ``remote/probes/stale-slot.ts``
explains why.

Prints one line: ``MARKER``, a space, and ``{"listening": bool or null, "holders": [{"pid",
"command", "action": "ended" | "left", "why", "gone"?}]}`` (null: no ``/proc/net/tcp``).
"""
import json, os, signal, sys, time

MARKER = "__periscope_stale_slot__"
#: An IPv4 address mapped into IPv6 (::ffff:a.b.c.d), as /proc/net/tcp6 spells its first 12 bytes.
MAPPED = "0000000000000000FFFF0000"
#: What a stdio bridge's own source contains (its "connected" marker), split so that this
#: script's command line does not.
BRIDGE_MARK = "__periscope_bridge" + "_up__"
#: TCP states in /proc/net/tcp (include/net/tcp_states.h).
ESTABLISHED, LISTEN = "01", "0A"


def loopback(addr):
    """Whether a /proc/net/tcp{,6} address (``0100007F:1F90``) is on loopback: 127/8 or ::1."""
    ip = addr.split(":")[0]
    if len(ip) == 32 and ip.startswith(MAPPED):
        ip = ip[24:]
    return ip.endswith("7F") if len(ip) == 8 else ip == "00000000000000000000000001000000"


def field(pid, name):
    """The text of /proc/<pid>/<name>, or "" when it cannot be read."""
    try:
        with open("/proc/%d/%s" % (pid, name), "rb") as f:
            return f.read().decode("utf-8", "replace")
    except (IOError, OSError):
        return ""


def stat(pid):
    """A process's state letter and parent pid from /proc/<pid>/stat; ("", 0) when gone."""
    s = field(pid, "stat")
    rest = s.rsplit(")", 1)[-1].split()
    return (rest[0], int(rest[1])) if len(rest) > 1 else ("", 0)


def read_table(name):
    """The entry lines of /proc/net/<name> (its header dropped), or None when it cannot be read."""
    try:
        with open("/proc/net/" + name) as f:
            return f.read().splitlines()[1:]
    except (IOError, OSError):
        return None


def scan(tables, port):
    """From the lines of /proc/net/tcp and tcp6 (None for a table that could not be read):
    whether something listens on ``port`` (None when no table could be read), and the socket
    inodes (``socket:[N]``) of the ESTABLISHED connections to loopback:``port``."""
    listening, inodes = None, set()
    for lines in tables:
        if lines is None:
            continue
        listening = bool(listening)
        for line in lines:
            f = line.split()
            if len(f) < 10:
                continue
            if f[3] == LISTEN and int(f[1].split(":")[1], 16) == port:
                listening = True
            if f[3] == ESTABLISHED and int(f[2].split(":")[1], 16) == port and loopback(f[2]):
                inodes.add("socket:[%s]" % f[9])
    return listening, inodes


def stale_bridge(pid, port, current):
    """Whether ``pid`` is a Periscope stdio bridge to ``port`` (``python … -c <bridge> <port>
    <tag>``) of another SSH connection than the one tagged ``current``."""
    argv = field(pid, "cmdline").split("\0")
    if argv and argv[-1] == "":
        argv.pop()
    if "-c" not in argv:
        return False
    code = argv.index("-c") + 1
    return (
        code == len(argv) - 3
        and BRIDGE_MARK in argv[code]
        and argv[-2] == str(port)
        and argv[-1] != current
    )


def end(pid, h, why):
    """SIGTERMs ``pid`` (and SIGCONTs it when stopped); records the outcome in ``h``."""
    state = stat(pid)[0]
    try:
        os.kill(pid, signal.SIGTERM)
        if state in ("T", "t"):
            os.kill(pid, signal.SIGCONT)
        h["action"], h["why"] = "ended", why + (" (stopped)" if state in ("T", "t") else "")
        return True
    except OSError as e:
        h["why"] = "could not signal it: %s" % e.strerror
        return False


def main():
    port, ours = int(sys.argv[1]), set(int(p) for p in sys.argv[2].split(",") if p)
    current = sys.argv[3] if len(sys.argv) > 3 else None
    listening, inodes = scan([read_table("tcp"), read_table("tcp6")], port)
    # This connection's sshd processes: the chain of sshd ancestors above this script.
    ancestors, pid = set(), stat(os.getpid())[1]
    while pid > 1 and pid not in ancestors and field(pid, "comm").startswith("sshd"):
        ancestors.add(pid)
        pid = stat(pid)[1]
    holders = set()
    if inodes:
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                if os.stat("/proc/" + d).st_uid != os.getuid():
                    continue
                for fd in os.listdir("/proc/%s/fd" % d):
                    if os.readlink("/proc/%s/fd/%s" % (d, fd)) in inodes:
                        holders.add(int(d))
                        break
            except OSError:
                continue
    out, ended = [], []
    for pid in sorted(holders):
        comm = field(pid, "comm").strip()
        # At most 200 characters: a bridge's command line carries its whole source.
        command = field(pid, "cmdline").replace("\0", " ").strip()[:200]
        h = {"pid": pid, "command": command or comm, "action": "left"}
        if pid in ancestors:
            h["why"] = "the current SSH connection"
        elif current is not None and stale_bridge(pid, port, current):
            h["bridge"] = True
            if end(pid, h, "stdio bridge of an earlier connection"):
                ended.append(h)
        elif not comm.startswith("sshd"):
            h["why"] = "not an sshd process (%s): another client is attached" % comm
        elif pid not in ours:
            h["why"] = "an sshd that is not one of this link's connections"
        elif end(pid, h, "sshd of an earlier connection of this link"):
            ended.append(h)
        out.append(h)
    deadline = time.time() + 3
    for h in ended:
        while time.time() < deadline and stat(h["pid"])[0] not in ("", "Z", "X"):
            time.sleep(0.05)
        h["gone"] = stat(h["pid"])[0] in ("", "Z", "X")
    print(MARKER + " " + json.dumps({"listening": listening, "holders": out}))


if __name__ == "__main__":
    main()
