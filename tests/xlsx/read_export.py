"""Reads a workbook `tickmark export` wrote with openpyxl (a reader outside the project) and
prints, as JSON, each sheet as a spreadsheet program sees it: its name, the frozen cell, the
filtered range, and every row with each cell's kind (date, number, text) and number format."""
import datetime
import json
import sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])


def cell(c):
    if c.value is None:
        return None
    if isinstance(c.value, datetime.datetime):
        return {"date": c.value.date().isoformat(), "format": c.number_format}
    if isinstance(c.value, (int, float)):
        return {"number": c.value, "format": c.number_format}
    return {"text": c.value, "format": c.number_format, "formula": c.data_type == "f"}


sheets = []
for ws in book.worksheets:
    sheets.append({
        "name": ws.title,
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "rows": [[cell(c) for c in row] for row in ws.iter_rows()],
    })
print(json.dumps(sheets, ensure_ascii=False))
