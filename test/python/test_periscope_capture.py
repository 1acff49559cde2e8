"""src-main/remote/python/periscope_capture.py: what a snapshot holds, its budgets, redaction,
exception chains and groups, the hooks, and the ring directory. Real interpreters for the hooks
(a fresh ``python3`` with the capture directory on PYTHONPATH, as a user would run it)."""

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

HELPERS = os.path.join(os.path.dirname(__file__), "..", "..", "src-main", "remote", "python")
sys.path.insert(0, HELPERS)
import periscope_capture as capture  # noqa: E402


def keep(*values):
    """Uses locals that exist only to be captured (pyflakes)."""


def settings(tmp_path, **overrides):
    s = dict(capture.DEFAULTS, directory=str(tmp_path / "snaps"))
    s.update(overrides)
    return s


def raised(function, *args):
    try:
        function(*args)
    except BaseException as error:  # noqa: B036 (the test wants any of them)
        return error
    raise AssertionError("did not raise")


def locals_of(document, frame_id):
    frame = document["frames"][frame_id - 1]
    scope = document["objects"][str(frame["locals"])]
    return {item["name"]: item["value"] for item in scope["items"]}


def obj(document, value):
    return document["objects"][str(value["ref"])]


def top_frame(document):
    return document["exceptions"][0]["frames"][0]


def test_budgets_cut_a_million_items_and_say_so(tmp_path):
    def crash():
        big = list(range(10 ** 6))
        text = "x" * 5000
        nested = [[[[[[1]]]]]]
        keep(big, text, nested)
        raise ValueError("boom")

    s = settings(tmp_path, max_items=25, max_string=100, max_depth=3)
    doc = capture.build(raised(crash), settings=s)
    values = locals_of(doc, top_frame(doc))
    big = obj(doc, values["big"])
    assert big["length"] == 10 ** 6 and len(big["items"]) == 25 and big["cut"] == "items"
    assert values["text"]["cut"] == "string" and values["text"]["length"] == 5000
    assert len(values["text"]["repr"]) <= 102
    level = values["nested"]
    for _ in range(3):
        level = obj(doc, level)["items"][0]["value"]
    assert level["cut"] == "depth" and "ref" not in level
    assert doc["capture"]["cuts"]["items"] >= 1 and doc["capture"]["cuts"]["depth"] >= 1
    assert doc["capture"]["limits"]["max_items"] == 25
    path = capture.write(doc, s)
    assert os.path.getsize(path) < s["max_bytes"]


def test_the_size_budget_stops_expansion(tmp_path):
    def crash():
        rows = [{"n": i, "text": "y" * 200} for i in range(1000)]
        keep(rows)
        raise ValueError("boom")

    doc = capture.build(raised(crash), settings=settings(tmp_path, max_bytes=20000, max_items=1000))
    assert doc["capture"]["cuts"].get("size", 0) >= 1
    assert len(json.dumps(doc["objects"], separators=(",", ":"))) < 30000


def test_a_self_referencing_dict_and_object_are_one_entry_each(tmp_path):
    class Node(object):
        def __init__(self):
            self.me = self

    def crash():
        d = {"a": 1}
        d["self"] = d
        node = Node()
        keep(node)
        raise KeyError("k")

    doc = capture.build(raised(crash), settings=settings(tmp_path))
    values = locals_of(doc, top_frame(doc))
    d = obj(doc, values["d"])
    assert d["items"][1]["name"] == "self" and d["items"][1]["value"]["ref"] == values["d"]["ref"]
    node = obj(doc, values["node"])
    assert node["items"][0]["value"]["ref"] == values["node"]["ref"]


def test_secrets_are_redacted_before_writing(tmp_path):
    secret = "".join(["s3", "cr", "et-", "value"])  # not in this file's text as one string

    def crash(password):
        config = {"api_key": secret, "nested": {"Authorization": "Bearer " + secret}}
        session_id = secret
        my_pin = secret
        header_text = "token=%s; other=1" % secret
        keep(config, session_id, my_pin, header_text)
        raise RuntimeError("failed")

    s = settings(tmp_path, redact=(r"pin$",))
    doc = capture.build(raised(lambda: crash(password=secret)), settings=s)
    values = locals_of(doc, top_frame(doc))
    assert values["password"] == {"redacted": True}
    assert values["session_id"] == {"redacted": True}
    assert values["my_pin"] == {"redacted": True}
    config = obj(doc, values["config"])
    assert config["items"][0]["value"] == {"redacted": True}
    assert "<redacted>" in values["header_text"]["repr"]
    path = capture.write(doc, s)
    with gzip.open(path, "rb") as f:
        assert secret.encode() not in f.read()
    assert doc["capture"]["redaction"]["count"] >= 5
    assert "pin$" in doc["capture"]["redaction"]["patterns"]


def test_a_chained_exception_keeps_cause_context_and_notes(tmp_path):
    def crash():
        try:
            {}["missing"]
        except KeyError as error:
            problem = ValueError("wrapped")
            if hasattr(problem, "add_note"):
                problem.add_note("while loading the config")
            raise problem from error

    doc = capture.build(raised(crash), settings=settings(tmp_path))
    root, cause = doc["exceptions"][0], doc["exceptions"][doc["exceptions"][0]["cause"]]
    assert root["type"] == "ValueError" and cause["type"] == "KeyError"
    assert root["suppressContext"] is True
    if sys.version_info >= (3, 11):
        assert root["notes"] == ["while loading the config"]
    assert doc["frames"][cause["frames"][0] - 1]["line"] < doc["frames"][root["frames"][0] - 1]["line"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups are Python 3.11+")
def test_an_exception_group_lists_its_members(tmp_path):
    def crash():
        raise ExceptionGroup("two failed", [ValueError("a"), TypeError("b")])  # noqa: F821

    doc = capture.build(raised(crash), settings=settings(tmp_path))
    group = doc["exceptions"][0]
    assert group["type"] == "ExceptionGroup"
    assert [doc["exceptions"][i]["type"] for i in group["group"]] == ["ValueError", "TypeError"]


def test_numpy_arrays_are_shape_dtype_and_head(tmp_path):
    numpy = pytest.importorskip("numpy")

    def crash():
        grid = numpy.arange(12000, dtype=numpy.float32).reshape(3, 4000)
        keep(grid)
        raise ValueError("x")

    doc = capture.build(raised(crash), settings=settings(tmp_path, max_items=10))
    grid = obj(doc, locals_of(doc, top_frame(doc))["grid"])
    assert grid["shape"] == [3, 4000] and grid["dtype"] == "float32"
    assert len(grid["items"]) == 10 and grid["cut"] == "items"


def test_a_broken_repr_does_not_break_the_capture(tmp_path):
    class Evil(object):
        def __repr__(self):
            raise RuntimeError("no repr")

    def crash():
        evil = Evil()
        keep(evil)
        raise ValueError("x")

    doc = capture.build(raised(crash), settings=settings(tmp_path))
    assert "repr failed" in locals_of(doc, top_frame(doc))["evil"]["repr"]


def test_other_threads_stacks_and_source_text_are_recorded(tmp_path):
    started, stop = threading.Event(), threading.Event()

    def waiter():
        started.set()
        stop.wait(5)

    worker = threading.Thread(target=waiter, name="waiter")
    worker.start()
    started.wait(5)
    try:
        doc = capture.build(raised(lambda: 1 / 0), settings=settings(tmp_path))
    finally:
        stop.set()
        worker.join()
    names = [t["name"] for t in doc["threads"]]
    assert names[0] == threading.current_thread().name and "waiter" in names
    assert doc["threads"][0]["crashed"] is True
    here = os.path.abspath(__file__)
    assert "def test_other_threads_stacks" in doc["sources"][here]["text"]
    assert doc["process"]["pid"] == os.getpid() and doc["format"] == "periscope.snapshot"


def test_the_ring_directory_keeps_the_newest(tmp_path):
    s = settings(tmp_path, keep_files=3)
    for _ in range(5):
        capture.write(capture.build(raised(lambda: 1 / 0), settings=s), s)
    names = sorted(os.listdir(s["directory"]))
    assert len(names) == 3 and all(n.endswith(".psnap.json.gz") for n in names)
    mode = os.stat(os.path.join(s["directory"], names[0])).st_mode & 0o777
    assert mode == 0o600


def run_program(tmp_path, source, extra_env=None):
    """Runs ``source`` as a user would: ``PYTHONPATH=<capture dir> python3 app.py``."""
    site = tmp_path / "site"
    site.mkdir()
    for name, target in (("periscope_capture.py", "periscope_capture.py"),
                         ("capture_sitecustomize.py", "sitecustomize.py")):
        (site / target).write_text(open(os.path.join(HELPERS, name)).read())
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=str(site), PERISCOPE_CAPTURE_DIR=str(tmp_path / "snaps"))
    env.update(extra_env or {})
    result = subprocess.run([sys.executable, str(app)], env=env, capture_output=True, text=True,
                            timeout=30)
    directory = tmp_path / "snaps"
    files = sorted(directory.iterdir()) if directory.exists() else []
    return result, [capture.read(str(f)) for f in files]


def test_an_uncaught_exception_a_dead_thread_and_a_logged_one_each_give_one(tmp_path):
    result, docs = run_program(tmp_path, """
        import logging, threading
        def worker():
            raise RuntimeError("thread died")
        t = threading.Thread(target=worker, name="worker"); t.start(); t.join()
        try:
            int("nope")
        except ValueError:
            logging.getLogger("app").exception("could not parse")
        raise SystemError("the end")
    """)
    hooks = [(d["capture"]["hook"], capture.summary(d)["exception"]) for d in docs]
    assert hooks == [
        ("threading.excepthook", "RuntimeError: thread died"),
        ("logging:app", "ValueError: invalid literal for int() with base 10: 'nope'"),
        ("sys.excepthook", "SystemError: the end"),
    ]
    assert docs[0]["threads"][0]["name"] == "worker"
    # The previous hooks still ran: Python's own reports are on stderr.
    assert "thread died" in result.stderr and "could not parse" in result.stderr
    assert "SystemError: the end" in result.stderr


def test_an_asyncio_task_exception_gives_a_snapshot(tmp_path):
    _, docs = run_program(tmp_path, """
        import asyncio
        async def fails():
            raise LookupError("in a task")
        async def main():
            asyncio.get_running_loop().create_task(fails())
            await asyncio.sleep(0.05)
        asyncio.run(main())
        import gc; gc.collect()
    """)
    assert [(d["capture"]["hook"], capture.summary(d)["exception"]) for d in docs] == [
        ("asyncio", "LookupError: in a task")]


def test_flask_request_exception_is_captured_once(tmp_path):
    pytest.importorskip("flask")
    _, docs = run_program(tmp_path, """
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/")
        def view():
            count = int(request.args["n"])
            return str(10 / count)
        app.test_client().get("/?n=0")
    """)
    assert [d["capture"]["hook"] for d in docs] == ["flask.got_request_exception"]
    names = [docs[0]["frames"][i - 1]["name"] for i in docs[0]["threads"][0]["frames"]]
    assert names[0] == "view" and "Flask.full_dispatch_request" in names


def test_the_programs_own_logging_configuration_still_works(tmp_path):
    # A handler on the root logger would make basicConfig a no-op: the program's logs would go.
    result, docs = run_program(tmp_path, """
        import logging
        logging.basicConfig(level=logging.INFO, format="APP %(levelname)s %(message)s")
        logging.info("hello")
        try:
            1 / 0
        except ZeroDivisionError:
            logging.getLogger("jobs").exception("job failed")
    """)
    assert "APP INFO hello" in result.stderr
    assert "APP ERROR job failed" in result.stderr and "ZeroDivisionError" in result.stderr
    assert [d["capture"]["hook"] for d in docs] == ["logging:jobs"]


def test_capture_is_off_with_the_variable(tmp_path):
    _, docs = run_program(tmp_path, "raise ValueError('x')\n", {"PERISCOPE_CAPTURE": "0"})
    assert docs == []


def test_a_snapshot_point_records_the_calling_frame_up_to_its_limit(tmp_path):
    s = settings(tmp_path)
    capture.configure(**s)
    lines = []

    def loop():
        for i in range(4):
            marker = i
            keep(marker)
            lines.append(capture.snapshot_point("p1", limit=2))

    loop()
    assert [line.split(" ")[0] for line in lines] == ["periscope-snapshot"] * 2 + ["", ""]
    doc = capture.read(lines[1].split(" ", 1)[1])
    assert doc["capture"]["kind"] == "point" and doc["capture"]["point"]["hit"] == 2
    frame = doc["frames"][doc["threads"][0]["frames"][0] - 1]
    assert frame["name"].endswith("loop")
    assert locals_of(doc, frame["id"])["marker"]["repr"] == "1"


def test_a_snapshot_points_condition_is_evaluated_in_its_frame_and_misses_do_not_count(tmp_path):
    s = settings(tmp_path)
    capture.configure(**s)
    lines = []

    def loop():
        for i in range(10):
            keep(i)
            lines.append(capture.snapshot_point("p2", limit=2, when="i % 3 == 2"))
        lines.append(capture.snapshot_point("p3", when="no_such_name"))

    loop()
    taken = [n for n, line in enumerate(lines[:10]) if line.startswith("periscope-snapshot ")]
    assert taken == [2, 5]
    assert all(line == "" for n, line in enumerate(lines[:10]) if n not in taken)
    assert lines[10].startswith("periscope-snapshot-failed condition NameError")


def test_the_list_command_prints_one_summary_a_file(tmp_path):
    s = settings(tmp_path)
    capture.write(capture.build(raised(lambda: 1 / 0), settings=s), s)
    out = subprocess.run([sys.executable, os.path.join(HELPERS, "periscope_capture.py"), "list",
                          s["directory"]], capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 1 and rows[0]["exception"] == "ZeroDivisionError: division by zero"
    assert rows[0]["bytes"] > 0 and rows[0]["file"].endswith(".psnap.json.gz")


def test_a_flask_view_shows_request_args_and_the_culprit_local(tmp_path):
    pytest.importorskip("flask")
    _, docs = run_program(tmp_path, """
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/")
        def view():
            count = int(request.args["n"])
            return str(10 / count)
        app.test_client().get("/?n=0&name=ada", headers={"Cookie": "sid=" + "abc" + "def123"})
    """)
    doc = docs[0]
    frame = doc["frames"][doc["threads"][0]["frames"][0] - 1]
    assert locals_of(doc, frame["id"])["count"]["repr"] == "0"
    used = {i["name"]: i["value"] for i in doc["objects"][str(frame["globals"])]["items"]}
    request = obj(doc, used["request"])
    args = obj(doc, [i["value"] for i in request["items"] if i["name"] == "args"][0])
    assert {i["name"]: i["value"]["repr"] for i in args["items"]} == {"n": "'0'", "name": "'ada'"}
    text = json.dumps(doc)
    assert "abcdef123" not in text


def test_a_program_under_a_directory_named_like_the_debugger_keeps_its_frames(tmp_path):
    # The debugger's frames are known by the files of its loaded modules, not by a name in the
    # path: a snapshot point in ~/debugpy-demo/app.py records the program's own frame.
    project = tmp_path / "debugpy-demo" / "pydevd_app"
    project.mkdir(parents=True)
    result, _docs = run_program(project, """
        import debugpy  # loaded, as under the debugger: its own files are the debugger's
        import periscope_capture

        def handler(order):
            total = order * 2
            print(periscope_capture.snapshot_point("p1"))

        handler(21)
    """)
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("periscope-snapshot "), (result.stdout, result.stderr)
    doc = capture.read(line.split(" ", 1)[1])
    frame = doc["frames"][doc["threads"][0]["frames"][0] - 1]
    assert frame["name"].endswith("handler")
    assert locals_of(doc, frame["id"])["total"]["repr"] == "42"
