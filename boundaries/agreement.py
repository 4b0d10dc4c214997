"""联检协议书: the agreement both parties sign at the end of a joint inspection.

Why a document of its own: the 协议书 is the paper the two governments keep and file
with the approving body (行政区域界线管理条例 Art.12); the report (``inspection_report``)
is the archive's data. It is issued only for a campaign signed by both parties, from
the signed records alone, and says: the line and both parties, the period and the
people, every marker with its result, the findings along the line, what the parties
agree to do (restore displaced markers, repair damaged ones, with the other side
present — Art.6), and the signatories with the time they signed (Beijing time).

``agreement`` gathers the content; ``to_html`` prints it (one constant style block,
allowed by its hash under the web server's CSP, no script); ``agreement_docx``
writes the same content as a Word file.
"""

from __future__ import annotations

import html
from pathlib import Path

from sqlalchemy import select

from accounts.models import User
from gis.errors import Conflict, InvalidInput
from gis.localtime import local_text
from gis.profile import current_profile
from gis.storage import Store

from .inspection_report import campaign_report
from .inspections import get_campaign
from .labels import FINDING_KIND_LABELS, MARKER_STATUS_LABELS, MARKER_TYPE_LABELS, zh
from .line_models import BoundaryMarker
from .lines.service import get_line

FORMATS = ("html", "docx")
SYNTHETIC_NOTE = "本协议书所列界桩为合成演示数据，非实测 / The markers of this agreement are synthetic demo data, not surveyed"
#: What the parties agree to do about a marker, by the status found (Art.6: the responsible side repairs, the other side present).
ACTIONS = {
    "displaced": "由管护方会同对方恢复至登记位置",
    "damaged": "由管护方修复，对方到场",
    "missing": "由管护方重建，双方共同埋设并补测",
    "not-inspected": "下次联检或专项检查时补查",
}


def _km(metres: float) -> str:
    return f"{metres / 1000:.2f}"


def agreement(store: Store, campaign_id: int) -> dict:
    """The content of the agreement of a campaign signed by both parties (409 otherwise)."""
    report = campaign_report(store, campaign_id)
    with store.read() as session:
        campaign = get_campaign(session, campaign_id)
        if campaign.status != "signed":
            raise Conflict(
                f"联检 {campaign.code} 尚未由双方签认，不能出具协议书",
                f"Campaign {campaign.code} is not signed by both parties yet; no agreement can be issued",
            )
        line = get_line(session, campaign.line_id)
        markers = {m.id: m for m in session.scalars(select(BoundaryMarker).where(BoundaryMarker.line_id == line.id))}
        signers = {campaign.signed_a_by, campaign.signed_b_by}
        names = dict(session.execute(select(User.username, User.display_name).where(User.username.in_(signers))).all())
    zone = current_profile().zone
    unit_names = {line.left_code: line.left_name, line.right_code: line.right_name}
    parties = []
    for role, party in (("甲方", "a"), ("乙方", "b")):
        signer = getattr(campaign, f"signed_{party}_by")
        signed_at = getattr(campaign, f"signed_{party}_at")
        papers = [p for p in report["signature_documents"] if p["party"] == party]
        parties.append(
            {
                "role": role,
                "name": getattr(campaign, f"party_{party}"),
                "code": getattr(campaign, f"party_{party}_code"),
                "signatory": names.get(signer) or signer,
                "signed_at": local_text(signed_at, zone) if signed_at else None,
                "paper": papers[0]["document_no"] if papers else None,
            }
        )
    rows = []
    for row in report["markers"]:
        marker = markers[row["marker_id"]]
        rows.append(
            {
                "code": row["code"],
                "type": zh(MARKER_TYPE_LABELS, marker.marker_type),
                "responsible": unit_names.get(marker.responsible_code or "", marker.responsible_code),
                "status": zh(MARKER_STATUS_LABELS, row["status"]),
                "displacement_m": row["displacement_m"],
                "flagged": row["flagged"],
                "action": ACTIONS.get(row["status"]) or ("超出容差，" + ACTIONS["displaced"] if row["flagged"] else "—"),
                "remarks": row["remarks"],
            }
        )
    summary = report["summary"]
    counts = [(zh(MARKER_STATUS_LABELS, status), n) for status, n in summary["by_status"].items() if n]
    return {
        "title": f"{line.left_name}与{line.right_name}行政区域界线联合检查协议书",
        "campaign": campaign.code,
        "line": {
            "code": line.code,
            "number": line.number,
            "left": f"{line.left_name}（{line.left_code}）",
            "right": f"{line.right_name}（{line.right_code}）",
            "length_km": _km(line.length_m),
            "description": line.description,
        },
        "parties": parties,
        "started_on": summary["started_on"],
        "ended_on": summary["ended_on"],
        "participants": summary["participants"],
        "tolerance_m": summary["tolerance_m"],
        "counts": counts,
        "flagged": summary["flagged"],
        "markers": rows,
        "findings": [
            {
                "kind": zh(FINDING_KIND_LABELS, f["kind"]),
                "from_km": _km(f["from_m"]),
                "to_km": _km(f["to_m"]),
                "description": f["description"],
            }
            for f in report["findings"]
        ],
        "next_due": summary["next_inspection_due"],
        "addenda": [f"{a['code']}（{'已签认' if a['status'] == 'signed' else '未签认'}）" for a in report["addenda"]],
        "synthetic": summary["synthetic_markers"],
    }


def clauses(doc: dict) -> list[tuple[str, str]]:
    """The numbered clauses of the agreement, (heading, text), shared by the HTML and the Word file."""
    a, b = doc["parties"]
    counts = "，".join(f"{name} {n} 个" for name, n in doc["counts"]) or "无"
    return [
        (
            "一、检查范围",
            f"{doc['line']['left']}与{doc['line']['right']}之间的行政区域界线（界线编号 {doc['line']['number']}，"
            f"代码 {doc['line']['code']}），全长 {doc['line']['length_km']} 千米，界桩 {len(doc['markers'])} 个。",
        ),
        (
            "二、检查时间与人员",
            f"{a['name']}（甲方）与{b['name']}（乙方）于 {doc['started_on']} 至 {doc['ended_on']} 共同检查。"
            f"参加人员：{'、'.join(doc['participants']) or '—'}。界桩位移容差 {doc['tolerance_m']:g} 米。",
        ),
        ("三、界桩检查结果", f"{counts}；位移超出容差 {doc['flagged']} 个。逐桩结果见附表。"),
        ("四、界线沿线情况", f"共发现 {len(doc['findings'])} 处，见附表。" if doc["findings"] else "未发现影响界线的情况。"),
        (
            "五、双方商定",
            "移位的界桩由管护方会同对方恢复至登记位置；损坏的界桩由管护方修复，对方到场；缺失的界桩由管护方重建，"
            "双方共同埋设并补测；界桩登记表随之更新。双方继续按协议书管理本段界线，"
            f"下次联合检查不迟于 {doc['next_due'] or '—'}。",
        ),
        ("六、其他", "本协议书一式三份，甲乙双方各执一份，报批准机关备案一份，自双方签认之日起生效。"),
    ]


def esc(value) -> str:
    return "—" if value is None or value == "" else html.escape(str(value))


# The page's one style block, constant so the web server's CSP allows it by its hash (api/security_headers.py).
AGREEMENT_CSS = (
    "body{font-family:'Noto Serif CJK SC','Noto Sans CJK SC','WenQuanYi Zen Hei',serif;font-size:12pt;margin:2cm}"
    "h1{font-size:18pt;text-align:center}h2{font-size:13pt;margin:1em 0 .3em}"
    "table{border-collapse:collapse;width:100%;font-size:9pt}td,th{border:1px solid #333;padding:2px 4px}"
    ".meta{text-align:center}.synthetic{color:#b00}.sign td{border:none;padding:.6em 1em;vertical-align:top;width:50%}"
    "@page{size:A4 portrait;margin:1.5cm}"
)


def to_html(doc: dict) -> str:
    """The agreement as a self-contained page to print (A4 portrait)."""
    parts = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>{esc(doc['title'])}</title><style>{AGREEMENT_CSS}</style></head><body>",
        f"<h1>{esc(doc['title'])}</h1>",
        f"<p class='meta'>联检编号 {esc(doc['campaign'])}</p>",
    ]
    if doc["synthetic"]:
        parts.append(f"<p class='synthetic'>{esc(SYNTHETIC_NOTE)}</p>")
    for heading, text in clauses(doc):
        parts.append(f"<h2>{esc(heading)}</h2><p>{esc(text)}</p>")
    if doc["line"]["description"]:
        parts.append(f"<h2>界线走向说明</h2><p>{esc(doc['line']['description'])}</p>")
    parts.append(
        "<h2>附表一 界桩检查结果</h2><table><thead><tr><th>界桩号</th><th>类型</th><th>管护方</th><th>检查结果</th>"
        "<th>位移（米）</th><th>处理</th><th>备注</th></tr></thead><tbody>"
    )
    for m in doc["markers"]:
        parts.append(
            f"<tr><td>{esc(m['code'])}</td><td>{esc(m['type'])}</td><td>{esc(m['responsible'])}</td><td>{esc(m['status'])}</td>"
            f"<td>{esc(m['displacement_m'])}</td><td>{esc(m['action'])}</td><td>{esc(m['remarks'])}</td></tr>"
        )
    parts.append("</tbody></table><h2>附表二 界线沿线情况</h2>")
    if doc["findings"]:
        parts.append("<table><thead><tr><th>类型</th><th>起（千米）</th><th>止（千米）</th><th>情况</th></tr></thead><tbody>")
        for f in doc["findings"]:
            parts.append(
                f"<tr><td>{esc(f['kind'])}</td><td>{esc(f['from_km'])}</td><td>{esc(f['to_km'])}</td><td>{esc(f['description'])}</td></tr>"
            )
        parts.append("</tbody></table>")
    else:
        parts.append("<p>无</p>")
    if doc["addenda"]:
        parts.append(f"<h2>补充记录</h2><p>{esc('、'.join(doc['addenda']))}</p>")
    cells = "".join(
        f"<td>{esc(p['role'])}：{esc(p['name'])}（单位代码 {esc(p['code'])}）<br>代表签字：{esc(p['signatory'])}"
        f"<br>签认时间：{esc(p['signed_at'])}{'<br>书面签认文书：' + esc(p['paper']) if p['paper'] else ''}</td>"
        for p in doc["parties"]
    )
    parts.append(f"<h2>签认</h2><table class='sign'><tr>{cells}</tr></table></body></html>")
    return "".join(parts)


def render(doc: dict, kind: str) -> bytes:
    """The agreement in ``kind`` (html or docx) as bytes."""
    if kind not in FORMATS:
        raise InvalidInput(f"不支持的格式：{kind}（可用 html、docx）", f"Unsupported format {kind} (use html or docx)")
    if kind == "docx":
        from .agreement_docx import agreement_docx

        return agreement_docx(doc)
    return to_html(doc).encode("utf-8")


def export(store: Store, campaign_id: int, out, kind: str | None = None) -> Path:
    """Write the agreement of a signed campaign to ``out``; the format is ``kind`` or follows the suffix."""
    out = Path(out)
    kind = kind or {".htm": "html"}.get(out.suffix.lower(), out.suffix.lower().lstrip("."))
    body = render(agreement(store, campaign_id), kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    return out
