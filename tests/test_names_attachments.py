"""Files filed with a naming application (assessment, expert opinion, public
consultation, other): stored in the database with SHA-256, size, media type,
uploader and time; listed and downloaded by officers only; audited; bad uploads
refused with bilingual 4xx. Both backends."""

from __future__ import annotations

import hashlib
import io

import pytest
from apitools import bearer

from gis.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from gis.settings import Settings
from placenames import applications, attachments, transitions

PDF = b"%PDF-1.4\n" + "综合评估报告：合法性、可行性、可控性、社会影响、风险及应对措施。\n".encode() * 50 + b"%%EOF\n"


def new_application(store):
    return applications.create_application(
        store,
        {"kind": "name", "proposed_name": "子泰东路", "category_code": "23510", "reasons": "新建道路需要命名", "applicant_name": "张三"},
        actor="wang",
    )


def attach(store, app_id, kind="assessment", content=PDF, filename="评估报告.pdf", media_type="application/pdf", max_bytes=10_000):
    return attachments.add_attachment(
        store, app_id, kind=kind, filename=filename, content=content, media_type=media_type, actor="wang", max_bytes=max_bytes
    )


def test_each_report_is_stored_with_its_hash_and_audited(store):
    app_id = new_application(store)
    stored = attach(store, app_id)
    assert (stored["kind"], stored["filename"], stored["media_type"], stored["size_bytes"]) == (
        "assessment",
        "评估报告.pdf",
        "application/pdf",
        len(PDF),
    )
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest() and stored["uploaded_by"] == "wang"
    expert = attach(
        store, app_id, kind="expert_opinion", content=b"expert", filename="C:\\docs\\expert.txt", media_type="application/octet-stream"
    )
    assert (expert["filename"], expert["media_type"]) == ("expert.txt", "text/plain")  # no client path; type from the name
    attach(store, app_id, kind="public_consultation", content=b"consultation", filename="consult.docx", media_type=None)
    listed = attachments.list_attachments(store, app_id)
    assert [a["kind"] for a in listed] == ["assessment", "expert_opinion", "public_consultation"]
    assert "content" not in listed[0]
    assert [a["id"] for a in applications.officer_view(store, app_id)["attachments"]] == [a["id"] for a in listed]
    found = attachments.download(store, app_id, stored["id"])
    assert (found.content, found.sha256, found.filename) == (PDF, stored["sha256"], "评估报告.pdf")
    audit = store.history("naming_attachments", stored["id"])
    assert [(e.action, e.actor) for e in audit] == [("insert", "wang")] and audit[0].after["sha256"] == stored["sha256"]
    assert "评估报告.pdf" in audit[0].reason


def test_bad_uploads_are_refused_and_write_nothing(store):
    app_id = new_application(store)
    with pytest.raises(InvalidInput) as empty:
        attach(store, app_id, content=b"")
    assert "空" in empty.value.zh and "empty" in empty.value.en
    with pytest.raises(InvalidInput) as kind:
        attach(store, app_id, kind="photo")
    assert kind.value.details["kinds"] == ["assessment", "expert_opinion", "public_consultation", "other"]
    with pytest.raises(PayloadTooLarge) as large:
        attach(store, app_id, content=b"x" * 101, max_bytes=100)
    assert large.value.http_status == 413 and large.value.zh and large.value.en
    with pytest.raises(InvalidInput):
        attach(store, app_id, filename="  ")
    with pytest.raises(NotFound):
        attach(store, app_id + 99)
    with pytest.raises(NotFound):
        attachments.download(store, app_id + 99, 1)
    assert attachments.list_attachments(store, app_id) == []


def test_no_documents_after_the_application_is_closed(store):
    app_id = new_application(store)
    attach(store, app_id, kind="other")
    transitions.apply_action(store, app_id, "withdraw", {"reason": "申请人撤回"}, actor="wang")
    with pytest.raises(Conflict) as refused:
        attach(store, app_id)
    assert refused.value.http_status == 409 and "withdrawn" in refused.value.en
    assert len(attachments.list_attachments(store, app_id)) == 1  # what was filed stays


@pytest.fixture
def client(store, tmp_path):
    from server import create_app

    return create_app(Settings(database_url=store.url, work_dir=str(tmp_path / "run"), max_body_mb=1)).test_client()


def upload(client, app_id, headers, *, content=PDF, kind="assessment", filename="评估报告.pdf"):
    data = {"kind": kind, "note": "第一版"}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename, "application/pdf")
    return client.post(f"/api/v1/applications/{app_id}/attachments", data=data, headers=headers, content_type="multipart/form-data")


def test_attachments_over_http_for_officers_only(store, client):
    officer, planner = bearer(store, "wang", "placename_officer"), bearer(store, "li", "planner")
    app_id = new_application(store)
    assert upload(client, app_id, {}).status_code == 401
    assert upload(client, app_id, planner).status_code == 403
    created = upload(client, app_id, officer)
    body = created.get_json()
    assert created.status_code == 201 and (body["kind"], body["note"], body["sha256"]) == (
        "assessment",
        "第一版",
        hashlib.sha256(PDF).hexdigest(),
    )
    path = f"/api/v1/applications/{app_id}/attachments"
    assert client.get(path).status_code == 401 and client.get(path, headers=planner).status_code == 403
    assert [a["filename"] for a in client.get(path, headers=officer).get_json()["attachments"]] == ["评估报告.pdf"]
    assert client.get(f"{path}/{body['id']}").status_code == 401
    downloaded = client.get(f"{path}/{body['id']}", headers=officer)
    assert downloaded.status_code == 200 and downloaded.data == PDF and downloaded.mimetype == "application/pdf"
    assert "attachment" in downloaded.headers["Content-Disposition"] and downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in downloaded.headers["Cache-Control"]
    assert client.get(f"/api/v1/applications/{app_id + 1}/attachments/{body['id']}", headers=officer).status_code == 404
    assert "评估报告" not in str(client.get(f"/api/v1/notices/{app_id}").get_json())


@pytest.mark.parametrize(
    "kwargs,status,words",
    [
        ({"content": b""}, 400, "empty"),
        ({"kind": "photo"}, 400, "kind"),
        ({"content": None}, 400, "file"),
        ({"content": b"x" * (1024 * 1024 + 10)}, 413, "large"),
    ],
)
def test_bad_uploads_over_http_are_bilingual_4xx(store, client, kwargs, status, words):
    officer = bearer(store, "wang", "placename_officer")
    app_id = new_application(store)
    refused = upload(client, app_id, officer, **kwargs)
    assert refused.status_code == status
    message = refused.get_json()["message"]
    assert message["zh"] and words in message["en"].lower()
    assert client.get(f"/api/v1/applications/{app_id}/attachments", headers=officer).get_json()["attachments"] == []
