"""Pages of a pandas DataFrame or Series or a numpy array, for Periscope's data viewer.

Runs inside the debugged program, in a stopped frame: Periscope evaluates one expression (DAP
`evaluate`, context `clipboard`, `format.rawString`) that executes this source once per process
into a module of its own and calls `run(value, request_json)`, which returns JSON text. Only the
requested page is read (`iloc` slices, array views), so a frame of 10**6 rows costs what its page
costs. Nothing here changes the value or imports pandas or numpy: a type is recognised only when
its library is already loaded.

Requests (`op`):
  page     {row, rows, col, cols, maxChars, lead}: the shape, the columns of the page with their
           dtypes, the index labels of its rows and its cells as text (each cut at maxChars).
  heatmap  {maxSide, lead}: a 2-D numeric view reduced to at most maxSide x maxSide blocks (the
           mean of each block, NaN ignored), scaled to 0..254 (255 = no finite value), base64.
`lead` picks the leading indexes of an array of more than two dimensions (default zeros).
Answers carry `error` (text for the person) instead when the value cannot be shown.
"""

import base64
import json
import sys

MAX_ROWS = 500
MAX_COLS = 200
MAX_CHARS = 2000
MAX_SIDE = 512


def _clamp(value, low, high, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def _cut(text, limit):
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "\u2026"


def _text(value, limit):
    if isinstance(value, str):
        return _cut(value, limit)
    if isinstance(value, float):
        return _cut(repr(value), limit)
    try:
        return _cut(str(value), limit)
    except Exception as err:  # a broken __str__ must not end the page
        return "<str() failed: %s>" % type(err).__name__


def _label(value, limit):
    if isinstance(value, tuple):
        return _cut(" / ".join(_text(part, limit) for part in value), limit)
    return _text(value, limit)


def _kind(value):
    pandas = sys.modules.get("pandas")
    numpy = sys.modules.get("numpy")
    if pandas is not None:
        if isinstance(value, pandas.DataFrame):
            return "dataframe"
        if isinstance(value, pandas.Series):
            return "series"
    if numpy is not None and isinstance(value, numpy.ndarray):
        return "ndarray"
    return None


def _array_view(array, lead):
    """The 2-D view of an array shown as a table: (view, lead used)."""
    if array.ndim == 0:
        return array.reshape(1, 1), []
    if array.ndim == 1:
        return array.reshape(-1, 1), []
    if array.ndim == 2:
        return array, []
    leading = array.shape[:-2]
    picked = []
    for axis, size in enumerate(leading):
        wanted = lead[axis] if isinstance(lead, list) and axis < len(lead) else 0
        picked.append(_clamp(wanted, 0, size - 1, 0))
    return array[tuple(picked)], picked


def _page_frame(frame, req, limit):
    rows, cols = frame.shape
    row = _clamp(req.get("row"), 0, max(0, rows - 1), 0)
    col = _clamp(req.get("col"), 0, max(0, cols - 1), 0)
    count = _clamp(req.get("rows"), 0, MAX_ROWS, 100)
    width = _clamp(req.get("cols"), 0, MAX_COLS, 50)
    part = frame.iloc[row : row + count, col : col + width]
    dtypes = part.dtypes
    columns = [
        {"label": _label(label, limit), "dtype": str(dtypes.iloc[i])}
        for i, label in enumerate(part.columns)
    ]
    by_column = [part.iloc[:, i].tolist() for i in range(part.shape[1])]
    cells = [[_text(column[r], limit) for column in by_column] for r in range(part.shape[0])]
    return {
        "rows": rows,
        "cols": cols,
        "row": row,
        "col": col,
        "columns": columns,
        "index": [_label(label, limit) for label in part.index.tolist()],
        "indexName": _label(frame.index.name, limit) if frame.index.name is not None else None,
        "cells": cells,
    }


def _numeric(dtype):
    return dtype.kind in "biuf"


def _page(value, kind, req):
    limit = _clamp(req.get("maxChars"), 1, MAX_CHARS, 200)
    if kind == "dataframe":
        answer = _page_frame(value, req, limit)
        answer.update(shape=list(value.shape), lead=[])
        answer["heatmap"] = bool(value.shape[1]) and all(_numeric(d) for d in value.dtypes)
        return answer
    if kind == "series":
        answer = _page_frame(value.to_frame(name=value.name if value.name is not None else ""), req, limit)
        answer.update(shape=[len(value)], lead=[], heatmap=False)
        answer["columns"][0]["label"] = _label(value.name, limit) if value.name is not None else ""
        return answer
    view, lead = _array_view(value, req.get("lead"))
    rows, cols = view.shape
    row = _clamp(req.get("row"), 0, max(0, rows - 1), 0)
    col = _clamp(req.get("col"), 0, max(0, cols - 1), 0)
    count = _clamp(req.get("rows"), 0, MAX_ROWS, 100)
    width = _clamp(req.get("cols"), 0, MAX_COLS, 50)
    part = view[row : row + count, col : col + width]
    dtype = str(value.dtype)
    return {
        "shape": list(value.shape),
        "lead": lead,
        "rows": rows,
        "cols": cols,
        "row": row,
        "col": col,
        "columns": [{"label": str(col + i), "dtype": dtype} for i in range(part.shape[1])],
        "index": [str(row + r) for r in range(part.shape[0])],
        "indexName": None,
        "cells": [[_text(cell, limit) for cell in line] for line in part.tolist()],
        "heatmap": value.ndim >= 2 and _numeric(value.dtype),
    }


def _heatmap(value, kind, req):
    numpy = sys.modules["numpy"]
    if kind == "dataframe":
        if not value.shape[1] or not all(_numeric(d) for d in value.dtypes):
            return {"error": "Only a frame whose columns are all numeric can be drawn."}
        grid, lead = value.to_numpy(dtype=float), []
    elif kind == "ndarray" and value.ndim >= 2 and _numeric(value.dtype):
        view, lead = _array_view(value, req.get("lead"))
        grid = view.astype(float, copy=False)
    else:
        return {"error": "Only a numeric array of two or more dimensions can be drawn."}
    rows, cols = grid.shape
    side = _clamp(req.get("maxSide"), 1, MAX_SIDE, 256)
    step_rows = max(1, -(-rows // side))
    step_cols = max(1, -(-cols // side))
    height, width = -(-rows // step_rows), -(-cols // step_cols)
    padded = numpy.full((height * step_rows, width * step_cols), numpy.nan)
    padded[:rows, :cols] = grid
    padded[~numpy.isfinite(padded)] = numpy.nan
    blocks = padded.reshape(height, step_rows, width, step_cols)
    counts = numpy.sum(~numpy.isnan(blocks), axis=(1, 3))
    sums = numpy.nansum(blocks, axis=(1, 3))
    with numpy.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    finite = counts > 0
    low = float(means[finite].min()) if finite.any() else 0.0
    high = float(means[finite].max()) if finite.any() else 0.0
    span = high - low if high > low else 1.0
    scaled = numpy.full(means.shape, 255, dtype=numpy.uint8)
    scaled[finite] = numpy.clip(numpy.rint((means[finite] - low) / span * 254), 0, 254)
    return {
        "shape": list(value.shape),
        "lead": lead,
        "rows": rows,
        "cols": cols,
        "height": int(height),
        "width": int(width),
        "stepRows": int(step_rows),
        "stepCols": int(step_cols),
        "min": low,
        "max": high,
        "data": base64.b64encode(scaled.tobytes()).decode("ascii"),
    }


def run(value, request_json):
    """Answers one request (see the module text) about `value`, as JSON text."""
    try:
        req = json.loads(request_json)
        kind = _kind(value)
        if kind is None:
            answer = {
                "error": "A %s is not a pandas DataFrame or Series or a numpy array."
                % type(value).__name__
            }
        elif req.get("op") == "heatmap":
            answer = _heatmap(value, kind, req)
        else:
            answer = _page(value, kind, req)
        if "error" not in answer:
            answer["kind"] = kind
            answer["type"] = "%s.%s" % (type(value).__module__, type(value).__name__)
    except Exception as err:  # the page fails, never the program
        answer = {"error": "%s: %s" % (type(err).__name__, err)}
    return json.dumps(answer, allow_nan=True, default=str)
