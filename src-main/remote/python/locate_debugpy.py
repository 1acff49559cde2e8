"""Where the remote machine's own debugpy is: the package directory its interpreter imports.

Run on the machine (not in a container) as ``python -c <this file>``, before that package is
copied into a container that has none (``remote/containers/debugpy-copy.ts``). Python 2.7+.
Prints one line, ``__periscope_debugpy_at__`` and a JSON object: ``dir`` (the package's
directory, symlinks resolved), ``version``, ``python`` (this interpreter's version) and
``extras``, or ``error`` when debugpy does not import here.

``extras`` are the directories of packages debugpy's pydevd needs from outside the debugpy
tree: Debian's python3-debugpy uses the separate python3-pydevd, which imports ``bytecode``
from dist-packages instead of its own vendored copy. Each goes beside pydevd in the copy.
"""
import json
import os
import sys

MARK = "__periscope_debugpy_at__ "
# Packages a distribution's pydevd may import from outside the tree (Debian: bytecode).
DEVENDORED = ("bytecode",)


def extras(tree):
    """The directories of the DEVENDORED packages this debugpy tree needs from outside it."""
    pydevd = os.path.join(tree, "_vendored", "pydevd")
    found = []
    for name in DEVENDORED:
        if os.path.isdir(os.path.join(pydevd, "_pydevd_frame_eval", "vendored", name)):
            continue
        try:
            module = __import__(name)
        except Exception:
            continue
        where = os.path.dirname(os.path.realpath(module.__file__))
        if os.path.basename(where) == name and not where.startswith(tree + os.sep):
            found.append(where)
    return found


out = {"python": sys.version.split()[0], "executable": sys.executable}
try:
    import debugpy

    out["dir"] = os.path.dirname(os.path.realpath(debugpy.__file__))
    out["version"] = getattr(debugpy, "__version__", "unknown")
    out["extras"] = extras(out["dir"])
except Exception as e:
    out["error"] = "%s: %s" % (type(e).__name__, e)
sys.stdout.write(MARK + json.dumps(out) + "\n")
