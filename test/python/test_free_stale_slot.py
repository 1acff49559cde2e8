"""Pure parts of src-main/remote/python/free_stale_slot.py (reading /proc/net/tcp{,6}), and one
run for real against a loopback connection this test holds; the sshd case runs in
test/integration/connections/session-silent-drop.test.ts."""

import importlib.util
import json
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "src-main", "remote", "python", "free_stale_slot.py")
spec = importlib.util.spec_from_file_location("free_stale_slot", SCRIPT)
slot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(slot)


def entry(local, remote, state, inode):
    """One /proc/net/tcp line (the fields the script reads: 1, 2, 3 and 9)."""
    return "  0: %s %s %s 00000000:00000000 00:00000000 00000000  1000 0 %s 1" % (
        local, remote, state, inode)


def test_loopback_knows_127_8_mapped_ipv4_and_ipv6_loopback():
    assert slot.loopback("0100007F:1F90")
    assert slot.loopback("0200007F:1F90")  # 127.0.0.2
    assert slot.loopback("0000000000000000FFFF00000100007F:1F90")  # ::ffff:127.0.0.1
    assert slot.loopback("00000000000000000000000001000000:1F90")  # ::1
    assert not slot.loopback("0100000A:1F90")  # 10.0.0.1
    assert not slot.loopback("00000000000000000000000002000000:1F90")


def test_scan_finds_the_listener_and_the_established_connections_to_the_port():
    port = 0x1F90  # 8080
    tcp = [
        entry("0100007F:1F90", "00000000:0000", "0A", "100"),  # listening on 8080
        entry("0100007F:C000", "0100007F:1F90", "01", "101"),  # a client -> 8080
        entry("0100007F:1F90", "0100007F:C000", "01", "102"),  # the server's end (local 8080)
        entry("0100007F:C001", "0100000A:1F90", "01", "103"),  # -> 10.0.0.1:8080, not loopback
        entry("0100007F:C002", "0100007F:1F91", "01", "104"),  # another port
        entry("0100007F:C003", "0100007F:1F90", "06", "105"),  # TIME_WAIT, not established
        "short line",
    ]
    tcp6 = [entry("00000000000000000000000001000000:C004",
                  "00000000000000000000000001000000:1F90", "01", "106")]
    listening, inodes = slot.scan([tcp, tcp6], port)
    assert listening is True
    assert inodes == {"socket:[101]", "socket:[106]"}


def test_scan_says_none_without_tables_and_false_without_a_listener():
    assert slot.scan([None, None], 8080) == (None, set())
    assert slot.scan([[], None], 8080) == (False, set())


def test_a_holder_that_is_not_an_sshd_is_left_alone():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):
            out = subprocess.run([sys.executable, SCRIPT, str(port), ""],
                                 capture_output=True, text=True, check=True).stdout
    assert out.startswith(slot.MARKER + " ")
    report = json.loads(out[len(slot.MARKER) + 1:])
    assert report["listening"] is True
    mine = [h for h in report["holders"] if h["pid"] == os.getpid()]
    assert mine and mine[0]["action"] == "left"
    assert mine[0]["why"].startswith("not an sshd process")


def test_a_stale_bridge_is_a_periscope_bridge_to_the_port_of_another_connection():
    # A process shaped like a stdio bridge: python -I -c <source with the marker> PORT TAG.
    code = "import time  # " + slot.BRIDGE_MARK + "\ntime.sleep(30)"
    bridge = subprocess.Popen([sys.executable, "-I", "-c", code, "5678", "tag-old"])
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "5678", "tag-old"])
    try:
        for _ in range(100):  # until the command lines are readable
            if slot.field(bridge.pid, "cmdline") and slot.field(other.pid, "cmdline"):
                break
        assert slot.stale_bridge(bridge.pid, 5678, "tag-new")
        assert not slot.stale_bridge(bridge.pid, 5678, "tag-old")  # the current connection's
        assert not slot.stale_bridge(bridge.pid, 9999, "tag-new")  # a bridge to another port
        assert not slot.stale_bridge(other.pid, 5678, "tag-new")  # not a bridge
        assert not slot.stale_bridge(os.getpid(), 5678, "tag-new")
    finally:
        bridge.kill()
        other.kill()
        bridge.wait()
        other.wait()
