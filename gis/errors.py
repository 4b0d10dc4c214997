"""One exception tree for the whole product.

Every error a user can cause carries its HTTP status, a stable machine code and a
message in Chinese and English. The web layer renders them in one handler; the CLI
prints them and exits non-zero. Domain code raises them without knowing about HTTP.
"""

from __future__ import annotations

from typing import Any


class DimingError(Exception):
    """Root of all errors diming reports to a person."""

    http_status = 500
    code = "internal-error"
    default_zh = "服务器内部错误"
    default_en = "Internal server error"

    def __init__(self, zh: str | None = None, en: str | None = None, *, details: Any = None):
        self.zh = zh or self.default_zh
        self.en = en or self.default_en
        self.details = details
        super().__init__(f"{self.en} / {self.zh}")

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "status": self.http_status,
            "message": {"zh": self.zh, "en": self.en},
            "description": f"{self.zh} / {self.en}",
        }
        if self.details is not None:
            body["details"] = self.details
        return body


class BadRequest(DimingError):
    http_status = 400
    code = "bad-request"
    default_zh = "请求无效"
    default_en = "Bad request"


class InvalidInput(BadRequest):
    code = "invalid-input"
    default_zh = "输入数据无效"
    default_en = "Invalid input data"


class InvalidGeometry(InvalidInput):
    code = "invalid-geometry"
    default_zh = "几何图形无效"
    default_en = "Invalid geometry"


class CRSError(BadRequest):
    code = "invalid-crs"
    default_zh = "坐标参考系无效或缺失"
    default_en = "Invalid or missing coordinate reference system"


class EncodingError(BadRequest):
    code = "invalid-encoding"
    default_zh = "文本编码无法识别"
    default_en = "Text encoding could not be decoded"


class UnsupportedFormat(BadRequest):
    code = "unsupported-format"
    default_zh = "不支持的文件格式"
    default_en = "Unsupported file format"


class NotFound(DimingError):
    http_status = 404
    code = "not-found"
    default_zh = "未找到"
    default_en = "Not found"


class Conflict(DimingError):
    http_status = 409
    code = "conflict"
    default_zh = "与现有数据冲突"
    default_en = "Conflicts with existing data"


class VersionConflict(Conflict):
    code = "version-conflict"
    default_zh = "数据已被他人修改，请刷新后重试"
    default_en = "The record was changed by someone else; reload and try again"


class DuplicateName(Conflict):
    code = "duplicate"
    default_zh = "名称或编号重复"
    default_en = "Duplicate name or number"


class Unavailable(DimingError):
    http_status = 503
    code = "unavailable"
    default_zh = "服务暂时不可用，请稍后重试"
    default_en = "Service temporarily unavailable; try again later"


class MethodNotAllowed(DimingError):
    http_status = 405
    code = "method-not-allowed"
    default_zh = "不允许的请求方法"
    default_en = "Method not allowed"


class Unauthorized(DimingError):
    http_status = 401
    code = "unauthorized"
    default_zh = "需要登录或有效的访问令牌"
    default_en = "Sign-in or a valid API token is required"


class Forbidden(DimingError):
    http_status = 403
    code = "forbidden"
    default_zh = "当前用户无权执行此操作"
    default_en = "You are not allowed to do this"


class TooManyRequests(DimingError):
    http_status = 429
    code = "too-many-requests"
    default_zh = "请求过于频繁，请稍后再试"
    default_en = "Too many requests; try again later"


class PayloadTooLarge(BadRequest):
    http_status = 413
    code = "payload-too-large"
    default_zh = "请求体过大"
    default_en = "Request body too large"


class ConfigError(BadRequest):
    """A configuration file (e.g. the deployment profile) that cannot be used.

    A 4xx-class error so that the CLI exits 2, as for any other bad input."""

    code = "invalid-configuration"
    default_zh = "配置无效"
    default_en = "Invalid configuration"
