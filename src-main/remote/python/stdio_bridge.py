"""Stdio bridge: joins this process's stdin and stdout to a TCP port on 127.0.0.1.

Run inside a container as ``python -c <this file> <port> <tag>`` (``docker exec -i``): the SSH
exec channel's data then reaches debugpy's adapter, which listens on the container's own loopback,
without publishing a port. ``<tag>`` names the SSH connection the bridge serves; the bridge does
not read it: it is there, in its command line, so that after a silent drop ``free_stale_slot.py``
can tell an earlier connection's bridge (which still holds the adapter's client slot) from the
current one's. Python 3. Prints ``__periscope_bridge_up__`` on stderr once
connected (``__periscope_bridge_failed__ <why>`` and exit 3 when not); then copies both ways
and exits when either side closes. TCP_NODELAY: each DAP message is sent at once.
"""
import os
import socket
import sys
import threading

UP = "__periscope_bridge_up__"
FAILED = "__periscope_bridge_failed__"


def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def stdin_to_socket(sock):
    try:
        while True:
            data = os.read(0, 65536)
            if not data:
                break
            sock.sendall(data)
    except OSError:
        pass
    # The client is gone: leaving closes the connection, which frees the adapter's client slot.
    os._exit(0)


def main():
    port = int(sys.argv[1])
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError as e:
        sys.stderr.write("%s %s\n" % (FAILED, e))
        sys.stderr.flush()
        sys.exit(3)
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sys.stderr.write(UP + "\n")
    sys.stderr.flush()
    threading.Thread(target=stdin_to_socket, args=(sock,), daemon=True).start()
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            write_all(1, data)
    except OSError:
        pass
    os._exit(0)


main()
