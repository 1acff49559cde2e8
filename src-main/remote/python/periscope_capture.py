"""Periscope's crash capture: turns an exception in a program that runs with no debugger attached
into a snapshot file that Periscope lists, fetches and opens later as a read-only debug session.

Standard library only, Python 3.8 or newer, nothing to install. Turn it on with one of:

- ``PYTHONPATH=<dir> python3 app.py`` where ``<dir>`` holds this file and Periscope's
  ``sitecustomize.py`` (``capture_sitecustomize.py``); ``PERISCOPE_CAPTURE=0`` turns it off again;
- one line in the program: ``import periscope_capture; periscope_capture.enable()``.

``enable()`` installs, each chaining to what was there before: ``sys.excepthook``,
``threading.excepthook``, asyncio's loop exception handler (``call_exception_handler``),
``logging.Logger.handle`` for records that carry ``exc_info`` (``logger.exception(...)``; no
handler is added, so the program's ``logging.basicConfig`` still configures its logging), and
Flask's and Django's ``got_request_exception`` when those are imported. One exception gives one snapshot even if several hooks see it.

What a snapshot holds, how values are bounded and redacted, and the file format:
``docs/snapshot-format.md`` (format ``periscope.snapshot``, version ``FORMAT_VERSION``).

Settings (arguments of ``enable()``, or environment variables read by it):

=====================  ==============================  ========================================
argument               environment variable            default
=====================  ==============================  ========================================
directory              PERISCOPE_CAPTURE_DIR           ~/.cache/periscope/snapshots
max_bytes              PERISCOPE_CAPTURE_MAX_BYTES     1000000 (values, before gzip)
max_depth              PERISCOPE_CAPTURE_MAX_DEPTH     4 (levels below a frame's locals)
max_items              PERISCOPE_CAPTURE_MAX_ITEMS     100 (per container)
max_string             PERISCOPE_CAPTURE_MAX_STRING    1024 (characters of one repr)
max_seconds            PERISCOPE_CAPTURE_MAX_SECONDS   0.5 (capture time)
max_frames             PERISCOPE_CAPTURE_MAX_FRAMES    100 (per stack)
locals_frames          PERISCOPE_CAPTURE_LOCALS_FRAMES 10 (innermost frames whose locals are kept)
max_source_bytes       PERISCOPE_CAPTURE_MAX_SOURCE    2000000 (source text, all files)
keep_files             PERISCOPE_CAPTURE_KEEP          50 (snapshots in the ring directory)
keep_bytes             PERISCOPE_CAPTURE_KEEP_BYTES    50000000 (bytes in the ring directory)
redact                 PERISCOPE_CAPTURE_REDACT        extra name patterns (regular expressions,
                                                       comma-separated), case-insensitive
=====================  ==============================  ========================================
"""
import datetime
import gzip
import hashlib
import io
import itertools
import json
import linecache
import os
import re
import socket
import sys
import threading
import time
import types

FORMAT = "periscope.snapshot"
FORMAT_VERSION = 1
SUFFIX = ".psnap.json.gz"

# Names whose values are never written (substring match, case-insensitive), after Sentry's
# EventScrubber denylist.
DEFAULT_REDACT = (
    "password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "authorization",
    "cookie", "session", "csrf", "credential", "private_key",
)

DEFAULTS = {
    "directory": os.path.join("~", ".cache", "periscope", "snapshots"),
    "max_bytes": 1000000,
    "max_depth": 4,
    "max_items": 100,
    "max_string": 1024,
    "max_seconds": 0.5,
    "max_frames": 100,
    "locals_frames": 10,
    "max_source_bytes": 2000000,
    "keep_files": 50,
    "keep_bytes": 50000000,
    "redact": (),
}

_ENV = {
    "directory": "PERISCOPE_CAPTURE_DIR",
    "max_bytes": "PERISCOPE_CAPTURE_MAX_BYTES",
    "max_depth": "PERISCOPE_CAPTURE_MAX_DEPTH",
    "max_items": "PERISCOPE_CAPTURE_MAX_ITEMS",
    "max_string": "PERISCOPE_CAPTURE_MAX_STRING",
    "max_seconds": "PERISCOPE_CAPTURE_MAX_SECONDS",
    "max_frames": "PERISCOPE_CAPTURE_MAX_FRAMES",
    "locals_frames": "PERISCOPE_CAPTURE_LOCALS_FRAMES",
    "max_source_bytes": "PERISCOPE_CAPTURE_MAX_SOURCE",
    "keep_files": "PERISCOPE_CAPTURE_KEEP",
    "keep_bytes": "PERISCOPE_CAPTURE_KEEP_BYTES",
    "redact": "PERISCOPE_CAPTURE_REDACT",
}

# Frames of the debugger itself (a snapshot point runs inside debugpy's logpoint evaluation): the
# files of these modules and packages, wherever they are installed (debugpy vendors pydevd;
# Debian's python3-debugpy installs it beside debugpy). Found from sys.modules, never by a name
# in the path, so a program under ~/debugpy-demo/ keeps its frames.
_DEBUGGER_MODULES = ("debugpy", "pydevd", "_pydevd_bundle", "_pydev_bundle", "_pydevd_frame_eval",
                     "_pydev_runfiles", "pydevd_plugins", "pydevd_file_utils", "pydevd_tracing",
                     "pydev_ipython", "pydevconsole", "_pydev_imps")
_debugger_roots = ()

_settings = dict(DEFAULTS)
_lock = threading.RLock()
_seq = itertools.count(1)
_enabled = False
_busy = threading.local()
_point_hits = {}


def settings_from_env(environ=None):
    """The settings ``PERISCOPE_CAPTURE_*`` variables give (missing or bad ones keep defaults)."""
    environ = os.environ if environ is None else environ
    result = dict(DEFAULTS)
    for key, name in _ENV.items():
        text = environ.get(name)
        if not text:
            continue
        if key == "directory":
            result[key] = text
        elif key == "redact":
            result[key] = tuple(p.strip() for p in text.split(",") if p.strip())
        else:
            try:
                result[key] = type(DEFAULTS[key])(float(text)) if key != "max_seconds" else float(text)
            except ValueError:
                pass
    return result


def configure(**options):
    """Changes settings (the names of ``DEFAULTS``); returns the settings in force."""
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise TypeError("unknown capture settings: " + ", ".join(sorted(unknown)))
    with _lock:
        _settings.update(options)
        return dict(_settings)


# ----------------------------------------------------------------------------------------------
# Redaction


class Redactor(object):
    """Decides which names are secret, and scrubs ``name=value`` pairs out of repr text."""

    def __init__(self, extra=()):
        self.patterns = list(DEFAULT_REDACT) + [p for p in extra if p]
        joined = "|".join("(?:%s)" % p for p in self.patterns)
        self._name = re.compile(joined, re.IGNORECASE)
        # 'password': 'x', password='x', Authorization: Bearer x … inside a repr.
        self._pair = re.compile(
            r"""(['"]?)([\w.-]*(?:%s)[\w.-]*)\1(\s*[:=]\s*)"""
            r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|(?:Bearer|Basic)\s+\S+|[^\s,)}\]>]+)""" % joined,
            re.IGNORECASE,
        )
        self.count = 0

    def is_secret(self, name):
        return isinstance(name, str) and self._name.search(name) is not None

    def scrub(self, text):
        if self._name.search(text) is None:  # no secret's name in it: nothing to replace
            return text

        def replace(match):
            self.count += 1
            return match.group(1) + match.group(2) + match.group(1) + match.group(3) + "<redacted>"

        return self._pair.sub(replace, text)


# ----------------------------------------------------------------------------------------------
# Values


class _Cut(Exception):
    pass


_SCALARS = (int, float, complex, bool, type(None))
# Shown by their repr, never expanded: code, not data.
_OPAQUE = (
    type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
    types.FrameType, types.TracebackType, types.CodeType, types.GeneratorType, types.CoroutineType,
    type(len.__call__), type(str.join), property, staticmethod, classmethod,
)
_SEQUENCES = (list, tuple, set, frozenset)


def _type_name(value):
    cls = type(value)
    module = getattr(cls, "__module__", "")
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", None, "") else "%s.%s" % (module, name)


class Capture(object):
    """One snapshot being built: the object table, budgets, and what was cut."""

    def __init__(self, settings, redactor):
        self.s = settings
        self.redactor = redactor
        self.objects = {}
        self._by_id = {}
        self._alive = []  # keeps captured objects alive so their ids stay unique
        self._queue = []
        self.size = 0
        self.cuts = {}
        self.started = time.monotonic()
        self.deadline = self.started + float(settings["max_seconds"])

    # -- budgets

    def cut(self, reason):
        self.cuts[reason] = self.cuts.get(reason, 0) + 1
        return reason

    def out_of_budget(self):
        if time.monotonic() > self.deadline:
            return "time"
        if self.size > self.s["max_bytes"]:
            return "size"
        return None

    def _text(self, text):
        limit = self.s["max_string"]
        if len(text) > limit:
            self.cut("string")
            return text[:limit] + "…", len(text)
        return text, None

    # -- reprs that never run user code for builtins

    def safe_repr(self, value):
        if isinstance(value, (str, bytes, bytearray)):
            raw = repr(value if len(value) <= self.s["max_string"] else value[: self.s["max_string"] + 1])
        elif type(value) in _SCALARS:
            return repr(value)  # digits, True, None: never a name=value pair
        elif type(value) in (list, tuple, set, frozenset, dict):
            raw = "%s(%d)" % (type(value).__name__, len(value))
        else:
            try:
                raw = repr(value)
                if not isinstance(raw, str):
                    raw = object.__repr__(value)
            except Exception as error:  # a broken __repr__ must not break the capture
                raw = "<%s object; repr failed: %s>" % (_type_name(value), type(error).__name__)
        return self.redactor.scrub(raw)

    def leaf(self, value):
        text, length = self._text(self.safe_repr(value))
        if isinstance(value, (str, bytes, bytearray)) and len(value) > self.s["max_string"]:
            length = len(value)
        result = {"type": _type_name(value), "repr": text}
        if length is not None:
            result["length"] = length
            result["cut"] = "string"
        self.size += len(text) + len(result["type"]) + 30
        return result

    def value(self, value, depth):
        """The JSON form of one value (``docs/snapshot-format.md``, Value)."""
        if isinstance(value, (str, bytes, bytearray)) or type(value) in _SCALARS:
            return self.leaf(value)
        key = id(value)
        if key in self._by_id:
            ref = self._by_id[key]
            return {"type": _type_name(value), "repr": self.objects[ref]["repr"], "ref": ref}
        children = self._children_kind(value)
        result = self.leaf(value)
        if children is None:
            return result
        if depth > self.s["max_depth"]:
            result["cut"] = self.cut("depth")
            return result
        budget = self.out_of_budget()
        if budget:
            result["cut"] = self.cut(budget)
            return result
        ref = len(self.objects) + 1
        self._by_id[key] = ref
        self._alive.append(value)
        entry = {"type": result["type"], "repr": result["repr"], "kind": children, "items": []}
        self.objects[ref] = entry
        self.size += len(result["repr"]) + len(result["type"]) + 60
        self._queue.append((ref, value, depth))
        result["ref"] = ref
        return result

    def _children_kind(self, value):
        if isinstance(value, dict) or _is_mapping_like(value):
            return "named"
        if isinstance(value, _SEQUENCES) or _is_array(value) or _is_dataframe(value):
            return "indexed"
        if isinstance(value, BaseException):
            return "named"
        if isinstance(value, _OPAQUE):
            return None
        if _attributes(value) is not None:
            return "named"
        return None

    def named(self, entry, name, value, depth):
        if self.redactor.is_secret(name):
            entry["items"].append({"name": name, "value": {"redacted": True}})
            self.redactor.count += 1
            self.size += len(name) + 50
            return
        entry["items"].append({"name": name, "value": self.value(value, depth + 1)})
        self.size += len(name) + 25

    def expand(self):
        """Fills queued objects breadth first, so shallow values win when a budget runs out."""
        while self._queue:
            ref, value, depth = self._queue.pop(0)
            entry = self.objects[ref]
            try:
                self._fill(entry, value, depth)
            except _Cut as reason:
                entry["cut"] = self.cut(str(reason))
            except Exception as error:  # a failing __getattr__ or __iter__ in the program
                entry["error"] = "%s: %s" % (type(error).__name__, self._text(str(error))[0])

    def _fill(self, entry, value, depth):
        limit = self.s["max_items"]
        if _is_array(value):
            entry["shape"] = [int(n) for n in value.shape]
            entry["dtype"] = str(value.dtype)
            entry["length"] = int(value.size)
            flat = value.reshape(-1)[:limit].tolist()
            for index, item in enumerate(flat):
                self._item(entry, str(index), item, depth)
            if value.size > limit:
                entry["cut"] = self.cut("items")
            return
        if _is_dataframe(value):
            entry["shape"] = [int(n) for n in value.shape]
            entry["dtype"] = {str(k): str(v) for k, v in list(value.dtypes.items())[:limit]}
            entry["length"] = int(value.shape[0])
            entry["head"] = self._text(self.redactor.scrub(value.head(5).to_string()))[0]
            for name in list(value.columns)[:limit]:
                self.named(entry, str(name), value[name].head(limit).tolist(), depth)
            if len(value.columns) > limit:
                entry["cut"] = self.cut("items")
            return
        if isinstance(value, dict) or _is_mapping_like(value):
            entry["length"] = len(value)
            for index, (key, item) in enumerate(value.items()):
                if index >= limit:
                    entry["cut"] = self.cut("items")
                    break
                self._check()
                name = key if isinstance(key, str) else self._text(self.safe_repr(key))[0]
                self.named(entry, name, item, depth)
            return
        if isinstance(value, _SEQUENCES):
            entry["length"] = len(value)
            items = value if isinstance(value, (list, tuple)) else sorted(value, key=repr)[: limit + 1]
            for index in range(min(len(value), limit)):
                self._check()
                self._item(entry, str(index), items[index], depth)
            if len(value) > limit:
                entry["cut"] = self.cut("items")
            return
        attributes = _attributes(value) or {}
        if isinstance(value, BaseException):
            entry["items"].append({"name": "args", "value": self.value(value.args, depth + 1)})
        entry["length"] = len(attributes)
        for index, (name, item) in enumerate(attributes.items()):
            if name.startswith("__") and name.endswith("__"):
                continue
            if index >= limit:
                entry["cut"] = self.cut("items")
                break
            self._check()
            self.named(entry, name, item, depth)

    def _item(self, entry, name, item, depth):
        entry["items"].append({"name": name, "value": self.value(item, depth + 1)})
        self.size += len(name) + 25

    def _check(self):
        reason = self.out_of_budget()
        if reason:
            raise _Cut(reason)

    def scope(self, mapping, kind="locals"):
        """A frame's locals (or the globals it uses) as one object of the table; returns its ref."""
        ref = len(self.objects) + 1
        entry = {"type": kind, "repr": "", "kind": "named", "items": [], "length": len(mapping)}
        self.objects[ref] = entry
        for name, item in list(mapping.items()):
            if name.startswith("__") and name.endswith("__"):
                continue
            if self.out_of_budget():
                entry["cut"] = self.cut(self.out_of_budget())
                break
            self.named(entry, name, item, 0)
        return ref


def _used_globals(frame):
    """The module globals a frame's code names (``co_names``), without modules, functions and
    classes: ``request`` in a Flask view. Context-local proxies (Werkzeug's ``LocalProxy``) are
    resolved to the object they stand for while the request is still current."""
    names = frame.f_code.co_names
    space = frame.f_globals
    if not isinstance(space, dict) or space is frame.f_locals:
        return {}
    used = {}
    for name in names:
        if name in space and not (name.startswith("__") and name.endswith("__")):
            value = _resolve_proxy(space[name])
            if not isinstance(value, _OPAQUE):
                used[name] = value
    return used


def _resolve_proxy(value):
    cls = type(value)
    if cls.__name__ == "LocalProxy" and getattr(cls, "__module__", "").startswith("werkzeug"):
        try:
            return value._get_current_object()
        except Exception:
            return value
    return value


def _is_mapping_like(value):
    cls = type(value)
    return (
        not isinstance(value, type)
        and hasattr(cls, "items")
        and hasattr(cls, "__getitem__")
        and hasattr(cls, "__len__")
        and hasattr(cls, "keys")
        and getattr(cls, "__module__", "").split(".")[0] in ("collections", "werkzeug", "multidict")
    )


def _is_array(value):
    cls = type(value)
    return getattr(cls, "__module__", "") == "numpy" and cls.__name__ == "ndarray"


def _is_dataframe(value):
    cls = type(value)
    return cls.__name__ == "DataFrame" and getattr(cls, "__module__", "").startswith("pandas")


def _attributes(value):
    """An object's instance attributes (``__dict__`` and ``__slots__``), without properties."""
    result = None
    try:
        data = object.__getattribute__(value, "__dict__")
        if isinstance(data, dict):
            result = dict(data)
    except Exception:
        pass
    for cls in type(value).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name in ("__dict__", "__weakref__"):
                continue
            try:
                result = result if result is not None else {}
                result[name] = object.__getattribute__(value, name)
            except Exception:
                pass
    return result


# ----------------------------------------------------------------------------------------------
# Frames, threads, exceptions, sources


class Snapshot(object):
    """Builds the whole snapshot document for one exception or one snapshot point."""

    def __init__(self, settings):
        self.settings = settings
        self.redactor = Redactor(settings.get("redact") or ())
        self.capture = Capture(settings, self.redactor)
        self.frames = []
        self.sources = {}
        self._source_bytes = 0
        self._locals_left = int(settings["locals_frames"])
        self._scopes = {}  # id(frame) -> ref of its locals (a frame in two tracebacks)

    def frame(self, frame, line, with_locals):
        code = frame.f_code
        entry = {
            "id": len(self.frames) + 1,
            "name": getattr(code, "co_qualname", code.co_name),
            "file": code.co_filename,
            "line": line,
            "module": frame.f_globals.get("__name__") if isinstance(frame.f_globals, dict) else None,
        }
        self.frames.append(entry)
        self.source(code.co_filename, frame.f_globals)
        if with_locals and id(frame) in self._scopes:
            entry["locals"], entry["globals"] = self._scopes[id(frame)]
        elif with_locals and self._locals_left > 0:
            self._locals_left -= 1
            try:
                entry["locals"] = self.capture.scope(frame.f_locals)
                used = _used_globals(frame)
                entry["globals"] = self.capture.scope(used, "globals") if used else None
                self._scopes[id(frame)] = (entry["locals"], entry["globals"])
            except Exception as error:
                entry["localsError"] = type(error).__name__
        else:
            entry["locals"] = None
        return entry["id"]

    def stack(self, pairs, with_locals):
        """Frame ids, innermost first, of (frame, line) pairs given innermost first."""
        limit = int(self.settings["max_frames"])
        ids = []
        for frame, line in pairs[:limit]:
            ids.append(self.frame(frame, line, with_locals))
        return ids, len(pairs) > limit

    def source(self, filename, module_globals):
        if filename in self.sources or not filename or filename.startswith("<"):
            return
        try:
            text = "".join(linecache.getlines(filename, module_globals))
        except Exception:
            text = ""
        if not text:
            self.sources[filename] = None
            return
        entry = {"sha256": hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()}
        if self._source_bytes + len(text) > self.settings["max_source_bytes"]:
            entry["cut"] = self.capture.cut("size")
        else:
            entry["text"] = text
            self._source_bytes += len(text)
        self.sources[filename] = entry

    def exception_chain(self, root):
        """The exception chain (causes, contexts, group members) as a list; root first."""
        records = []
        index = {}

        def visit(exc):
            if id(exc) in index:
                return index[id(exc)]
            if len(records) >= 50:
                self.capture.cut("items")
                return None
            position = len(records)
            index[id(exc)] = position
            record = {
                "type": _type_name(exc),
                "message": self.capture._text(self.redactor.scrub(_safe_str(exc)))[0],
                "notes": [self.capture._text(self.redactor.scrub(str(n)))[0]
                          for n in (getattr(exc, "__notes__", None) or []) if isinstance(n, str)],
            }
            records.append(record)
            pairs = _traceback_pairs(exc.__traceback__)
            record["frames"], record["framesCut"] = self.stack(pairs, True)
            record["value"] = self.capture.value(exc, 0)
            members = getattr(exc, "exceptions", None) if _is_group(exc) else None
            if members is not None:
                record["group"] = [i for i in (visit(m) for m in members) if i is not None]
            record["cause"] = visit(exc.__cause__) if exc.__cause__ is not None else None
            record["context"] = (
                visit(exc.__context__) if exc.__context__ is not None else None
            )
            record["suppressContext"] = bool(exc.__suppress_context__)
            return position

        visit(root)
        return records


def _safe_str(exc):
    try:
        return str(exc)
    except Exception:
        return "<str() failed>"


def _is_group(exc):
    import builtins
    base = getattr(builtins, "BaseExceptionGroup", None)  # Python 3.11+
    return base is not None and isinstance(exc, base)


def _traceback_pairs(tb):
    """(frame, line) pairs of a traceback, innermost first."""
    pairs = []
    while tb is not None:
        pairs.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    pairs.reverse()
    return pairs


def _outer_pairs(frame):
    """(frame, line) of a frame and the frames that called it, innermost first."""
    pairs = []
    while frame is not None:
        pairs.append((frame, frame.f_lineno))
        frame = frame.f_back
    return pairs


def _debugger_files():
    """The package directories (ending in os.sep) and module files of the debugger now loaded."""
    global _debugger_roots
    if not _debugger_roots:
        roots = []
        for name in _DEBUGGER_MODULES:
            module = sys.modules.get(name)
            path = getattr(module, "__file__", None) if module is not None else None
            if not path:
                continue
            path = os.path.abspath(path)
            if os.path.basename(path).startswith("__init__."):
                roots.append(os.path.dirname(path) + os.sep)
            else:
                roots.append(os.path.splitext(path)[0])
        _debugger_roots = tuple(roots)
    return _debugger_roots


def _is_debugger_frame(frame):
    name = frame.f_code.co_filename
    if name.startswith("<") or name.endswith(os.sep + "periscope_capture.py"):
        return True
    return any(name.startswith(root) for root in _debugger_files())


def _process_info():
    argv = list(getattr(sys, "argv", []) or [])
    program = os.path.abspath(argv[0]) if argv and argv[0] and argv[0] != "-c" else (argv[0] if argv else "")
    return {
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "argv": argv,
        "program": program,
        "executable": sys.executable,
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "host": socket.gethostname(),
        "cwd": _safe_cwd(),
    }


def _safe_cwd():
    try:
        return os.getcwd()
    except OSError:
        return None


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def build(exc=None, hook="manual", thread=None, frame=None, point=None, settings=None):
    """The snapshot document (a dict, ``docs/snapshot-format.md``) for ``exc`` or, without
    one, for ``frame`` (a snapshot point). Does not write anything."""
    s = dict(_settings if settings is None else settings)
    snap = Snapshot(s)
    when = _now()
    current = thread or threading.current_thread()
    threads = []
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "capture": {
            "kind": "exception" if exc is not None else "point",
            "hook": hook,
            "time": when.isoformat().replace("+00:00", "Z"),
        },
        "process": _process_info(),
    }
    if exc is not None:
        chain = snap.exception_chain(exc)
        document["exceptions"] = chain
        document["exception"] = 0
        ids = list(chain[0]["frames"])
        tb = exc.__traceback__
        if tb is not None and tb.tb_frame.f_back is not None and current is threading.current_thread():
            # Caught and reported by a handler (logging, Flask): the frames that called the
            # code that caught it are part of the story too.
            outer, _ = snap.stack(_outer_pairs(tb.tb_frame.f_back), True)
            ids.extend(outer)
        threads.append(_thread_entry(current, ids, crashed=True))
    else:
        start = frame or sys._getframe(1)
        pairs = [p for p in _outer_pairs(start) if not _is_debugger_frame(p[0])]
        ids, _ = snap.stack(pairs, True)
        threads.append(_thread_entry(current, ids, crashed=False))
        if point is not None:
            document["capture"]["point"] = point
    by_ident = {t.ident: t for t in threading.enumerate()}
    for ident, top in list(sys._current_frames().items()):
        if ident == current.ident:
            continue
        other = by_ident.get(ident)
        if other is None or getattr(other, "is_pydev_daemon_thread", False):
            # The debugger's own threads (pydevd takes them out of threading.enumerate); a thread
            # started with bare _thread and never seen by threading is left out with them.
            continue
        pairs = [p for p in _outer_pairs(top) if not _is_debugger_frame(p[0])]
        if not pairs:
            continue
        ids, _ = snap.stack(pairs, False)
        threads.append({"id": ident, "name": other.name, "daemon": bool(other.daemon),
                        "frames": ids})
    snap.capture.expand()
    document["threads"] = threads
    document["frames"] = snap.frames
    document["objects"] = {str(k): v for k, v in snap.capture.objects.items()}
    document["sources"] = snap.sources
    document["capture"].update({
        "durationMs": round((time.monotonic() - snap.capture.started) * 1000, 3),
        "limits": {k: s[k] for k in ("max_bytes", "max_depth", "max_items", "max_string",
                                     "max_seconds", "max_frames", "locals_frames",
                                     "max_source_bytes")},
        "cuts": snap.capture.cuts,
        "redaction": {"patterns": snap.redactor.patterns, "count": snap.redactor.count},
    })
    return document


def _thread_entry(thread, frame_ids, crashed):
    return {"id": thread.ident, "name": thread.name, "daemon": bool(thread.daemon),
            "crashed": crashed, "frames": frame_ids}


# ----------------------------------------------------------------------------------------------
# Storage: gzip'd JSON, atomic, in a bounded ring directory


def snapshot_directory(settings=None):
    s = _settings if settings is None else settings
    return os.path.abspath(os.path.expanduser(s["directory"]))


def write(document, settings=None, durable=True):
    """Writes the document as ``<dir>/<time>-<host>-<pid>-<seq>.psnap.json.gz`` (mode 0600,
    temporary file + rename), trims the ring directory, and returns the path. ``durable``: gzip
    level 6 and ``fsync`` before the rename (a crash's snapshot survives the machine going down);
    a snapshot point's hit, in a program that runs on, takes level 1 and no ``fsync``, a third
    of the time (`npm run bench`)."""
    s = _settings if settings is None else settings
    directory = snapshot_directory(s)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    stamp = _now().strftime("%Y%m%dT%H%M%S.%fZ")
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", document["process"]["host"])[:64]
    name = "%s-%s-%d-%d%s" % (stamp, host, os.getpid(), next(_seq), SUFFIX)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)
    temporary = os.path.join(directory, ".tmp-" + name)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6 if durable else 1,
                               mtime=0) as out:
                out.write(data.encode("utf-8", "replace"))
            raw.flush()
            if durable:
                os.fsync(raw.fileno())
        final = os.path.join(directory, name)
        os.replace(temporary, final)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    trim(directory, int(s["keep_files"]), int(s["keep_bytes"]))
    return final


def trim(directory, keep_files, keep_bytes):
    """Deletes the oldest snapshots until at most ``keep_files`` of ``keep_bytes`` remain."""
    entries = []
    for name in os.listdir(directory):
        if name.endswith(SUFFIX) and not name.startswith("."):
            try:
                entries.append((name, os.path.getsize(os.path.join(directory, name))))
            except OSError:
                pass
    entries.sort()  # names start with the UTC time
    total = sum(size for _, size in entries)
    while entries and (len(entries) > keep_files or total > keep_bytes) and len(entries) > 1:
        name, size = entries.pop(0)
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass
        total -= size


def read(path):
    """The document of a snapshot file."""
    with gzip.open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


# ----------------------------------------------------------------------------------------------
# Hooks


def capture_exception(exc, hook="manual", thread=None):
    """Writes a snapshot of ``exc`` unless this exception was captured already; returns its path
    or None. Never raises: a failing capture is reported on stderr and the program goes on."""
    if exc is None or getattr(_busy, "active", False):
        return None
    try:
        if getattr(exc, "__periscope_snapshot__", None):
            return None
        _busy.active = True
        try:
            try:
                exc.__periscope_snapshot__ = True
            except Exception:
                pass
            with _lock:
                settings = dict(_settings)
            return write(build(exc, hook=hook, thread=thread, settings=settings), settings)
        finally:
            _busy.active = False
    except Exception as error:
        try:
            sys.stderr.write("periscope_capture: no snapshot (%s: %s)\n" % (type(error).__name__, error))
        except Exception:
            pass
        return None


def snapshot_point(point_id, limit=1, frame=None, when=None):
    """Records a snapshot of the calling frame (a snapshot point): debugpy's logpoint calls it
    in the frame that reached the line. ``when``, a Python expression, is the point's condition,
    evaluated here in that frame: debugpy evaluates a logpoint's message before its condition,
    so a DAP condition would not keep the snapshot from being taken. A hit whose ``when`` is
    false does not count. After ``limit`` hits of ``point_id`` it does nothing. Returns the line
    the logpoint prints: ``periscope-snapshot <path>``; "" when the condition is false or the
    limit is reached (debugpy prints nothing for ""); ``periscope-snapshot-failed …`` when the
    condition or the capture failed."""
    if when:
        caller = frame or sys._getframe(1)
        try:
            if not eval(when, caller.f_globals, caller.f_locals):
                return ""
        except Exception as error:
            return "periscope-snapshot-failed condition %s: %s" % (type(error).__name__, error)
    with _lock:
        hits = _point_hits.get(point_id, 0) + 1
        if limit and hits > limit:
            return ""
        _point_hits[point_id] = hits
        settings = dict(_settings)
    if getattr(_busy, "active", False):
        return ""
    _busy.active = True
    try:
        start = frame or sys._getframe(1)
        document = build(frame=start, hook="snapshot-point",
                         point={"id": str(point_id), "hit": hits, "limit": limit}, settings=settings)
        return "periscope-snapshot " + write(document, settings, durable=False)
    except Exception as error:
        return "periscope-snapshot-failed %s: %s" % (type(error).__name__, error)
    finally:
        _busy.active = False


def _install_logging(logging):
    """Snapshots records that carry ``exc_info`` (``logger.exception``, Flask's and Django's
    error logs) as ``Logger.handle`` gets them, then handles them as before. No handler is
    added: a program's own ``logging.basicConfig`` (a no-op once the root logger has a handler)
    and Python's ``lastResort`` work as without the capture."""
    original = logging.Logger.handle
    if getattr(original, "_periscope", False):
        return

    def handle(self, record):
        info = record.exc_info
        if info and info[1] is not None and not self.disabled:
            capture_exception(info[1], hook="logging:" + record.name)
        return original(self, record)

    handle._periscope = True
    logging.Logger.handle = handle


def _install_excepthooks():
    previous = sys.excepthook

    def excepthook(exc_type, exc, tb):
        if not issubclass(exc_type, KeyboardInterrupt):
            capture_exception(exc, hook="sys.excepthook")
        previous(exc_type, exc, tb)

    sys.excepthook = excepthook
    if hasattr(threading, "excepthook"):
        previous_thread = threading.excepthook

        def thread_excepthook(args):
            if args.exc_type is not SystemExit and args.exc_value is not None:
                capture_exception(args.exc_value, hook="threading.excepthook", thread=args.thread)
            previous_thread(args)

        threading.excepthook = thread_excepthook


def _install_asyncio(module):
    loop_class = module.BaseEventLoop
    original = loop_class.call_exception_handler
    if getattr(original, "_periscope", False):
        return

    def call_exception_handler(self, context):
        exc = context.get("exception") if isinstance(context, dict) else None
        if isinstance(exc, BaseException):
            capture_exception(exc, hook="asyncio")
        return original(self, context)

    call_exception_handler._periscope = True
    loop_class.call_exception_handler = call_exception_handler


def _install_flask(module):
    signal = getattr(module, "got_request_exception", None)
    if signal is None or not getattr(module, "signals_available", True):
        return  # Flask < 2.3 without blinker: no signals

    def on_exception(sender, exception=None, **extra):
        capture_exception(exception or sys.exc_info()[1], hook="flask.got_request_exception")

    signal.connect(on_exception, weak=False)
    _keep.append(on_exception)


def _install_django(module):
    def on_exception(sender, request=None, **extra):
        capture_exception(sys.exc_info()[1], hook="django.got_request_exception")

    module.got_request_exception.connect(on_exception, weak=False, dispatch_uid="periscope_capture")
    _keep.append(on_exception)


_keep = []


class _AfterImport(object):
    """A ``sys.meta_path`` finder that runs a function once a module has been imported."""

    def __init__(self, hooks):
        self.hooks = hooks

    def find_spec(self, name, path, target=None):
        if name not in self.hooks:
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module
        hook = self.hooks.pop(name)

        def exec_module(module):
            original(module)
            try:
                hook(module)
            except Exception:
                pass

        loader.exec_module = exec_module
        return spec


def _when_imported(name, hook):
    module = sys.modules.get(name)
    if module is not None:
        try:
            hook(module)
        except Exception:
            pass
        return
    for finder in sys.meta_path:
        if isinstance(finder, _AfterImport):
            finder.hooks[name] = hook
            return
    sys.meta_path.insert(0, _AfterImport({name: hook}))


def enable(**options):
    """Turns capture on (once per process): settings from ``PERISCOPE_CAPTURE_*``, then
    ``options``; installs the hooks. Returns the snapshot directory."""
    global _enabled
    with _lock:
        _settings.update(settings_from_env())
        configure(**options)
        if _enabled:
            return snapshot_directory()
        _enabled = True
    _install_excepthooks()
    _when_imported("logging", _install_logging)
    _when_imported("asyncio.base_events", _install_asyncio)
    _when_imported("flask.signals", _install_flask)
    _when_imported("django.core.signals", _install_django)
    return snapshot_directory()


def _main(argv):
    """``python3 periscope_capture.py list DIR`` prints one JSON line per snapshot (name, bytes,
    and its summary) for Periscope to list over SSH; ``cat``-ing a file fetches it."""
    if len(argv) >= 2 and argv[0] == "list":
        directory = os.path.abspath(os.path.expanduser(argv[1]))
        names = sorted(n for n in (os.listdir(directory) if os.path.isdir(directory) else [])
                       if n.endswith(SUFFIX) and not n.startswith("."))
        out = io.StringIO()
        for name in names:
            path = os.path.join(directory, name)
            try:
                out.write(json.dumps(dict(summary(read(path)), file=path,
                                          bytes=os.path.getsize(path))) + "\n")
            except Exception as error:
                out.write(json.dumps({"file": path, "error": str(error)}) + "\n")
        sys.stdout.write(out.getvalue())
        return 0
    sys.stderr.write("usage: periscope_capture.py list DIR\n")
    return 2


def summary(document):
    """What a list of snapshots shows: time, host, exception, program."""
    exceptions = document.get("exceptions") or []
    root = exceptions[document["exception"]] if exceptions and document.get("exception") is not None else None
    process = document.get("process", {})
    capture = document.get("capture", {})
    return {
        "time": capture.get("time"),
        "kind": capture.get("kind"),
        "hook": capture.get("hook"),
        "host": process.get("host"),
        "pid": process.get("pid"),
        "program": process.get("program"),
        "exception": ("%s: %s" % (root["type"], root["message"])) if root else None,
        "point": capture.get("point"),
    }


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
