"""Unpacks a copy of the machine's debugpy inside a container, for one session.

Run inside the container by its own interpreter as ``python -c <this file> [--force] [EXTRA…]``
with a tar stream of the machine's ``debugpy`` package directory on stdin (``tar -ch``: the
vendored pydevd of Debian's python3-debugpy is symlinks, which the stream has resolved), and of
each EXTRA package pydevd needs from outside it (Debian's ``bytecode``), which is moved beside
pydevd (``debugpy/_vendored/pydevd``): debugpy imports pydevd with that directory on
``sys.path``, so the extra never shadows a package of the program. Python 2.7+, so that it
can say why an old interpreter cannot use the copy. Prints one line, ``__periscope_unpack__``
and a JSON object with ``python`` (version), ``executable`` and ``state``:

- ``too-old``: this Python is older than debugpy 1.6 supports (3.7); nothing is unpacked;
- ``has-own``: debugpy already imports here (``version``); nothing is unpacked (unless
  ``force``);
- ``copied``: unpacked into ``dir`` (a fresh ``periscope-debugpy-*`` temp directory, this
  container user's), and ``import debugpy.server`` (which imports pydevd) from it works
  (``version``);
- ``failed``: unpacking or the import failed (``error``); the directory is removed again.

Compiled parts (pydevd's Cython speedups, the attach helpers) are built for the machine's
Python; another version ignores them and pydevd runs in pure Python.
"""
import json
import os
import shutil
import sys
import tempfile

MARK = "__periscope_unpack__ "
MIN_PYTHON = (3, 7)


def report(**fields):
    fields["python"] = "%d.%d.%d" % tuple(sys.version_info[:3])
    fields["executable"] = sys.executable
    sys.stdout.write(MARK + json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    if tuple(sys.version_info[:2]) < MIN_PYTHON:
        report(state="too-old")
        return
    args = sys.argv[1:]
    force = "--force" in args
    extras = [a for a in args if a != "--force"]
    if not force:
        try:
            import debugpy

            report(state="has-own", version=getattr(debugpy, "__version__", "unknown"))
            return
        except Exception:
            pass
    import tarfile

    where = tempfile.mkdtemp(prefix="periscope-debugpy-")
    try:
        with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(where, filter="data")
            else:
                archive.extractall(where)
        pydevd = os.path.join(where, "debugpy", "_vendored", "pydevd")
        for name in extras:
            os.rename(os.path.join(where, name), os.path.join(pydevd, name))
        sys.path.insert(0, where)
        for name in [m for m in sys.modules if m == "debugpy" or m.startswith("debugpy.")]:
            del sys.modules[name]
        import debugpy
        import debugpy.server  # noqa: F401 (pydevd and what it imports)

        version = getattr(debugpy, "__version__", "unknown")
    except Exception as e:
        shutil.rmtree(where, True)
        report(state="failed", error="%s: %s" % (type(e).__name__, e))
        return
    report(state="copied", dir=where, version=version)


main()
