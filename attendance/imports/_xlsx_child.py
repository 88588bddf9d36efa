"""Child process: print the first sheet of an .xlsx as JSON rows of text, under a memory cap.

Run as `python -I _xlsx_child.py PATH LIMIT_BYTES`. Imports nothing from ASTN, so a
hostile workbook can at worst kill this process (`attendance.imports.xlsx`).
"""

import json
import resource
import sys
from datetime import date, datetime, time, timedelta


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(round(value.total_seconds() / 60))
    return str(value)


def main() -> int:
    path, limit = sys.argv[1], int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = []
    for row in sheet.iter_rows():
        cells = [text(v) for v in row]
        while cells and not cells[-1]:  # a far-away cell must not pad every row
            cells.pop()
        rows.append(cells)
    sys.stdout.write(json.dumps(rows, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
