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
