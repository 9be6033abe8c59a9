"""The roster CSV format: header rules, encodings, limits, booleans and formula-safe cells."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.services.roster_csv import (
    COLUMNS,
    MAX_BYTES,
    RosterFileError,
    parse_bool,
    protect,
    read_roster,
    unprotect,
    write_roster,
)

HEADER = ",".join(COLUMNS)


@pytest.mark.parametrize("value", ["=cmd()", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "''+y"])
def test_formula_like_cells_are_written_with_a_leading_quote(value: str) -> None:
    assert protect(value) == "'" + value


@pytest.mark.parametrize("value", ["Ana Lead", "", "'quoted", "a=b", "150001", "ana@example.com"])
def test_ordinary_cells_are_written_as_they_are(value: str) -> None:
    assert protect(value) == value


@given(st.text())
def test_reading_a_written_cell_gives_back_the_value(value: str) -> None:
    assert unprotect(protect(value)) == value


@pytest.mark.parametrize("word, expected", [("yes", True), ("YES", True), ("True", True), ("1", True),
                                            ("no", False), ("No", False), ("FALSE", False), ("0", False)])
def test_booleans_accept_yes_no_true_false_1_0_in_any_case(word: str, expected: bool) -> None:
    assert parse_bool(word) is expected


@pytest.mark.parametrize("word", ["y", "maybe", "2", "on", ""])
def test_other_boolean_words_are_refused(word: str) -> None:
    with pytest.raises(ValueError, match="is not yes/no/true/false/1/0"):
        parse_bool(word)


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_empty_cells_left_out() -> None:
    rows = read_roster(b"employee_id,name,active\nUS1,Ana,\n\n,,\nUS2, Ben ,no\n")
    assert [(r.number, dict(r.cells)) for r in rows] == [
        (2, {"employee_id": "US1", "name": "Ana"}),
        (5, {"employee_id": "US2", "name": "Ben", "active": "no"}),
    ]


def test_header_names_are_case_and_space_insensitive_and_a_bom_is_accepted() -> None:
    rows = read_roster("\ufeff Employee_ID ,NAME\nUS1,Ana\n".encode())
    assert dict(rows[0].cells) == {"employee_id": "US1", "name": "Ana"}


def test_protected_cells_are_read_back_without_the_quote() -> None:
    [row] = read_roster(write_roster([{"employee_id": "US1", "name": "=cmd()"}]).encode())
    assert row.cells["name"] == "=cmd()"


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    (b"\xef\xbb\xbf\n", "The file is empty"),
    (b"US1,Ana,150001\n", "The first row must be a header row"),
    (b"employee_id,name,nickname,shoe_size\n", "Unknown column(s): nickname, shoe_size. Valid columns:"),
    (b"employee_id,name,\n", "Unknown column(s): (column 3 has no name)"),
    (b"employee_id,name,name\n", "Column(s) named twice in the header: name"),
    (b"name,email\n", "needs an employee_id or rep_id column"),
    ("employee_id,name\nUS1,Jos\xe9\n".encode("latin-1"), "not UTF-8 text (byte 0xE9 at position"),
    (b"employee_id,name\nUS1,\"Ana\x00\"\n", "contains NUL characters"),
    (b"employee_id,name\nUS1,\"Ana\"Lead\n", "not valid CSV"),
    (b"employee_id,name\nUS1,\"Ana\n", "not valid CSV"),
])
def test_file_level_problems_are_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(RosterFileError) as err:
        read_roster(data)
    assert message in str(err.value)


def test_a_file_over_5_mb_is_refused_before_it_is_parsed() -> None:
    big = (HEADER + "\n").encode() + b"x" * (10 * 1024 * 1024)
    with pytest.raises(RosterFileError, match="larger than 5 MB"):
        read_roster(big)
    assert len(big) > MAX_BYTES


def test_extra_cells_beyond_the_header_are_counted() -> None:
    [row] = read_roster(b"employee_id,name\nUS1,Ana,surplus,more\n")
    assert row.extra_cells == 2


def test_written_rosters_have_every_column_in_order() -> None:
    text = write_roster([{"employee_id": "US1", "name": "Ana"}])
    assert text.splitlines() == [HEADER, "US1,Ana" + "," * (len(COLUMNS) - 2)]
