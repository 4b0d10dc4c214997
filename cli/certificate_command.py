"""``diming numbers certificate``: an address's 门牌证 or 地址证明 as a printable HTML page or a .docx file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click


@click.command("certificate")
@click.argument("address_id", type=int)
@click.option("--kind", type=click.Choice(["plate", "proof"]), required=True, help="门牌证 (plate) or 地址证明 (proof).")
@click.option("--format", "fmt", type=click.Choice(["html", "docx"]), help="Default: from the suffix of --out (.docx, else html).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--building", help="幢 (building) number, e.g. 3.")
@click.option("--unit", help="单元 (unit) number, e.g. 2.")
@click.option("--room", help="室 (room) number, e.g. 501.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--actor", help="The officer issuing it (default: cli:<user>).")
@click.pass_obj
def certificate(obj, address_id, kind, fmt, out, building, unit, room, lang, actor) -> None:
    """Issue (or reprint) the certificate of door plate ADDRESS_ID and write it to --out."""
    import getpass

    from gis.documents import to_docx
    from pages.printing import to_html
    from placenames.numbering import certificates

    fmt = fmt or ("docx" if out.lower().endswith(".docx") else "html")
    who = actor or f"cli:{getpass.getuser()}"
    doc = certificates.issue(obj.store, address_id, kind, actor=who, lang=lang, building=building, unit=unit, room=room)
    content = to_docx(doc) if fmt == "docx" else to_html(doc).encode("utf-8")
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".diming-certificate-")
    with os.fdopen(handle, "wb") as stream:  # written whole, then renamed: never a half file
        stream.write(content)
    os.replace(temporary, target)
    click.echo(f"{doc.number} {doc.title} -> {target}")
