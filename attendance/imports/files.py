"""From an uploaded file on disk to a table of text cells, refusing what is not a table.

The size is checked before anything is read; the first bytes say what the file really
is (a PDF or a zip renamed `.csv` is named as such); `.xlsx` goes through the guarded
reader in `attendance.imports.xlsx`; text is decoded with the encoding charset-normalizer
finds (UTF-8, UTF-8 with BOM, UTF-16, cp1252, ...) and split with the delimiter
`csv.Sniffer` finds. Cells are only ever text: a cell starting with `=` is a string.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from charset_normalizer import from_bytes
from django.conf import settings

from attendance.errors import ImportFileError
from attendance.imports.xlsx import xlsx_rows

SAMPLE = 64 * 1024
DELIMITERS = ",;\t|"
csv.field_size_limit(1024 * 1024)


def max_bytes() -> int:
    return getattr(settings, "ATTENDANCE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


@dataclass
class Table:
    rows: list[list[str]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    # False when only the first rows were read (`read_table(head_rows=...)`); `row_count`
    # then counts the file's non-blank lines, which is what a progress bar needs.
    complete: bool = True
    row_count: int = 0


def size_check(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise ImportFileError(
            f"This file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{limit // (1024 * 1024)} MB. Split it (for example by event) and upload the parts."
        )
    if size == 0:
        raise ImportFileError("The file is empty. Export the report again and upload that file.")


def read_table(path: Path, *, head_rows: int | None = None) -> Table:
    """Return the rows of the file at `path`; raise `ImportFileError` with a reason if unusable.

    With `head_rows`, a text file is still decoded in full (a line in another encoding is
    refused here) but only its first `head_rows` rows are split into cells.
    """
    size_check(path.stat().st_size)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF"):
        raise ImportFileError(
            "This is a PDF, not a spreadsheet. Download the report as CSV or Excel (.xlsx) "
            "from your event platform and upload that."
        )
    if head.startswith(b"PK\x03\x04"):
        table = Table(rows=xlsx_rows(path), kind="xlsx")
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload that."
        )
    else:
        table = _read_text(path.read_bytes(), head_rows=head_rows)
    if table.complete:
        table.row_count = sum(1 for r in table.rows if any(c.strip() for c in r))
    if not table.row_count:
        raise ImportFileError("The file has no rows. Export the report again and upload that.")
    return table


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _read_text(data: bytes, *, head_rows: int | None = None) -> Table:
    encoding = _encoding(data)
    if not encoding.startswith(("utf", "ascii")):
        _refuse_mixed(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"Line {line} is not in the file's text encoding ({encoding}): the file mixes "
            "encodings. Open it in a spreadsheet program and save it as “CSV UTF-8”."
        ) from None
    if "\x00" in text:
        raise ImportFileError(
            "This file contains binary data, not text. Upload the CSV or .xlsx export itself."
        )
    delimiter = _delimiter(text[:SAMPLE])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader if head_rows is None else islice(reader, head_rows + 1))
    except csv.Error as exc:
        raise ImportFileError(f"This file is not a readable CSV ({exc}).") from None
    table = Table(rows=rows, kind="csv", encoding=encoding, delimiter=delimiter)
    if head_rows is not None and len(rows) > head_rows:
        table.rows.pop()
        table.complete = False
        table.row_count = sum(1 for line in text.splitlines() if line.strip())
    return table


def _refuse_mixed(data: bytes) -> None:
    """Refuse a file that is UTF-8 in places and another encoding elsewhere (a merge of two
    exports): whichever encoding we chose, part of it would come out garbled."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            bad = data[: exc.start].count(b"\n") + 1
            raise ImportFileError(
                f"The file mixes text encodings (some lines are UTF-8, line {bad} is not). "
                "Open it in a spreadsheet program and save it as “CSV UTF-8”."
            ) from None


def _encoding(data: bytes) -> str:
    match = from_bytes(data[:SAMPLE]).best()
    if match is None:
        raise ImportFileError(
            "This file is not text (it looks like binary data). Upload the CSV or .xlsx "
            "file your event platform exported."
        )
    encoding = match.encoding
    if encoding in ("ascii", "utf_8"):
        # The sample may be plain ASCII while later rows hold accents: read it all as UTF-8.
        return "utf-8-sig" if match.bom or data.startswith(b"\xef\xbb\xbf") else "utf-8"
    if encoding.startswith("utf_16") or encoding.startswith("utf_32"):
        # The BOM says the byte order; the plain codec name reads it and drops it.
        return encoding[:6] if match.bom else encoding
    return encoding


def _delimiter(sample: str) -> str:
    lines = sample.splitlines()
    # A report's preamble ("Attendee Report", "1. Summary") confuses the sniffer: give it the
    # widest lines, which are the people.
    widest = sorted(lines[:200], key=lambda line: -max(line.count(d) for d in DELIMITERS))[:20]
    try:
        return csv.Sniffer().sniff("\n".join(widest), delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
