"""Reads a Tickmark draft report in Word with python-docx (a reader outside the project) and
prints, as JSON, the headings with their styles and every table row after "Section IV", and
whether the tables' header rows are marked to repeat on each page, all its text, and the text
of its page headers."""
import json
import sys

import docx
from docx.oxml.ns import qn

document = docx.Document(sys.argv[1])
body = document.element.body
headings, rows, repeated, seen = [], [], [], False
for child in body.iterchildren():
    if child.tag == qn("w:p"):
        paragraph = docx.text.paragraph.Paragraph(child, document)
        if paragraph.style.name.startswith("Heading") or paragraph.style.name == "Title":
            headings.append([paragraph.style.name, paragraph.text])
            if paragraph.text.startswith("Section IV"):
                seen = True
            elif paragraph.style.name == "Heading 1":
                seen = seen and paragraph.text.startswith("Section IV")
    elif child.tag == qn("w:tbl") and seen:
        table = docx.table.Table(child, document)
        first = table.rows[0]._tr
        repeated.append(first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None)
        for row in table.rows[1:]:
            rows.append([cell.text for cell in row.cells])
everything = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
headers = [p.text for section in document.sections for p in section.header.paragraphs if p.text]
print(json.dumps({"headings": headings, "rows": rows, "header_rows_repeat": repeated, "text": " ".join(everything), "headers": headers}, ensure_ascii=False))
