"""The Flask crash of the snapshot figure: the failing view of ``flask_shop.py`` (the snapshot
tests' app), requested once through Flask's test client (the whole WSGI stack, no socket); Flask
catches the error and the capture (on ``PYTHONPATH`` with its sitecustomize) writes the
snapshot."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test",
                                "fixtures", "programs"))
from flask_shop import app  # noqa: E402

app.test_client().get("/ratio?total=7")
