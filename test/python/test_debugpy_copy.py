"""The helpers that copy the machine's debugpy into a container, run for real with the test
interpreter (which has Debian's python3-debugpy): locate_debugpy.py names the package and the
de-vendored ``bytecode``; debugpy_unpack.py unpacks a ``tar -ch`` stream of them into a fresh
temp directory, moves the extra beside pydevd and imports ``debugpy.server`` from the copy; it
refuses an interpreter that reports Python 3.6."""

import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = os.path.join(HERE, "..", "..", "src-main", "remote", "python")
LOCATE = os.path.join(PY, "locate_debugpy.py")
UNPACK = os.path.join(PY, "debugpy_unpack.py")


def one_line(out, marker):
    lines = [line for line in out.splitlines() if line.startswith(marker)]
    assert len(lines) == 1, out
    return json.loads(lines[0][len(marker):])


def locate():
    out = subprocess.run([sys.executable, LOCATE], capture_output=True, text=True, check=True)
    return one_line(out.stdout, "__periscope_debugpy_at__ ")


def unpack(found, args, tmp, env_extra=None):
    members = []
    for d in [found["dir"]] + found["extras"]:
        members += ["-C", os.path.dirname(d), os.path.basename(d)]
    tar = subprocess.run(
        ["tar", "-chf", "-", "--exclude=__pycache__"] + members, capture_output=True, check=True
    ).stdout
    env = dict(os.environ, TMPDIR=str(tmp), PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.update(env_extra or {})
    out = subprocess.run(
        [sys.executable, "-Xfrozen_modules=off", UNPACK] + args,
        input=tar,
        capture_output=True,
        env=env,
        check=True,
    )
    return one_line(out.stdout.decode(), "__periscope_unpack__ ")


def test_locate_names_the_package_and_the_devendored_bytecode():
    found = locate()
    import debugpy

    assert found["dir"] == os.path.dirname(os.path.realpath(debugpy.__file__))
    assert found["version"] == debugpy.__version__
    assert found["python"] == "%d.%d.%d" % sys.version_info[:3]
    vendored = os.path.join(found["dir"], "_vendored", "pydevd", "_pydevd_frame_eval", "vendored")
    if not os.path.isdir(os.path.join(vendored, "bytecode")):
        assert [os.path.basename(d) for d in found["extras"]] == ["bytecode"]


def test_an_interpreter_with_debugpy_keeps_its_own(tmp_path):
    report = unpack(locate(), [], tmp_path)
    assert report["state"] == "has-own"
    assert os.listdir(tmp_path) == []


def test_forced_copy_unpacks_beside_pydevd_and_imports_from_the_copy(tmp_path):
    found = locate()
    report = unpack(found, ["--force"] + [os.path.basename(d) for d in found["extras"]], tmp_path)
    assert report["state"] == "copied", report
    where = report["dir"]
    try:
        assert os.path.dirname(where) == str(tmp_path)
        assert os.path.basename(where).startswith("periscope-debugpy-")
        assert os.path.isfile(os.path.join(where, "debugpy", "__init__.py"))
        # The symlinked pydevd arrived as files.
        assert os.path.isfile(os.path.join(where, "debugpy", "_vendored", "pydevd", "pydevd.py"))
        assert not os.path.islink(os.path.join(where, "debugpy", "_vendored", "pydevd", "pydevd.py"))
        for extra in found["extras"]:
            name = os.path.basename(extra)
            assert not os.path.exists(os.path.join(where, name))
            assert os.path.isdir(os.path.join(where, "debugpy", "_vendored", "pydevd", name))
    finally:
        shutil.rmtree(where, True)


def test_python_older_than_3_7_is_refused_and_nothing_unpacked(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.version_info = (3, 6, 9, 'final', 0)\n")
    work = tmp_path / "work"
    work.mkdir()
    report = unpack(locate(), ["--force"], work, {"PYTHONPATH": str(site)})
    assert report["state"] == "too-old"
    assert report["python"] == "3.6.9"
    assert os.listdir(work) == []
