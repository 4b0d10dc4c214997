"""The boundary workspace: lines and markers by inspection status, recording a marker inspection,
signing a campaign for one party.

The page reads and writes only through /api/v1/boundary-lines and
/api/v1/boundary-inspections (boundary_officer role); this module serves the shell and its texts.
"""

from __future__ import annotations

from flask import Blueprint

from boundaries.inspections import MARKER_STATUSES
from boundaries.labels import MARKER_STATUS_LABELS
from pages.rendering import TEMPLATES, render

blueprint = Blueprint("boundary_pages", __name__, template_folder=TEMPLATES)

TEXTS: dict[str, tuple[str, str]] = {
    "boundary_title": ("界线界桩工作台", "Boundary workspace"),
    "lines_title": ("行政区域界线", "Boundary lines"),
    "line": ("界线", "Line"),
    "sides": ("两侧", "Sides"),
    "last_inspected": ("上次联检", "Last inspected"),
    "next_due": ("下次联检", "Next due"),
    "never": ("从未联检", "never"),
    "line_ok": ("按期", "up to date"),
    "line_due": ("已到期", "overdue"),
    "line_never": ("未联检", "never inspected"),
    "markers_title": ("界桩", "Markers"),
    "marker": ("界桩", "Marker"),
    "no_markers": ("此界线没有登记界桩", "No markers registered on this line"),
    "campaign": ("联检", "Campaign"),
    "no_campaign": ("（无联检）", "(no campaign)"),
    "open_title": ("开始联检", "Open a campaign"),
    "campaign_code": ("联检编号", "Campaign code"),
    "party_a": ("甲方", "Party A"),
    "party_b": ("乙方", "Party B"),
    "started_on": ("开始日期", "Started on"),
    "open_button": ("开始联检", "Open campaign"),
    "record_title": ("记录界桩检查结果", "Record a marker inspection"),
    "status": ("状况", "Status"),
    "lon": ("实测经度", "Measured longitude"),
    "lat": ("实测纬度", "Measured latitude"),
    "pick_on_map": ("在地图上点选实测位置", "Pick the measured position on the map"),
    "pick_hint": ("请点击地图上的实测位置", "Click the measured position on the map"),
    "record_button": ("保存结果", "Save result"),
    "remarks": ("备注（未检查的须写明原因）", "Remarks (the reason, for a marker not inspected)"),
    "result_fmt": ("已保存：位移 {d} 米", "Saved: displaced {d} m"),
    "flagged": ("超出容差，已标记", "beyond tolerance: flagged"),
    "not_flagged": ("在容差以内", "within tolerance"),
    "campaign_closed": ("此联检已签署，不能再记录", "This campaign is signed; no more results can be recorded"),
    "report_link": ("下载联检报告（JSON）", "Download the campaign report (JSON)"),
    "register_link": ("界桩成果表（可打印）", "Marker register (printable)"),
    "agreement_link": ("联检协议书（可打印）", "Inspection agreement (printable)"),
    "agreement_docx_link": ("协议书 Word 文件", "Agreement as a Word file"),
    "signoff_title": ("双方签认", "Sign-off by both parties"),
    "addenda_title": ("补充记录", "Addenda"),
    "open_addendum": ("开立补充记录（双方须重新签认）", "Open an addendum (both parties sign again)"),
    "addendum_fmt": ("{code} · {status} · {n} 条记录", "{code} · {status} · {n} records"),
    "sign_a": ("代表甲方签认", "Sign for party A"),
    "sign_b": ("代表乙方签认", "Sign for party B"),
    "signed_by_fmt": ("已由 {who} 签认", "signed by {who}"),
    "not_signed": ("尚未签认", "not signed yet"),
    "campaign_open": (
        "联检进行中：双方各由一人签认后关闭，此后记录不可更改",
        "Campaign open: it closes once each party has signed (two different people); records are final after that",
    ),
    "campaign_signed_fmt": (
        "双方已签认，联检于 {date} 结束；记录已定稿，只能另立更正记录",
        "Signed by both parties, ended {date}; records are final, corrections are new records",
    ),
    "ended_on": ("联检结束日期（第二方签认时记录）", "End date (recorded with the second signature)"),
    "legend": ("图例", "Legend"),
    "reorg_title": ("区划调整预检", "Reorganisation preview"),
    "reorg_json": (
        "调整内容（JSON，与 POST /api/v1/units/reorganisations 相同）",
        "The reorganisation (JSON, as for POST /api/v1/units/reorganisations)",
    ),
    "reorg_preview": ("预检拓扑", "Preview the topology"),
    "reorg_bad_json": ("不是有效的 JSON", "This is not valid JSON"),
    "reorg_ok": ("可以保存：没有新的拓扑错误", "Can be saved: no new topology errors"),
    "reorg_blocked_fmt": ("不能保存：{n} 项新的拓扑错误", "Cannot be saved: {n} new topology errors"),
    "reorg_new": ("新", "new"),
    "reorg_existing": ("原有", "existing"),
    "map_label": (
        "地图：界线按联检状况着色，界桩按检查状况着色；点击界桩选中",
        "Map: lines coloured by inspection status, markers by condition; click a marker to select it",
    ),
    **{f"status_{code}": pair for code, pair in MARKER_STATUS_LABELS.items()},
}


@blueprint.get("/boundaries")
def boundary_workspace():
    return render("pages/boundary.html", TEXTS, statuses=MARKER_STATUSES)
