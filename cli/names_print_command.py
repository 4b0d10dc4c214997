"""``diming names print``: a naming application's 公示 or 公告 as a printable HTML page or a .docx file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click


@click.command("print")
@click.argument("application_id", type=int)
@click.option(
    "--kind", "document", type=click.Choice(["notice", "announcement"]), required=True, help="公示 (notice) or 公告 (announcement)."
)
@click.option("--format", "fmt", type=click.Choice(["html", "docx"]), help="Default: from the suffix of --out (.docx, else html).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--base-url", help="The public site's address for the notice's comment link. Default: DIMING_PUBLIC_URL.")
@click.pass_obj
def print_command(obj, application_id, document, fmt, out, lang, base_url) -> None:
    """Write the 公示 or 公告 of application APPLICATION_ID (A4 HTML with its stylesheet, or Word)."""
    from gis.documents import to_docx
    from pages.printing import to_html
    from placenames import documents

    fmt = fmt or ("docx" if out.lower().endswith(".docx") else "html")
    url = f"{(base_url or obj.settings.public_url).rstrip('/')}/notices/{application_id}"
    doc = documents.build(obj.store, application_id, document, lang=lang, officer=True, comment_url=url)
    content = to_docx(doc) if fmt == "docx" else to_html(doc).encode("utf-8")
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".diming-print-")
    with os.fdopen(handle, "wb") as stream:  # written whole, then renamed: never a half file
        stream.write(content)
    os.replace(temporary, target)
    click.echo(f"{doc.number or '—'} {doc.title} -> {target}")
