"""Texts shared by every page, in Chinese and English; each area adds its own table.

The scripts receive the merged table as ``window.DIMING.t``. Names of codes (roles,
states, steps, kinds) are not written here: each comes from its one table in the
domain (accounts.roles, placenames.procedure) and is merged in as ``role_*`` etc. The site title is the
district's, from the deployment profile (``rendering.render`` adds it).
"""

from __future__ import annotations

from accounts.roles import ROLES

LANGUAGES = ("zh", "en")

COMMON: dict[str, tuple[str, str]] = {
    "error_prefix": ("出错了：", "Something went wrong: "),
    "network_error": ("无法连接服务器，请稍后重试", "Cannot reach the server; try again later"),
    "switch_language": ("English", "中文"),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "map_approval_fmt": ("审图号：{number}", "Map approval No. {number}"),
    "map_not_reviewed": ("本图未经地图审核，仅供查询参考", "This map has not been through map review; for reference only"),
    "nav_notices": ("地名公示与公告", "Name notices"),
    "data_note": ("演示数据：建筑、门牌和户数为合成数据", "Demo data: buildings, door plates and households are synthetic"),
    "signin_title": ("登录", "Sign in"),
    "signin_user": ("用户名", "Username"),
    "signin_password": ("密码", "Password"),
    "signin_button": ("登录", "Sign in"),
    "signout_button": ("退出", "Sign out"),
    "signed_in_fmt": ("已登录：{actor}（{roles}）", "Signed in as {actor} ({roles})"),
    "role_missing_fmt": ("此页面需要角色：{role}", "This page needs the role: {role}"),
    **{f"role_{role}": label for role, label in ROLES.items()},  # the roles' names, from accounts.roles
}


def strings(lang: str, *tables: dict[str, tuple[str, str]]) -> dict[str, str]:
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    merged: dict[str, tuple[str, str]] = dict(COMMON)
    for table in tables:
        merged.update(table)
    return {key: pair[index] for key, pair in merged.items()}
