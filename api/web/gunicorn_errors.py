"""Errors gunicorn answers itself, before the app sees the request, as the app's bilingual JSON.

A request line gunicorn cannot parse (raw UTF-8 in the URL, as curl sends it when a
Chinese name is typed unencoded; a URL over its length limit; bad headers) never
reaches Flask, so gunicorn wrote its own English HTML page. ``diming serve`` runs
``JsonErrorThreadWorker``, whose process writes those refusals in the same shape as
``api.web.errors``: ``{"code", "status", "message": {"zh", "en"}, "description"}``.
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

#: status -> (code, Chinese, English) for the refusals gunicorn makes.
MESSAGES = {
    400: (
        "bad-request",
        "请求无效：URL 中的中文等非 ASCII 字符须先做百分号编码（如 curl -G --data-urlencode 'q=子君路'）",
        "Bad request: non-ASCII characters in a URL must be percent-encoded (e.g. curl -G --data-urlencode 'q=...')",
    ),
    403: ("forbidden", "请求被拒绝", "Request forbidden"),
    414: ("uri-too-long", "URL 过长：请缩短查询，或用 POST 提交", "URI too long: shorten the query or send it with POST"),
    417: ("expectation-failed", "不支持请求的 Expect 头", "The request's Expect header is not supported"),
    431: ("headers-too-large", "请求头过大", "Request header fields too large"),
    500: ("internal-error", "服务器内部错误", "Internal server error"),
    501: ("not-implemented", "不支持请求的传输编码", "The request's transfer coding is not supported"),
}


def error_body(status: int, detail: str) -> bytes:
    """The JSON body for ``status`` (the app's error shape); ``detail`` is gunicorn's own words."""
    code, zh, en = MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500])
    document = {"code": code, "status": status, "message": {"zh": zh, "en": en}, "description": f"{zh} / {en}", "detail": detail}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for ``gunicorn.util.write_error`` answering in JSON."""
    body = error_body(status_int, mesg)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class JsonErrorThreadWorker(ThreadWorker):
    """gunicorn's threaded worker whose own refusals are bilingual JSON."""

    def init_process(self) -> None:
        util.write_error = write_json_error  # this process serves only diming
        super().init_process()
