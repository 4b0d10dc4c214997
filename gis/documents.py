"""A printable official document (公示, 公告, ...) as plain data, and its Word (.docx) file.

Why plain data: the same document is printed from a web page (HTML, pages/printing.py),
saved as .docx for the office's own letterhead and archive, and written by the command
line; one structure keeps the three the same. Every value is text: nothing in a
document is ever read as markup, in HTML or in Word.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

CHINESE_FONT = "SimSun"  # 宋体, the usual face of printed official documents


@dataclass(frozen=True)
class PrintDocument:
    """One document: heading, number (文号), issuer, a table of facts, notes, signature and date."""

    lang: str
    title: str
    number: str | None
    issuer: str
    intro: str
    fields: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    date: str = ""

    def to_dict(self) -> dict:
        return {
            "lang": self.lang,
            "title": self.title,
            "number": self.number,
            "issuer": self.issuer,
            "intro": self.intro,
            "fields": [{"label": label, "value": value} for label, value in self.fields],
            "notes": list(self.notes),
            "date": self.date,
        }


def _font(run, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = CHINESE_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CHINESE_FONT)


def _paragraph(document, text: str, size: float = 12, *, bold: bool = False, align=None):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), size, bold=bold)
    return paragraph


def to_docx(doc: PrintDocument) -> bytes:
    """The document as a Word file on A4: number, title, introduction, the facts in a
    two-column table, notes, then issuer and date on the right."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    document.core_properties.title = doc.title
    document.core_properties.author = doc.issuer
    if doc.number:
        _paragraph(document, doc.number, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, doc.title, 18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, doc.intro)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in doc.fields:
        left, right = table.add_row().cells
        left.width, right.width = Cm(4), Cm(11.8)
        _font(left.paragraphs[0].add_run(label), 11, bold=True)
        _font(right.paragraphs[0].add_run(value), 11)
    for note in doc.notes:
        _paragraph(document, note)
    _paragraph(document, doc.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, doc.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
