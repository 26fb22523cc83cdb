"""Plays the client: opens the request list Tickmark exported (openpyxl, a library outside the
project), writes into it as a client would, saves it under a new name, and prints, as JSON, the
statuses the Status column's drop-down offers.

Usage: client_reply.py EXPORTED.xlsx REPLY.xlsx EDITS.json
EDITS is a list of {"reference", and any of "status", "due" (YYYY-MM-DD or a text as typed),
"comments", "files"}; a reference not on the list adds a row with it.
"""
import datetime
import json
import sys

import openpyxl

exported, reply, edits = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3], encoding="utf-8"))
book = openpyxl.load_workbook(exported)
sheet = book["Requests"]
header = [cell.value for cell in sheet[1]]
column = {name: header.index(name) + 1 for name in header}
rows = {sheet.cell(row=r, column=column["Reference"]).value: r for r in range(2, sheet.max_row + 1)}
for edit in edits:
    r = rows.get(edit["reference"])
    if r is None:
        r = sheet.max_row + 1
        sheet.cell(row=r, column=column["Reference"], value=edit["reference"])
    if "status" in edit:
        sheet.cell(row=r, column=column["Status"], value=edit["status"])
    if "due" in edit:
        try:
            value = datetime.date.fromisoformat(edit["due"])
        except ValueError:
            value = edit["due"]
        sheet.cell(row=r, column=column["Due"], value=value)
    if "comments" in edit:
        sheet.cell(row=r, column=column["Client comments"], value=edit["comments"])
    if "files" in edit:
        sheet.cell(row=r, column=column["File names"], value=edit["files"])
book.save(reply)
offered = [v.formula1 for v in sheet.data_validations.dataValidation]
print(json.dumps({"dropdowns": offered}))
