"""The environment stage of a launch under sudo (launch.json's ``sudo``).

Run as root by sudo as ``python -I -S -c <this file> <command...>``: sudo's ``env_reset`` drops
the environment the output mux built for the program (the profile's variables, the launch's
PYTHONPATH), and putting them on sudo's command line would show them in ``ps``. So the mux
writes them as ONE line of JSON on the program's stdin, right after the password line that
``sudo -S`` consumes; this reads that line one byte at a time (so not one byte of the program's
own input is taken), adds the variables to its environment and ``exec``s ``<command...>``.
An empty line means no variables. Python 3.5+.
"""
import json, os, sys


def main():
    line = b""
    while True:
        c = os.read(0, 1)
        if not c or c == b"\n":
            break
        line += c
    if line.strip():
        try:
            os.environ.update(json.loads(line.decode("utf-8")))
        except ValueError as e:
            sys.stderr.write("periscope: ignoring the environment it was sent under sudo: %s\n" % (e,))
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as e:
        sys.stderr.write("periscope: cannot start %s: %s\n" % (sys.argv[1], e.strerror or e))
        os._exit(127)


if __name__ == "__main__":
    main()
