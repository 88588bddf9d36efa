"""Parsing attendance files: from an uploaded file to people, events and skipped rows.

Nothing in this package writes to the database; `attendance.services.imports` does.

- `files`: size and type checks, encoding (charset-normalizer) and delimiter
  (`csv.Sniffer`) detection, `.xlsx` through `xlsx` (zip-bomb, entity-bomb and
  dimension checks, then python-calamine in a memory-limited child process);
- `formats`: one module per platform export, detected from the header signature;
- `merge`: rejoins folded into one attendance per person per event;
- `staging`: the COPY into a temporary table that the set-based writes start from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from attendance.imports.files import Table, read_table
from attendance.imports.formats import FORMATS, detect
from attendance.imports.records import Parsed


@dataclass
class Reading:
    table: Table
    detected: str
    parsed: Parsed


def parse_file(
    path: Path, *, tz: tzinfo, format: str = "", mapping: dict[str, str] | None = None
) -> Reading:
    """Read the file at `path`, detect its format (or use `format`) and parse it.

    Raise `attendance.errors.ImportFileError` when the file is not a usable table.
    """
    table = read_table(path)
    return parse_table(table, tz=tz, format=format, mapping=mapping)


def parse_table(
    table: Table, *, tz: tzinfo, format: str = "", mapping: dict[str, str] | None = None
) -> Reading:
    from attendance.errors import ImportFileError

    detected = detect(table.rows)
    name = format if format in FORMATS else detected
    module = FORMATS[name]
    if name == "generic":
        parsed = module.parse(table.rows, tz=tz, mapping=mapping)
    else:
        parsed = module.parse(table.rows, tz=tz)
    if not parsed.rows and not parsed.skipped:
        raise ImportFileError(
            "The file has column names but no rows of people. Export the report again "
            "after the event has taken place."
            if len([r for r in table.rows if any(c.strip() for c in r)]) <= 1 or name != "generic"
            else "No rows of people were found in the file."
        )
    return Reading(table=table, detected=detected, parsed=parsed)
