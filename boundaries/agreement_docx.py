"""The 联检协议书 as a Word file (.docx, python-docx), for the parties to edit the
letterhead, print and stamp: the same content and clauses as the printable page."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .agreement import SYNTHETIC_NOTE, clauses

CHINESE_FONT = "宋体"  # Word's usual body face for Chinese; the reader's Word substitutes if absent
MARKER_HEADINGS = ("界桩号", "类型", "管护方", "检查结果", "位移（米）", "处理", "备注")
FINDING_HEADINGS = ("类型", "起（千米）", "止（千米）", "情况")


def _chinese_font(document) -> None:
    """Word picks the East Asian face from its own attribute, not from the font name."""
    style = document.styles["Normal"]
    style.font.name = CHINESE_FONT
    style.font.size = Pt(11)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CHINESE_FONT)


def _table(document, headings, rows) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = "—" if value is None or value == "" else str(value)


def agreement_docx(doc: dict) -> bytes:
    """The agreement ``doc`` (from ``agreement.agreement``) as the bytes of a .docx file."""
    document = Document()
    _chinese_font(document)
    title = document.add_heading(doc["title"], level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(f"联检编号 {doc['campaign']}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc["synthetic"]:
        document.add_paragraph(SYNTHETIC_NOTE)
    for heading, text in clauses(doc):
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
    if doc["line"]["description"]:
        document.add_heading("界线走向说明", level=2)
        document.add_paragraph(doc["line"]["description"])
    document.add_heading("附表一 界桩检查结果", level=2)
    _table(
        document,
        MARKER_HEADINGS,
        [(m["code"], m["type"], m["responsible"], m["status"], m["displacement_m"], m["action"], m["remarks"]) for m in doc["markers"]],
    )
    document.add_heading("附表二 界线沿线情况", level=2)
    if doc["findings"]:
        _table(document, FINDING_HEADINGS, [(f["kind"], f["from_km"], f["to_km"], f["description"]) for f in doc["findings"]])
    else:
        document.add_paragraph("无")
    if doc["addenda"]:
        document.add_heading("补充记录", level=2)
        document.add_paragraph("、".join(doc["addenda"]))
    document.add_heading("签认", level=2)
    signatures = document.add_table(rows=1, cols=2)
    for cell, party in zip(signatures.rows[0].cells, doc["parties"], strict=True):
        lines = [
            f"{party['role']}：{party['name']}（单位代码 {party['code']}）",
            f"代表签字：{party['signatory']}",
            f"签认时间：{party['signed_at'] or '—'}",
        ]
        if party["paper"]:
            lines.append(f"书面签认文书：{party['paper']}")
        lines.append("（盖章）")
        cell.text = "\n".join(lines)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
