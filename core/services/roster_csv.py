"""The roster spreadsheet format: columns, cell values, formula-safe cells, reading and writing CSV.

Reading checks the file as a whole (size, encoding, header); rows are judged by ``core.services.roster``.
A cell that a spreadsheet would run as a formula (starting with ``= + - @``, tab or carriage return)
is written with a leading single quote; reading strips exactly that quote again, so export → import
gives back the stored text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

COLUMNS: tuple[str, ...] = (
    "employee_id", "name", "rep_id", "email", "job_title", "active", "slack_user_id",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
)
DAY_COLUMNS: tuple[str, ...] = COLUMNS[7:]
ID_COLUMNS = ("employee_id", "rep_id")
MAX_BYTES = 5 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = frozenset({"yes", "true", "1"})
FALSE_WORDS = frozenset({"no", "false", "0"})


class RosterFileError(ValueError):
    """The file as a whole cannot be read as a roster; ``str(err)`` says why and what to do."""


@dataclass(frozen=True)
class RosterRow:
    """One data row: its spreadsheet row number and its non-empty cells by column."""

    number: int
    cells: Mapping[str, str]
    extra_cells: int = 0
    """How many cells the row has beyond the header's columns (an error when not zero)."""


def protect(value: str) -> str:
    """The cell text to write: formula-like values get a leading single quote."""
    stripped = value.lstrip("'")
    return "'" + value if stripped.startswith(FORMULA_STARTS) else value


def unprotect(value: str) -> str:
    """The value a written cell stands for (reverses ``protect``)."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def parse_bool(value: str) -> bool:
    """yes/no/true/false/1/0, any case; anything else raises ValueError."""
    cleaned = value.strip().lower()
    if cleaned in TRUE_WORDS:
        return True
    if cleaned in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not yes/no/true/false/1/0")


def yes_no(value: bool) -> str:
    """How a boolean is written."""
    return "yes" if value else "no"


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; a roster is far "
                              "smaller. Check that this is the right file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(f"The file is not UTF-8 text (byte 0x{data[exc.start]:02X} at position "
                              f"{exc.start}). Save it as \"CSV UTF-8\" and try again.") from None


def _header(first: list[str]) -> list[str]:
    names = [c.strip().lower() for c in first]
    valid = ",".join(COLUMNS)
    if not any(n in COLUMNS for n in names):
        raise RosterFileError(f"The first row must be a header row naming the columns, e.g. {valid}.")
    unknown = [n or f"(column {i + 1} has no name)" for i, n in enumerate(names) if n not in COLUMNS]
    if unknown:
        raise RosterFileError(f"Unknown column(s): {', '.join(unknown)}. Valid columns: {valid}.")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise RosterFileError(f"Column(s) named twice in the header: {', '.join(repeated)}.")
    if not any(n in ID_COLUMNS for n in names):
        raise RosterFileError("The header needs an employee_id or rep_id column to find each person.")
    return names


def read_roster(data: bytes) -> list[RosterRow]:
    """The data rows of a roster file; raises ``RosterFileError`` for a file-level problem.

    Cells are stripped and unprotected; empty cells are left out (they leave values unchanged).
    Blank lines are skipped. Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    text = _decode(data)
    if "\x00" in text:
        raise RosterFileError("The file contains NUL characters: it is not a CSV text file.")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise RosterFileError(f"The file is not valid CSV: {exc}.") from None
    if not records or not any(c.strip() for c in records[0]):
        raise RosterFileError(f"The file is empty: it needs a header row ({','.join(COLUMNS)}) "
                              "and one row per person.")
    names = _header(records[0])
    rows: list[RosterRow] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue
        cells = {name: unprotect(value.strip()) for name, value in zip(names, record, strict=False)}
        rows.append(RosterRow(number, {k: v for k, v in cells.items() if v},
                              max(0, len(record) - len(names))))
    return rows


def write_roster(rows: Iterable[Mapping[str, str]]) -> str:
    """CSV text with the header and one line per row (missing columns empty), formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([protect(row.get(c, "")) for c in COLUMNS])
    return out.getvalue()
