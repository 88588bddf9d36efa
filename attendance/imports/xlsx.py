"""Reading `.xlsx` safely: checks on the zip before any parsing, then calamine in a child.

python-calamine is fast (100,000 rows in ~1.4 s, openpyxl takes ~27 s) but has no limits
of its own: a small file that declares a huge sheet makes it allocate gigabytes and abort
the whole process with SIGABRT, which Python cannot catch. So, in order:

1. the zip's central directory: the declared sizes of all entries (a lying size fails
   the CRC on reading, so they can be trusted) and the compression ratio;
2. the XML parts we read: no DTD (entity bombs need one);
3. the sheet's `<dimension>` and largest cell reference: at most `MAX_ROWS` × `MAX_COLS`;
4. the parse itself in a child process (`_xlsx_child.py`, which imports nothing of ours)
   with an address-space limit, so a hostile file can only kill the child.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from django.conf import settings

from attendance.errors import ImportFileError

MAX_UNPACKED = 250 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 250_000
MAX_COLS = 200
CHILD = Path(__file__).with_name("_xlsx_child.py")
_REF = re.compile(rb'<dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
_CELL_REF = re.compile(rb'<c\b[^>]*\br="([A-Z]+)([0-9]+)"')


def xlsx_check(path: Path) -> None:
    """Refuse a workbook that would take too much to unpack or parse (`ImportFileError`)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(
            "This .xlsx file is damaged (it is not a readable zip archive). Open it in your "
            "spreadsheet program and save it again, or export a CSV."
        ) from None
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise ImportFileError(
                "This is a zip archive, not an Excel workbook. Upload the .xlsx or .csv "
                "file your event platform exported."
            )
        unpacked = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
            raise ImportFileError(
                f"This workbook unpacks to {unpacked // (1024 * 1024)} MB from a "
                f"{path.stat().st_size // 1024} KB file, far more than an attendance list "
                "needs, so it was not opened. Export the sheet as CSV instead."
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise ImportFileError(
                        "This workbook contains XML declarations (a DTD) that spreadsheet "
                        "programs never write; it was not opened. Export the sheet as CSV."
                    )
        sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        if sheets:
            _check_dimension(archive, sheets[0])


def _check_dimension(archive: zipfile.ZipFile, sheet: str) -> None:
    rows = cols = 0
    with archive.open(sheet) as part:
        data = part.read()  # bounded by MAX_UNPACKED above
    dim = _REF.search(data[:2048])
    if dim:
        cols, rows = _col_number(dim.group(1)), int(dim.group(2))
    for match in _CELL_REF.finditer(data):
        cols = max(cols, _col_number(match.group(1)))
        rows = max(rows, int(match.group(2)))
    if rows > MAX_ROWS or cols > MAX_COLS:
        raise ImportFileError(
            f"The sheet reaches row {rows:,} and column {cols:,}; an import takes at most "
            f"{MAX_ROWS:,} rows and {MAX_COLS} columns. Delete the empty cells far down or to "
            "the right (or export a CSV) and try again."
        )


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def xlsx_rows(path: Path) -> list[list[str]]:
    """Return the first sheet's rows as text, parsed in a memory-limited child process."""
    xlsx_check(path)
    limit = getattr(settings, "ATTENDANCE_IMPORT_CHILD_MEMORY", 768 * 1024 * 1024)
    try:
        done = subprocess.run(  # noqa: S603 - our own script, a path we created
            [sys.executable, "-I", str(CHILD), str(path), str(limit)],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ImportFileError(
            "Reading this workbook took too long. Export the sheet as CSV and upload that."
        ) from None
    if done.returncode != 0:
        raise ImportFileError(
            "This workbook could not be read safely (it needs more memory than an attendance "
            "list should, or it is damaged). Export the sheet as CSV and upload that."
        )
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise ImportFileError("This workbook could not be read. Export it as CSV.") from None
