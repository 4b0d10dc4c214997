"""A printable document (gis.documents.PrintDocument) as an A4 HTML page.

One template serves the web page (the stylesheet linked, so the CSP needs no inline
style) and the command line's standalone file (the same stylesheet embedded, so the
file prints anywhere). Jinja escapes every value: a name with markup prints as text.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from gis.documents import PrintDocument
from pages.rendering import STATIC, TEMPLATES

PRINT_CSS = Path(STATIC) / "print.css"
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)

# The screen-only bar above the page (not printed).
TOOLBAR = {
    "zh": {"hint": "用浏览器的“打印”（Ctrl+P）打印本页，纸张 A4。", "docx": "下载 Word 文件（.docx）", "other": "English"},
    "en": {"hint": "Print this page with the browser's Print (Ctrl+P), A4 paper.", "docx": "Download as Word (.docx)", "other": "中文"},
}


def to_html(doc: PrintDocument, *, stylesheet: str | None = None, docx_url: str | None = None, lang_switch: str | None = None) -> str:
    """The page; ``stylesheet`` is print.css's URL, or None to embed it (a standalone file)."""
    inline = None if stylesheet else PRINT_CSS.read_text(encoding="utf-8")
    return _ENV.get_template("pages/document_print.html").render(
        doc=doc, stylesheet=stylesheet, inline_css=inline, docx_url=docx_url, lang_switch=lang_switch, bar=TOOLBAR[doc.lang]
    )
