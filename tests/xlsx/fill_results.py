"""Fills in the test grid of one control's sheet in a workbook `tickmark export` wrote, the way
an auditor testing in Excel would, with openpyxl (a library outside the project). Prints, as
JSON, the outcomes and notes it wrote: {"<item number>:<attribute label>": [outcome, note]}.

Modes make the malformed sheets the import must refuse:
  fill             every cell, a deviation on item 2 (attribute A) and N/A on item 3 (B)
  unknown_item     fill, then change item 4's key to one not in the sample
  bad_outcome      fill, then write "maybe" as item 5's outcome for attribute A
  unknown_attr     a second sheet is not used: writes a list sheet (key, attribute, outcome)
                   whose row 3 names attribute "Z"
"""
import json
import sys

import openpyxl

source, target, control, mode = sys.argv[1:5]
book = openpyxl.load_workbook(source)
sheet = next(ws for ws in book.worksheets if ws["A1"].value == "Control" and ws["B1"].value == control)
header_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "#" and sheet.cell(r, 3).value == "Key")
header = [sheet.cell(header_row, c).value for c in range(1, sheet.max_column + 1)]
attributes = [(h.split(":")[0], i + 1) for i, h in enumerate(header) if h and ":" in h and not h.endswith(" note")]
written = {}
r = header_row + 1
items = []
while sheet.cell(r, 1).value not in (None, ""):
    number, key = int(sheet.cell(r, 1).value), sheet.cell(r, 3).value
    items.append((number, key))
    for label, col in attributes:
        outcome, note = "✓", None
        if number == 2 and label == "A":
            outcome, note = "X", "Approved two days after deployment"
        if number == 3 and label == "B":
            outcome, note = "N/A", "Standard change: no second approver required"
        sheet.cell(r, col).value = outcome
        sheet.cell(r, col + 1).value = note
        written[f"{number}:{label}"] = [outcome, note]
    r += 1

if mode == "unknown_item":
    sheet.cell(header_row + 4, 3).value = "CHG9999999"
elif mode == "bad_outcome":
    sheet.cell(header_row + 5, attributes[0][1]).value = "maybe"
elif mode == "unknown_attr":
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["key", "attribute", "outcome", "note"])
    ws.append([items[0][1], "A", "pass", None])
    ws.append([items[1][1], "Z", "pass", None])
book.save(target)
print(json.dumps(written))
