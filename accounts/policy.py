"""What a user name and a password must be, in one place (docs/operations.md, "Password policy").

User names: 1-64 characters of ASCII letters, digits, ``.``, ``_``, ``-`` and Chinese
characters (CJK ideographs); no spaces, markup or control characters, and no other
scripts (no look-alike letters). Passwords: at least ``password_min_length``
characters (setting, default 10), not the user name, not one character repeated,
not on a short list of the most common passwords.
"""

from __future__ import annotations

import re

from gis.errors import BadRequest

USERNAME = re.compile(r"[A-Za-z0-9._\-\u3400-\u4dbf\u4e00-\u9fff]{1,64}")

COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd123",
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789a",
        "a123456789",
        "1q2w3e4r5t",
        "q1w2e3r4t5",
        "qwertyuiop",
        "qwerty1234",
        "qwerty123456",
        "1qaz2wsx3edc",
        "iloveyou12",
        "admin12345",
        "admin123456",
        "administrator",
        "woaini1314",
        "5201314520",
        "abc1234567",
        "abcdefghij",
        "welcome123",
        "letmein123",
        "changeme123",
        "p@ssw0rd123",
    }
)


def check_username(username: str) -> None:
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise BadRequest(
            "用户名须为 1 到 64 个字符，只含英文字母、数字、汉字和 . _ -",
            "A user name has 1 to 64 characters: ASCII letters, digits, Chinese characters and . _ - only",
        )


def check_password(password: str, username: str, min_length: int | None = None) -> None:
    """Raise BadRequest (bilingual) unless ``password`` meets the policy."""
    if min_length is None:
        from gis.settings import Settings

        min_length = Settings.from_env().password_min_length
    if len(password) < min_length:
        raise BadRequest(f"密码至少需要 {min_length} 个字符", f"A password needs at least {min_length} characters")
    if password.casefold() == username.casefold():
        raise BadRequest("密码不能与用户名相同", "The password must not be the user name")
    if len(set(password)) == 1 or password.casefold() in COMMON_PASSWORDS:
        raise BadRequest(
            "密码过于简单（常见密码或重复字符），请换一个", "The password is too easy to guess (common or one repeated character)"
        )
