"""src-main/remote/python/snapshot_ring.py run as the app runs it (``python -c <file> …``):
listing a ring directory, installing the capture, and the install's capture working for a
program started by hand."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = os.path.join(HERE, "..", "..", "src-main", "remote", "python")
SCRIPT = open(os.path.join(PY, "snapshot_ring.py")).read()
MARKER = "__periscope_snapshots__ "


def run(args, stdin="", env=None):
    out = subprocess.run([sys.executable, "-c", SCRIPT] + args, input=stdin, env=env,
                         capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith(MARKER)]
    assert len(line) == 1, out
    return json.loads(line[0][len(MARKER):])


def test_lists_snapshots_oldest_first_and_nothing_else(tmp_path):
    for name in ("20261202T070316Z-h-1-2.psnap.json.gz", "20261202T070315Z-h-1-1.psnap.json.gz",
                 ".tmp-20261202T070317Z-h-1-3.psnap.json.gz", "notes.txt"):
        (tmp_path / name).write_bytes(b"x" * len(name))
    listing = run(["list", str(tmp_path)])
    assert listing == {"directory": str(tmp_path), "files": [
        {"name": "20261202T070315Z-h-1-1.psnap.json.gz", "bytes": 36},
        {"name": "20261202T070316Z-h-1-2.psnap.json.gz", "bytes": 36},
    ]}


def test_a_missing_directory_lists_as_empty(tmp_path):
    assert run(["list", str(tmp_path / "none")])["files"] == []


def test_install_writes_the_files_and_refuses_paths(tmp_path):
    target = tmp_path / "capture"
    got = run(["install", str(target), str(tmp_path / "ring")],
              json.dumps({"a.py": "A = 1\n", "b.py": "B = 2\n"}))
    assert got == {"directory": str(target), "snapshotDirectory": str(tmp_path / "ring")}
    assert (target / "a.py").read_text() == "A = 1\n"
    assert oct(target.stat().st_mode & 0o777) == "0o700"
    assert "error" in run(["install", str(target), "r"], json.dumps({"../evil.py": ""}))


def test_installed_capture_records_a_hand_started_programs_crash(tmp_path):
    files = {"periscope_capture.py": open(os.path.join(PY, "periscope_capture.py")).read(),
             "sitecustomize.py": open(os.path.join(PY, "capture_sitecustomize.py")).read()}
    got = run(["install", str(tmp_path / "capture"), str(tmp_path / "ring")], json.dumps(files))
    app = tmp_path / "app.py"
    app.write_text("def view(n):\n    raise ValueError('bad n %d' % n)\nview(2)\n")
    env = dict(os.environ, PYTHONPATH=got["directory"], PERISCOPE_CAPTURE_DIR=got["snapshotDirectory"])
    subprocess.run([sys.executable, str(app)], env=env, capture_output=True)
    listing = run(["list", got["snapshotDirectory"]])
    assert len(listing["files"]) == 1
