"""Cells for the CSV and .xlsx files ASTN hands out (DESIGN §12: exports).

A spreadsheet may run text that starts with `=`, `+`, `-` or `@` as a formula, and treats
a leading tab, carriage return or NUL as a control character (OWASP "CSV injection").
Every file we write passes its cells through `safe_cell`: the member export, a program's
attendance grid, an import's skipped rows.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\x00")


def safe_cell(value: Any) -> Any:
    """`value` fit for a spreadsheet cell: text that starts like a formula gets a leading
    `'`; numbers, dates and None stay as they are (a typed .xlsx cell, "" in a CSV)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
