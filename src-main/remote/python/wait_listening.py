"""After a launch: waits until debugpy listens on its loopback port.

Run by the profile's interpreter as ``python -c <this file> <port> <timeout seconds>``. Python
2.7+. Prints ``listening`` (exit 0) or ``timeout`` (exit 2). Binding, not connecting, tells
whether the port is taken: a probe connection would take the debugpy adapter's single client
slot.
"""
import errno, socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + float(sys.argv[2])
while True:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except socket.error as e:
        if e.errno == errno.EADDRINUSE:
            print("listening")
            sys.exit(0)
        raise
    finally:
        s.close()
    if time.time() > deadline:
        print("timeout")
        sys.exit(2)
    time.sleep(0.05)
