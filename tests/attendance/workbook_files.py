"""Spreadsheet files for the import tests, made here: a minimal valid .xlsx, and the
hostile ones the upload guards must refuse (#11, "Bad input")."""

from __future__ import annotations

import io
import zipfile


def xlsx(rows: list[list[object]], *, dimension: str | None = None) -> bytes:
    """A minimal but valid .xlsx (inline strings) holding `rows` on its first sheet."""

    def col(n: int) -> str:
        s = ""
        n += 1
        while n:
            n, r = divmod(n - 1, 26)
            s = chr(65 + r) + s
        return s

    def esc(v: object) -> str:
        return str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    cells = []
    for r, row in enumerate(rows, start=1):
        parts = []
        for c, v in enumerate(row):
            ref = f"{col(c)}{r}"
            if isinstance(v, int | float) and not isinstance(v, bool):
                parts.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{esc(v)}</t></is></c>')
        cells.append(f'<row r="{r}">{"".join(parts)}</row>')
    last = f"{col(max((len(r) for r in rows), default=1) - 1)}{max(len(rows), 1)}"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{dimension or last}"/><sheetData>{"".join(cells)}</sheetData>'
        "</worksheet>"
    )
    return zip_workbook(sheet)


def zip_workbook(
    sheet_xml: str, *, extra: dict[str, bytes] | None = None, workbook_prefix: str = ""
) -> bytes:
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{workbook_prefix}<workbook xmlns="{ns}/'
            f'spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            '<sheets><sheet name="Attendees" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


# --- hostile files ---------------------------------------------------------------------


def xlsx_zip_bomb(mb: int = 300) -> bytes:
    """A few hundred KB of zip that unpacks to `mb` MB of sheet XML."""
    filler = "<!-- " + "A" * 1024 * 1024 + " -->"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><dimension ref="A1:A1"/><sheetData/>'
        + filler * mb
        + "</worksheet>"
    )
    return zip_workbook(sheet)


def xlsx_entity_bomb() -> bytes:
    dtd = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        't="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    return zip_workbook(sheet)


def xlsx_far_cell() -> bytes:
    """About 1.5 KB: one cell at XFD1048576, which makes calamine allocate gigabytes."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><sheetData><row r="1048576"><c r="XFD1048576">'
        "<v>1</v></c></row></sheetData></worksheet>"
    )
    return zip_workbook(sheet)


def pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
