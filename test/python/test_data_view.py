"""src-main/remote/python/data_view.py on real pandas and numpy objects (Debian's python3-pandas,
python3-numpy): pages, labels, dtypes, cut cells, N-D arrays, heatmaps, and errors as answers."""

import base64
import importlib.util
import json
import os

import numpy
import pandas

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "src-main", "remote", "python", "data_view.py")
spec = importlib.util.spec_from_file_location("data_view", SCRIPT)
view = importlib.util.module_from_spec(spec)
spec.loader.exec_module(view)


def ask(value, **request):
    return json.loads(view.run(value, json.dumps(request)))


def test_a_page_of_a_dataframe_reads_only_its_rows_and_columns():
    frame = pandas.DataFrame(
        {"id": numpy.arange(1000), "price": numpy.arange(1000) / 4, "name": ["n%d" % i for i in range(1000)]}
    )
    answer = ask(frame, op="page", row=10, rows=3, col=1, cols=5)
    assert answer["kind"] == "dataframe"
    assert answer["shape"] == [1000, 3]
    assert (answer["row"], answer["col"]) == (10, 1)
    assert answer["columns"] == [{"label": "price", "dtype": "float64"}, {"label": "name", "dtype": "object"}]
    assert answer["index"] == ["10", "11", "12"]
    assert answer["cells"] == [["2.5", "n10"], ["2.75", "n11"], ["3.0", "n12"]]
    assert answer["heatmap"] is False


def test_labels_of_a_multiindex_and_a_named_index_and_nan():
    frame = pandas.DataFrame(
        [[1.0, float("nan")]],
        columns=pandas.MultiIndex.from_tuples([("a", "x"), ("a", "y")]),
        index=pandas.Index(["r"], name="key"),
    )
    answer = ask(frame, op="page", row=0, rows=10, col=0, cols=10)
    assert [c["label"] for c in answer["columns"]] == ["a / x", "a / y"]
    assert answer["indexName"] == "key"
    assert answer["cells"] == [["1.0", "nan"]]
    assert answer["heatmap"] is True


def test_a_page_past_the_end_is_the_last_rows_and_long_cells_are_cut():
    frame = pandas.DataFrame({"text": ["x" * 500, "short"]})
    answer = ask(frame, op="page", row=99, rows=10, col=0, cols=1, maxChars=20)
    assert answer["row"] == 1
    assert answer["cells"] == [["short"]]
    first = ask(frame, op="page", row=0, rows=1, col=0, cols=1, maxChars=20)
    assert first["cells"][0][0] == "x" * 19 + "\u2026"


def test_a_series_is_one_column_named_after_it():
    series = pandas.Series([3, 4], name="count", index=["a", "b"])
    answer = ask(series, op="page", row=0, rows=5, col=0, cols=5)
    assert answer["kind"] == "series"
    assert answer["shape"] == [2]
    assert answer["columns"] == [{"label": "count", "dtype": "int64"}]
    assert answer["index"] == ["a", "b"]
    assert answer["cells"] == [["3"], ["4"]]


def test_arrays_of_one_two_and_three_dimensions():
    one = ask(numpy.array([1.5, 2.5]), op="page", row=0, rows=5, col=0, cols=5)
    assert one["cells"] == [["1.5"], ["2.5"]] and one["heatmap"] is False
    cube = numpy.arange(24).reshape(2, 3, 4)
    three = ask(cube, op="page", row=0, rows=5, col=2, cols=5, lead=[1])
    assert three["shape"] == [2, 3, 4] and three["lead"] == [1]
    assert (three["rows"], three["cols"]) == (3, 4)
    assert [c["label"] for c in three["columns"]] == ["2", "3"]
    assert three["cells"][0] == ["14", "15"]
    assert three["heatmap"] is True


def test_a_heatmap_averages_blocks_and_scales_to_bytes():
    grid = numpy.zeros((4, 4))
    grid[:2, :2] = 8.0
    grid[3, 3] = numpy.nan
    answer = ask(grid, op="heatmap", maxSide=2)
    assert (answer["height"], answer["width"]) == (2, 2)
    assert (answer["stepRows"], answer["stepCols"]) == (2, 2)
    assert (answer["min"], answer["max"]) == (0.0, 8.0)
    assert list(base64.b64decode(answer["data"])) == [254, 0, 0, 0]


def test_a_heatmap_of_no_finite_values_and_of_a_text_frame():
    empty = ask(numpy.full((2, 2), numpy.nan), op="heatmap", maxSide=8)
    assert list(base64.b64decode(empty["data"])) == [255] * 4
    text = ask(pandas.DataFrame({"a": ["x"]}), op="heatmap")
    assert "numeric" in text["error"]


def test_values_it_cannot_show_and_bad_requests_are_answers_not_exceptions():
    assert "not a pandas DataFrame" in ask([1, 2], op="page")["error"]
    assert "JSONDecodeError" in json.loads(view.run(numpy.zeros(2), "{"))["error"]

    class Broken:
        def __str__(self):
            raise RuntimeError("no")

    answer = ask(pandas.DataFrame({"o": [Broken()]}), op="page", rows=1, cols=1)
    assert answer["cells"] == [["<str() failed: RuntimeError>"]]


def test_a_page_of_a_million_rows_reads_only_the_page():
    frame = pandas.DataFrame({"v": numpy.arange(1_000_000)})
    answer = ask(frame, op="page", row=999_998, rows=100, col=0, cols=10)
    assert answer["shape"] == [1_000_000, 1]
    assert answer["cells"] == [["999998"], ["999999"]]
