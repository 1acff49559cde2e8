"""Pure parts of src-main/remote/python/output_mux.py: turning the records the program's hook
tags at the source back into the mux's own records. The mux as a whole runs for real in
test/unit/main/remote/launch/output-mux.test.ts and remote-launch.mux.test.ts."""

import importlib.util
import os
import struct

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "src-main", "remote", "python", "output_mux.py")


def tagged(tag, data):
    """One record as sitecustomize.py writes it: tag, 4-byte big-endian length, bytes."""
    return tag + struct.pack(">I", len(data)) + data


@pytest.fixture
def mux():
    """The mux module, its records collected in ``mux.written`` instead of a file."""
    spec = importlib.util.spec_from_file_location("output_mux", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.written = []
    module.record = lambda tag, data: module.written.append((tag, data))
    module.tagged_r = 7
    module.tags = {7: None}
    return module


def test_runs_of_one_stream_become_one_record_in_order(mux):
    mux.unframe(tagged(b"o", b"a\n") + tagged(b"o", b"b\n") + tagged(b"e", b"c\n") + tagged(b"o", b"d\n"))
    assert mux.written == [(b"o", b"a\nb\n"), (b"e", b"c\n"), (b"o", b"d\n")]
    assert mux.framed == b""


def test_a_record_split_across_reads_waits_for_its_rest(mux):
    whole = tagged(b"e", b"warning\n")
    mux.unframe(whole[:3])
    assert mux.written == [] and mux.framed == whole[:3]
    mux.unframe(whole[3:9])
    assert mux.written == []
    mux.unframe(whole[9:] + tagged(b"o", b"x"))
    assert mux.written == [(b"e", b"warning\n"), (b"o", b"x")]
    assert mux.framed == b""


def test_an_empty_record_is_kept(mux):
    mux.unframe(tagged(b"o", b""))
    assert mux.written == [(b"o", b"")]


def test_a_bad_tag_breaks_the_framing_and_shows_the_rest_as_stdout(mux):
    mux.unframe(tagged(b"o", b"ok\n") + b"no header here\n")
    assert mux.written[0] == (b"o", b"ok\n")
    assert mux.written[1][0] == b"e" and b"damaged" in mux.written[1][1]
    assert mux.written[2] == (b"o", b"no header here\n")
    # From then on the pipe's bytes are plain stdout.
    assert mux.tags[7] == b"o" and mux.framed == b""


def test_a_length_over_the_record_limit_breaks_the_framing(mux):
    too_long = b"o" + struct.pack(">I", mux.RECORD_LIMIT + 1) + b"x" * 10
    mux.unframe(too_long)
    assert [tag for tag, _ in mux.written] == [b"e", b"o"]
    assert mux.written[1] == (b"o", too_long)


def test_the_limit_itself_is_a_record(mux):
    mux.unframe(tagged(b"e", b"y" * mux.RECORD_LIMIT))
    assert mux.written == [(b"e", b"y" * mux.RECORD_LIMIT)]


def test_break_framing_writes_the_run_so_far_first(mux):
    mux.break_framing(b"e", [b"1", b"2"], b"rest")
    assert mux.written[0] == (b"e", b"12")
    assert mux.written[-1] == (b"o", b"rest")


def test_a_terminal_size_is_cols_by_rows_within_bounds(mux):
    assert mux.parse_size("120x40") == (120, 40)
    assert mux.parse_size("80 24\n") == (80, 24)
    assert mux.parse_size("1") is None
    assert mux.parse_size("0x24") is None
    assert mux.parse_size("10000x24") is None
    assert mux.parse_size("-3x4") is None
    assert mux.parse_size("ax b") is None
