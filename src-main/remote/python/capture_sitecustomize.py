"""Turns Periscope's crash capture on for every Python program started with this file's
directory on ``PYTHONPATH``: Periscope installs it there as ``sitecustomize.py`` beside
``periscope_capture.py`` (``PYTHONPATH=<dir> python3 app.py``). ``PERISCOPE_CAPTURE=0`` leaves
capture off. A sitecustomize the system already has still runs. Python 3.8+, standard library.
"""
import os as _os
import sys as _sys

if _os.environ.get("PERISCOPE_CAPTURE", "1") not in ("0", "off", "false", "no"):
    try:
        import periscope_capture as _capture

        _capture.enable()
    except Exception as _error:  # capture must never keep the program from starting
        _sys.stderr.write("periscope_capture: not enabled (%s)\n" % (_error,))

_here = _os.path.dirname(_os.path.abspath(__file__))
for _entry in _sys.path:
    if _os.path.abspath(_entry or ".") == _here:
        continue
    _other = _os.path.join(_entry or ".", "sitecustomize.py")
    if _os.path.isfile(_other):
        with open(_other, "rb") as _f:
            exec(compile(_f.read(), _other, "exec"), {"__name__": "sitecustomize", "__file__": _other})
        break
