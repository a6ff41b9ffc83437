"""Reading a CSV file someone uploaded (the HR roster, the org units, training
completions): its records with their line numbers.

The text is read as the csv module wants it (``newline=""``): it reads every kind of line
end itself, so a file saved with old Mac line ends reads like any other instead of
failing. A line it cannot read at all (a value over its 128 KB limit) ends the records
and goes to ``problem`` with its number, so the reader refuses the file beside the field
instead of failing (found by tests/test_fuzz.py).

``table`` is the part every HR file shares (the roster, the org units): the file as bytes
to a header and rows of named values, or a refusal in plain words when it is not a
comma-separated UTF-8 table with the columns it needs; ``read_rows`` the rows made and
checked, or every problem; ``ImportCommand`` the command that imports such a file.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

Problem = Callable[[int, str], None]


def records(text: str, problem: Problem) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of each record of ``text``; a record spanning lines (a
    quoted line break) has the number of its last line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as error:
        problem(reader.line_num, f"it cannot be read as CSV ({error}).")


class Refused(Exception):
    """The file is not a table that can be read at all; the message says why and what to
    do, fit to show as it is."""


class Invalid(Exception):
    """A file that cannot be applied: ``errors`` lists its problems, each with its line (the
    first ``MAX_ERRORS``: in a badly broken file the first ones say enough), ``total``
    counts them all. Each kind of file raises its own subclass."""

    MAX_ERRORS = 200

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s) in the file.")
        self.errors = errors[:self.MAX_ERRORS]
        self.total = len(errors)


@dataclass(frozen=True)
class Table:
    text: str
    header: list[str]  # the column names, stripped and lower-case

    def rows(self, problem: Problem) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {column: stripped value}) of each record after the header. Blank
        records are skipped; a record with another number of values than the header goes
        to ``problem`` instead."""
        found = records(self.text, problem)
        next(found, None)  # the header
        for line, record in found:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(self.header):
                problem(line, f"{len(record)} columns where the header has {len(self.header)}.")
                continue
            yield line, {name: cell.strip() for name, cell in zip(self.header, record)}


DELIMITERS = ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars"))


def table(data: bytes, *, required: list[str], optional: list[str], what: str, each: str, max_bytes: int) -> Table:
    """Check that ``data`` is a UTF-8, comma-separated table whose header has every
    ``required`` column, or raise ``Refused``. ``what`` names the file in messages ("the
    roster"), ``each`` what one row stands for ("person")."""
    if len(data) > max_bytes:
        raise Refused(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if b"\x00" in data[:4096]:
        raise Refused(f"This is not a CSV file (it holds binary data): export {what} as CSV UTF-8.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Refused(f"Line {line}: the file is not UTF-8 text. Save it as “CSV UTF-8”.") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Refused(f"The file is empty: it needs a header row and one row per {each}.")
    _, first = next(records(lines[0], lambda line, problem: None), (1, []))  # unreadable: lacks all
    header = [name.strip().lower() for name in first]
    missing = [name for name in required if name not in header]
    if missing:
        for delimiter, label in DELIMITERS:
            if all(name in lines[0].lower().split(delimiter) for name in required[:3]):
                raise Refused(f"Line 1: the columns are separated by {label}; {what} must be comma-separated (CSV).")
        raise Refused(f"Line 1: the header lacks {', '.join(missing)}. Expected columns: "
                      f"{', '.join(required + optional)}.")
    return Table(text, header)


def read_rows(data: bytes, *, invalid: type[Invalid], row, cross_check, nothing: str, **table_options) -> list:
    """Every row of the table ``data`` (``table``'s checks, with ``table_options``), each
    made by ``row(line, values) -> (row or None, problems)`` and all of them checked
    together by ``cross_check(rows) -> problems``; or ``invalid`` with every problem, or
    with ``nothing`` when the file has a header and no row. A file with any problem gives
    no row at all: what cannot all apply applies not at all."""
    try:
        found = table(data, **table_options)
    except Refused as refused:
        raise invalid([str(refused)]) from None
    rows, errors = [], []
    for line, values in found.rows(lambda line, problem: errors.append(f"Line {line}: {problem}")):
        made, problems = row(line, values)
        errors += problems
        if made is not None:
            rows.append(made)
    if not rows and not errors:
        errors.append(nothing)
    errors += cross_check(rows)
    if errors:
        raise invalid(errors)
    return rows


class ImportCommand(BaseCommand):
    """A command that imports a CSV file: ``FILE [--dry-run]``. Reading the file and
    refusing an invalid one (every problem on standard error, and nothing changed) are
    the same for every kind of file; what it says and applies is the subclass's."""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")

    def read(self, file: Path) -> bytes:
        try:
            return file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None

    def refuse(self, invalid: Invalid) -> CommandError:
        for line in invalid.errors:
            self.stderr.write(line)
        if invalid.total > len(invalid.errors):
            self.stderr.write(f"… and {invalid.total - len(invalid.errors)} more.")
        return CommandError(f"{invalid.total} problem(s): nothing was changed.")
