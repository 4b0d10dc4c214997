"""Text no database or parser can take is refused at the door, once for every request.

PostgreSQL refuses a NUL character in any text value ("A string literal cannot contain
NUL"), and a body that is not UTF-8 cannot be JSON or CQL; each used to surface as a 500
wherever the value happened to reach SQL or a parser (sign-in, ``q``, ``filter``, unit
codes, ...). One ``before_request`` hook, run before every other hook (authentication
included), checks the path, the query string, form fields and file names, and JSON
strings (keys and values) at any depth, and answers a bilingual 400 naming the place.
A JSON body nested too deeply to parse (RecursionError in every later parser) is a 400 too.
"""

from __future__ import annotations

import json

from flask import Flask, request

from gis.errors import BadRequest, EncodingError, InvalidInput

NUL = "\x00"


def _refuse_nul(where_zh: str, where_en: str) -> None:
    raise InvalidInput(f"{where_zh}含有 NUL 字符（\\u0000）", f"{where_en} contains a NUL character (\\u0000)", details={"where": where_en})


def _check_json(document) -> None:
    """Walk the parsed body without recursion (a deeply nested body must not overflow the stack)."""
    stack = [("$", document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if NUL in node:
                _refuse_nul(f"JSON 字段 {path} ", f"JSON field {path}")
        elif isinstance(node, dict):
            for key, value in node.items():
                if NUL in key:
                    _refuse_nul(f"JSON 字段名 {path} ", f"a JSON field name in {path}")
                stack.append((f"{path}.{key}", value))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", value) for i, value in enumerate(node))


def _check_body() -> None:
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, value in request.form.items(multi=True):
            if NUL in name or NUL in value:
                _refuse_nul(f"表单字段 {name!r} ", f"form field {name!r}")
        for name, upload in request.files.items(multi=True):
            if NUL in name or NUL in (upload.filename or ""):
                _refuse_nul(f"上传文件 {name!r} 的文件名", f"the file name of upload {name!r}")
        return
    # Every other body is text (JSON, CQL2-JSON, process inputs): no endpoint takes raw bytes.
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"请求体不是 UTF-8 编码（第 {exc.start} 字节）",
            f"the request body is not UTF-8 (byte {exc.start})",
            details={"byte": exc.start},
        ) from None
    suspect = NUL in text or "\\u0000" in text
    if not suspect and not text.lstrip().startswith(("[", "{")):
        return
    # Parsed here too because a deeply nested JSON body makes every JSON parser after this
    # hook (Flask's, pygeoapi's) raise RecursionError, which nobody maps to a 400.
    try:
        document = json.loads(text)
    except ValueError:
        if NUL in text:
            _refuse_nul("请求体", "the request body")
        return  # not JSON and no NUL: the endpoint answers its own 400
    except RecursionError:
        raise BadRequest("JSON 嵌套层数过多", "the JSON body is nested too deeply") from None
    if suspect:
        _check_json(document)


def guard() -> None:
    if NUL in request.path:
        _refuse_nul("请求路径", "the request path")
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            _refuse_nul(f"查询参数 {name!r} ", f"query parameter {name!r}")
    _check_body()


def install(app: Flask) -> None:
    """Run ``guard`` before every other ``before_request`` hook of ``app``."""
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
