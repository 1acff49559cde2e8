"""``python -m debugpy`` for a launch that stops on entry (launch.json's ``stopOnEntry``).

Run by the profile's interpreter as ``python -c <this file> --listen H:P --wait-for-client ...
<program> [args]``: the same command line as ``python -m debugpy``, which it runs
(``debugpy/server/cli.py``), with one addition. debugpy honours ``stopOnEntry`` only for a
``launch`` request, and Periscope attaches (``attach`` to the ``--listen`` adapter), so here,
once the client has attached (``wait_for_client`` returns after its ``configurationDone``), the
main thread is told to stop on the first line of user code it runs -- pydevd's own stop on entry
(``PyDevdAPI.stop_on_entry``), which the client sees as a ``stopped`` event with reason
``entry``: the first line of the program file, or of the module. Python 3.
"""
import sys

import debugpy
from debugpy.server import cli

_wait_for_client = debugpy.wait_for_client


def _wait_then_stop_on_entry():
    _wait_for_client()
    from _pydevd_bundle.pydevd_api import PyDevdAPI

    PyDevdAPI().stop_on_entry()


debugpy.wait_for_client = _wait_then_stop_on_entry
sys.argv[0] = "periscope-debugpy-stop-on-entry"
cli.main()
