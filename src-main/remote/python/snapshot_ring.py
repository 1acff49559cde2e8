"""The Snapshots panel's view of a remote machine: the snapshot files in a ring directory, and
installing the crash capture for programs started by hand.

Run by the profile's interpreter as ``python -c <this file> list <dir>`` or
``python -c <this file> install <dir> <ring dir>`` (``~`` expanded in both). Python 3.

- ``list`` prints one line: ``MARKER`` followed by a JSON object ``{"directory": <absolute dir>,
  "files": [{"name": <file name>, "bytes": <size>}, ...]}``, oldest first (names start with the
  UTC time), files ending in ``.psnap.json.gz`` only, at most ``LIMIT`` (the newest); a missing
  directory lists as empty.
- ``install`` reads a JSON object ``{<file name>: <text>}`` on stdin and writes each file into
  ``<dir>`` (created mode 0700; each file written to a temporary name and renamed), then prints
  ``MARKER`` followed by ``{"directory": <absolute dir>, "snapshotDirectory": <absolute ring>}``.

On failure it prints ``MARKER`` followed by ``{"error": <why>}``.
"""
import json, os, sys

MARKER = "__periscope_snapshots__ "
SUFFIX = ".psnap.json.gz"
LIMIT = 1000


def listing(directory):
    names = []
    if os.path.isdir(directory):
        names = sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX) and not n.startswith("."))
    files = []
    for name in names[-LIMIT:]:
        try:
            files.append({"name": name, "bytes": os.path.getsize(os.path.join(directory, name))})
        except OSError:
            pass  # trimmed from the ring meanwhile
    return {"directory": directory, "files": files}


def install(directory, ring):
    contents = json.loads(sys.stdin.read())
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    for name, text in contents.items():
        if os.path.basename(name) != name or not name.endswith(".py"):
            raise ValueError("refusing to write %r" % (name,))
        temporary = os.path.join(directory, ".tmp-" + name)
        with open(temporary, "w") as out:
            out.write(text)
        os.replace(temporary, os.path.join(directory, name))
    return {"directory": directory, "snapshotDirectory": ring}


def main(argv):
    try:
        where = os.path.abspath(os.path.expanduser(argv[2]))
        if argv[1] == "list":
            out = listing(where)
        elif argv[1] == "install":
            out = install(where, os.path.abspath(os.path.expanduser(argv[3])))
        else:
            out = {"error": "unknown action %r" % (argv[1],)}
    except Exception as error:
        out = {"error": "%s: %s" % (type(error).__name__, error)}
    print(MARKER + json.dumps(out))


main(sys.argv)
