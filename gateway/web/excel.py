"""Lists and figures as .xlsx (openpyxl), with Chinese headers; cell text is never taken as a formula;
every download written to the audit log."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from gateway.domain.calendar import SHANGHAI
from gateway.services import audit
from gateway.web.common import actor, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title, its header row and the data rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: show Beijing time, as the pages do.
        return value.astimezone(SHANGHAI).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return value


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an .xlsx file."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        sheet.append(list(spec.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(horizontal="center")
        widths = [max(6, len(h) * 2 + 2) for h in spec.headers]
        for row in spec.rows:
            values = [_cell_value(v) for v in row]
            sheet.append(values)
            for index, value in enumerate(values):
                cell = sheet.cell(row=sheet.max_row, column=index + 1)
                if isinstance(value, str):
                    # Citizens write the text: '=HYPERLINK(…)' must stay text, not become a formula.
                    cell.data_type = "s"
                    widths[index] = min(60, max(widths[index], len(value) * (1 if value.isascii() else 2)))
                elif isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    widths[index] = max(widths[index], 17)
        for index, width in enumerate(widths):
            sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_response(listing: str, filters: Mapping[str, Any], name: str, sheets: Sequence[Sheet]) -> Response:
    """A download of the sheets named like 诉求清单-20261123-1000.xlsx, written to the audit log first: who,
    which list (listing), the filters it was cut by and how many data rows it holds."""
    tables = [list(s.rows) for s in sheets]
    content = workbook([Sheet(s.title, s.headers, rows) for s, rows in zip(sheets, tables, strict=True)])
    audit.export(services().db, actor(), listing, filters, sum(map(len, tables)), services().clock())
    stamp = datetime.now(SHANGHAI).strftime("%Y%m%d-%H%M")
    return send_file(
        io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=f"{name}-{stamp}.xlsx"
    )
