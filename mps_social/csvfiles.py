"""Reading a CSV file someone uploaded (the HR roster, training completions): its records
with their line numbers.

The text is read as the csv module wants it (``newline=""``): it reads every kind of line
end itself, so a file saved with old Mac line ends reads like any other instead of
failing. A line it cannot read at all (a value over its 128 KB limit) ends the records
and goes to ``problem`` with its number, so the reader refuses the file beside the field
instead of failing (found by tests/test_fuzz.py).
"""

import csv
import io
from collections.abc import Callable, Iterator


def records(text: str, problem: Callable[[int, str], None]) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of each record of ``text``; a record spanning lines (a
    quoted line break) has the number of its last line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as error:
        problem(reader.line_num, f"it cannot be read as CSV ({error}).")
