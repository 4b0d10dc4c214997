"""Files filed with a naming application: the reports 条例 Art.11 asks for
(综合评估 assessment, 专家论证 expert opinion, 征求意见 public consultation; contents
per 实施办法 Art.5) and any other document.

Stored in the database with their SHA-256, size, media type, uploader and time, so
backups and replicas carry them; officers only, never public. A file is never
replaced: a corrected report is a new attachment, and the audit log keeps both.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from gis.errors import Conflict, DimingError, InvalidInput, NotFound, PayloadTooLarge

from . import procedure
from .applications import load
from .registry_models import ATTACHMENT_KINDS, NamingApplication, NamingAttachment

KIND_LABELS = {
    "assessment": ("综合评估报告", "assessment report"),
    "expert_opinion": ("专家论证报告", "expert opinion"),
    "public_consultation": ("征求意见报告", "public consultation report"),
    "other": ("其他材料", "other document"),
}
GENERIC_TYPES = ("", "application/octet-stream")


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    sha256: str
    content: bytes


def _media_type(filename: str, declared: str | None) -> str:
    declared = (declared or "").split(";")[0].strip().lower()
    if declared not in GENERIC_TYPES:
        return declared[:100]
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _filename(name: str | None) -> str:
    """The file's own name without any directory part a browser may send."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base:
        raise InvalidInput("上传的文件没有文件名", "The uploaded file has no file name")
    return base[:200]


@dataclass(frozen=True)
class NewAttachment:
    """A document checked and ready to file (kind, name, size, digest), not yet stored."""

    kind: str
    filename: str
    media_type: str
    content: bytes
    sha256: str
    note: str | None


def prepare(
    *, kind: Any, filename: str | None, content: bytes, media_type: str | None = None, note: str | None = None, max_bytes: int
) -> NewAttachment:
    """Check one document before anything is written: kind, name, not empty, not too large."""
    if kind not in ATTACHMENT_KINDS:
        raise InvalidInput(
            f"附件类型应为 {'、'.join(ATTACHMENT_KINDS)} 之一",
            f"kind must be one of {', '.join(ATTACHMENT_KINDS)}",
            details={"kinds": list(ATTACHMENT_KINDS)},
        )
    name = _filename(filename)
    if not content:
        raise InvalidInput(f"文件“{name}”是空的", f"The file '{name}' is empty")
    if len(content) > max_bytes:
        raise PayloadTooLarge(
            f"文件超过 {max_bytes} 字节的上限",
            f"The file is larger than the limit of {max_bytes} bytes",
            details={"limit_bytes": max_bytes},
        )
    return NewAttachment(
        kind, name, _media_type(name, media_type), content, hashlib.sha256(content).hexdigest(), (note or "").strip() or None
    )


def attach(session, application: NamingApplication, new: NewAttachment, *, actor: str) -> NamingAttachment:
    """File ``new`` with an open application inside the caller's transaction (409 once final)."""
    if application.state in procedure.FINAL_STATES:
        zh_state, en_state = procedure.LABELS[application.state]
        raise Conflict(
            f"申报已{zh_state}，不能再添加{KIND_LABELS[new.kind][0]}",
            f"The application is {en_state}; no more documents can be filed with it",
        )
    attachment = NamingAttachment(
        application_id=application.id,
        kind=new.kind,
        filename=new.filename,
        media_type=new.media_type,
        size_bytes=len(new.content),
        sha256=new.sha256,
        note=new.note,
        uploaded_by=actor,
        uploaded_at=procedure.now(),
        content=new.content,
    )
    session.add(attachment)
    session.flush()
    return attachment


def add_attachment(
    store,
    application_id: int,
    *,
    kind: Any,
    filename: str | None,
    content: bytes,
    media_type: str | None = None,
    note: str | None = None,
    actor: str,
    max_bytes: int,
) -> dict[str, Any]:
    """File one document with an open application; returns its description."""
    new = prepare(kind=kind, filename=filename, content=content, media_type=media_type, note=note, max_bytes=max_bytes)
    label_en = KIND_LABELS[new.kind][1]
    with store.transaction(actor=actor, reason=f"attach {label_en} to application {application_id}: {new.filename}") as session:
        return describe(attach(session, load(session, application_id), new, actor=actor))


def describe(attachment: NamingAttachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "application_id": attachment.application_id,
        "kind": attachment.kind,
        "kind_label": dict(zip(("zh", "en"), KIND_LABELS[attachment.kind], strict=True)),
        "filename": attachment.filename,
        "media_type": attachment.media_type,
        "size_bytes": attachment.size_bytes,
        "sha256": attachment.sha256,
        "note": attachment.note,
        "uploaded_by": attachment.uploaded_by,
        "uploaded_at": attachment.uploaded_at.isoformat(),
    }


def listing(session, application_id: int) -> list[dict[str, Any]]:
    """The application's attachments, oldest first, without their contents."""
    rows = session.scalars(select(NamingAttachment).where(NamingAttachment.application_id == application_id).order_by(NamingAttachment.id))
    return [describe(a) for a in rows]


def list_attachments(store, application_id: int) -> list[dict[str, Any]]:
    with store.read() as session:
        load(session, application_id)
        return listing(session, application_id)


def download(store, application_id: int, attachment_id: int) -> Download:
    """One attachment's content, checked against its stored SHA-256."""
    with store.read() as session:
        attachment = session.get(NamingAttachment, attachment_id)
        if attachment is None or attachment.application_id != application_id:
            raise NotFound(
                f"申报 {application_id} 没有附件 {attachment_id}", f"Application {application_id} has no attachment {attachment_id}"
            )
        content = attachment.content
        if hashlib.sha256(content).hexdigest() != attachment.sha256:
            raise DimingError(
                "附件内容与登记的校验值不符",
                "The attachment's content does not match its recorded SHA-256",
                details={"attachment_id": attachment_id},
            )
        return Download(attachment.filename, attachment.media_type, attachment.sha256, content)
