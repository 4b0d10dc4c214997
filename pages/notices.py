"""The public notice board (公示与公告): notices open for comment and names announced,
each on the map; a notice's page with the comment form (no sign-in); and the printable
公示 and 公告 (A4 pages rendered here, with no script at all, and .docx from the API)."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from pages.printing import to_html
from pages.rendering import TEMPLATES, language, render
from placenames.procedure import KIND_LABELS

blueprint = Blueprint("notices", __name__, url_prefix="/notices", template_folder=TEMPLATES)

TEXTS: dict[str, tuple[str, str]] = {
    "board_title": ("地名公示与公告", "Place-name notices and announcements"),
    "board_intro": (
        "公示期内的地名命名、更名、销名事项，任何人无须登录即可查看并提出意见；已公告的地名同列于下方。",
        "Naming, renaming and cancellation of place names in public notice: anyone may read them and comment, "
        "no sign-in needed. Names announced are listed below.",
    ),
    "open_notices": ("公示中", "In public notice"),
    "no_open_notices": ("目前没有公示中的事项", "No notice is open now"),
    "announced_names": ("已公告地名", "Names announced"),
    "no_announcements": ("尚无已公告的地名", "No name has been announced yet"),
    "map_label": ("地图：公示和公告地名的位置", "Map: where the names in notice and announced lie"),
    "notice_period_fmt": ("公示期：{start} 至 {end}", "Notice: {start} to {end}"),
    "period_fmt": ("{start} 至 {end}", "{start} to {end}"),
    "announced_fmt": ("公告日期：{date}", "Announced on {date}"),
    "details": ("查看详情并提出意见", "Details and comments"),
    "details_announced": ("查看公告", "View the announcement"),
    "back_to_board": ("返回公示与公告", "Back to notices and announcements"),
    "field_number": ("文号", "Document number"),
    "field_kind": ("事项", "Matter"),
    "field_name": ("名称", "Name"),
    "field_former_name": ("原名称", "Former name"),
    "field_romanization": ("罗马字母拼写", "Romanization"),
    "field_category": ("地名类别", "Category"),
    "field_area": ("所在行政区", "Administrative area"),
    "field_location": ("位置描述", "Location"),
    "field_reasons": ("理由", "Reason"),
    "field_notice_period": ("公示期", "Notice period"),
    "field_approval": ("批准", "Approval"),
    "field_announced_on": ("公告日期", "Announced on"),
    "print_notice": ("打印公示", "Print the notice"),
    "print_announcement": ("打印公告", "Print the announcement"),
    "download_docx": ("下载 Word 文件（.docx）", "Download as Word (.docx)"),
    "comment_title": ("提出意见", "Comment on this notice"),
    "comment_body": ("意见内容（必填）", "Your comment (required)"),
    "comment_name": ("姓名（可不填，不公开）", "Name (optional, never published)"),
    "comment_contact": ("联系方式（可不填，不公开，仅用于答复）", "Contact (optional, never published, only to reply)"),
    "comment_submit": ("提交意见", "Send the comment"),
    "comment_limit_fmt": ("最多 {n} 字", "At most {n} characters"),
    "comment_sent": ("意见已提交，谢谢。", "Your comment has been received. Thank you."),
    "comment_refused_fmt": ("未能提交：{message}", "Not sent: {message}"),
    "comment_closed": ("此事项不在公示期内，不接受意见。", "This matter is not in public notice; comments are closed."),
    "comments_received": ("已收到的意见", "Comments received"),
    "no_comments": ("尚无意见", "No comments yet"),
    "not_found": ("找不到该事项", "No such matter"),
    **{f"kind_{kind}": label for kind, label in KIND_LABELS.items()},
}

MAX_COMMENT = 2000
MAX_NAME = 100
MAX_CONTACT = 200


@blueprint.get("/", strict_slashes=False)
def board():
    return render("pages/notices.html", TEXTS)


@blueprint.get("/<int:application_id>")
def notice(application_id: int):
    limits = {"body": MAX_COMMENT, "name": MAX_NAME, "contact": MAX_CONTACT}
    return render("pages/notice.html", TEXTS, application_id=application_id, limits=limits)


@blueprint.get("/<int:application_id>/<document>/print")
def print_page(application_id: int, document: str):
    """The 公示 or 公告 as an A4 page to print (print.css; no script)."""
    from api.inputs import current_store
    from api.notice_documents import comment_url, is_officer
    from placenames import documents

    doc = documents.build(
        current_store(), application_id, document, lang=language(), officer=is_officer(), comment_url=comment_url(application_id)
    )
    docx = url_for("notice_documents.document", application_id=application_id, document=document, format="docx", lang=language())
    return to_html(doc, stylesheet=url_for("pages.static", filename="print.css"), docx_url=docx, lang_switch=_other_language_url())


def _other_language_url() -> str:
    return request.path + ("?lang=zh" if language() == "en" else "?lang=en")
