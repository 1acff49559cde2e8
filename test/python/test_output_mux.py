"""Pure parts of src-main/remote/python/output_mux.py: splitting the program's stdout pipe into
the stdout bytes and the stderr records the program's hook writes into it (sitecustomize.py). The mux as a whole runs for real in
test/unit/main/remote/launch/output-mux.test.ts and remote-launch.mux.test.ts."""

import importlib.util
import os
import struct

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "src-main", "remote", "python", "output_mux.py")


MARK = bytes(range(0xA0, 0xB0))


def err(data, mark=MARK):
    """One stderr record as sitecustomize.py writes it into the stdout pipe: the mark, b"e", the
    length as 4 bytes big-endian, the bytes."""
    return mark + b"e" + struct.pack(">I", len(data)) + data


@pytest.fixture
def mux():
    """The mux module, its records collected in ``mux.written`` instead of a file."""
    spec = importlib.util.spec_from_file_location("output_mux", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.written = []
    module.record = lambda tag, data: module.written.append((tag, data))
    module.mark = MARK
    return module


def test_stderr_records_land_between_the_stdout_bytes_around_them(mux):
    mux.demux(b"a\nb\n" + err(b"c\n") + err(b"d\n") + b"e\n" + err(b"f"), False)
    assert mux.written == [(b"o", b"a\nb\n"), (b"e", b"c\nd\n"), (b"o", b"e\n"), (b"e", b"f")]
    assert mux.held == b""


def test_a_record_cut_by_a_full_read_waits_for_its_rest(mux):
    whole = b"out\n" + err(b"warning\n")
    for cut in range(5, len(whole)):
        mux.written, mux.held = [], b""
        mux.demux(whole[:cut], True)
        assert mux.written == [(b"o", b"out\n")] and mux.held == whole[4:cut]
        mux.demux(whole[cut:] + b"more", False)
        assert mux.written == [(b"o", b"out\n"), (b"e", b"warning\n"), (b"o", b"more")]


def test_a_mark_cut_at_the_end_of_a_full_read_waits_for_the_next(mux):
    mux.demux(b"x" + MARK[:7], True)
    assert mux.written == [(b"o", b"x")] and mux.held == MARK[:7]
    mux.demux(err(b"y")[7:], False)
    assert mux.written == [(b"o", b"x"), (b"e", b"y")] and mux.held == b""


def test_what_a_full_read_held_is_stdout_once_the_pipe_is_found_empty(mux):
    mux.demux(b"x" + MARK[:3], True)
    mux.flush_held()
    assert mux.written == [(b"o", b"x"), (b"o", MARK[:3])] and mux.held == b""


def test_an_unfull_read_holds_nothing_back(mux):
    # Its end cannot be a cut record: a record is one write of at most PIPE_BUF bytes.
    mux.demux(b"x" + MARK[:3], False)
    mux.demux(b"y" + MARK + b"e", False)
    assert mux.written == [(b"o", b"x" + MARK[:3]), (b"o", b"y" + MARK + b"e")]


def test_a_mark_without_a_valid_header_is_the_programs_own_stdout(mux):
    bad_tag = MARK + b"o" + struct.pack(">I", 1) + b"z"
    too_long = MARK + b"e" + struct.pack(">I", mux.RECORD_LIMIT + 1) + b"z" * 10
    mux.demux(bad_tag + too_long + err(b"real"), True)
    assert mux.written == [(b"o", bad_tag + too_long), (b"e", b"real")]


def test_an_empty_record_and_one_at_the_limit_are_records(mux):
    mux.demux(err(b"") + err(b"y" * mux.RECORD_LIMIT), False)
    assert mux.written == [(b"e", b"y" * mux.RECORD_LIMIT)]


def test_the_hook_and_the_mux_agree_on_the_record(mux):
    # The record sitecustomize.py builds (its header struct) is the one demux takes.
    site = open(os.path.join(os.path.dirname(SCRIPT), "sitecustomize.py")).read()
    assert '">%dscI" % len(mark)' in site
    header = struct.Struct(">%dscI" % len(MARK)).pack(MARK, b"e", 3)
    assert header + b"abc" == err(b"abc")
    assert len(MARK) == mux.MARK_BYTES and mux.MARK_BYTES + 5 + mux.RECORD_LIMIT <= 4096


def test_a_terminal_size_is_cols_by_rows_within_bounds(mux):
    assert mux.parse_size("120x40") == (120, 40)
    assert mux.parse_size("80 24\n") == (80, 24)
    assert mux.parse_size("1") is None
    assert mux.parse_size("0x24") is None
    assert mux.parse_size("10000x24") is None
    assert mux.parse_size("-3x4") is None
    assert mux.parse_size("ax b") is None
