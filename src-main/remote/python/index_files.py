"""Quick open's index: the Python files under a directory of the remote machine.

Run by the profile's interpreter as ``python -c <this file> <root> <limit>``. Python 2.7 and 3.x.
Walks ``root`` (``~`` expanded), skipping version-control, cache and virtual-environment
directories and symbolic links to directories (no loops), and prints one line: ``MARKER``
followed by a JSON object ``{"root": <absolute root>, "files": [<paths relative to root>],
"truncated": <bool>}`` (``remote/files/file-index.ts`` reads it), with at most ``limit`` files,
``.py`` and ``.pyi`` only, in walk order; or ``{"error": <why>}`` when root is not a directory.
"""
import json, os, sys

MARKER = "__periscope_files__ "
SKIP = set([".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox",
            ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs"])
root = os.path.abspath(os.path.expanduser(sys.argv[1]))
limit = int(sys.argv[2])
if not os.path.isdir(root):
    print(MARKER + json.dumps({"error": "%s is not a directory on this machine" % root}))
    sys.exit(0)
files = []
truncated = False
for top, dirs, names in os.walk(root):
    dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.endswith(".egg-info"))
    base = os.path.relpath(top, root)
    for name in sorted(names):
        if name.endswith(".py") or name.endswith(".pyi"):
            if len(files) >= limit:
                truncated = True
                break
            files.append(name if base == "." else base + "/" + name)
    if truncated:
        break
print(MARKER + json.dumps({"root": root, "files": files, "truncated": truncated}))
