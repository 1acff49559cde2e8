"""src-main/remote/python/sudo_env.py: the stage sudo runs puts the variables of the first stdin
line back and execs the command, leaving every later byte of stdin to the program."""
import json
import os
import subprocess
import sys

STAGE = os.path.join(os.path.dirname(__file__), "..", "..", "src-main", "remote", "python", "sudo_env.py")
SHOW = "import os, sys; print(os.environ.get('A'), os.environ.get('PYTHONPATH')); print(repr(sys.stdin.read()))"


def run(stdin):
    return subprocess.run(
        [sys.executable, "-I", "-S", STAGE, sys.executable, "-c", SHOW],
        input=stdin, capture_output=True, check=False,
    )


def test_sets_the_variables_and_leaves_the_rest_of_stdin():
    line = json.dumps({"A": "one two", "PYTHONPATH": "/tmp/site"}).encode() + b"\n"
    result = run(line + b"typed\nmore")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == ["one two /tmp/site", "'typed\\nmore'"]


def test_an_empty_line_sets_nothing_and_a_bad_one_is_said():
    assert run(b"\nx").stdout.decode().splitlines() == ["None None", "'x'"]
    bad = run(b"{not json\nx")
    assert bad.stdout.decode().splitlines()[1] == "'x'"
    assert b"ignoring the environment" in bad.stderr


def test_a_missing_command_exits_127():
    result = subprocess.run([sys.executable, "-I", "-S", STAGE, "/nonexistent/prog"], input=b"\n", capture_output=True)
    assert result.returncode == 127
    assert b"cannot start /nonexistent/prog" in result.stderr
