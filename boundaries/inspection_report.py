"""The report of one joint inspection campaign, and its archive on disk.

``campaign_report`` gives the summary table, the per-marker table and the list of
findings of the signed records, and apart from them the addenda (补充记录) with
their own records; ``write_report`` puts them in a folder with a PNG map of the line
(markers coloured by status) and a GeoPackage holding everything, so the campaign
can be filed (3 sets: county, city, province) and read back in any GIS.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import geopandas as gpd
from sqlalchemy import select

from gis.storage import Store

from . import figure
from .inspections import MARKER_STATUSES, get_campaign, latest_results
from .labels import CAMPAIGN_STATUS_LABELS, zh
from .line_models import BoundaryMarker, InspectionCampaign, MarkerInspection, SignatureDocument, StretchFinding
from .lines.service import get_line, next_due


def _date(value):
    return value.isoformat() if value else None


def _markers_of(line_id: int):
    return select(BoundaryMarker).where(BoundaryMarker.line_id == line_id).order_by(BoundaryMarker.serial, BoundaryMarker.letter)


def campaign_report(store: Store, campaign_id: int) -> dict:
    with store.read() as session:
        campaign = get_campaign(session, campaign_id)
        line = get_line(session, campaign.line_id)
        markers = list(session.scalars(_markers_of(line.id)))
        latest = {r.marker_id: r for r in latest_results(session, campaign.id)}
        all_results = list(
            session.scalars(select(MarkerInspection).where(MarkerInspection.campaign_id == campaign.id).order_by(MarkerInspection.id))
        )
        by_chainage = (StretchFinding.from_m, StretchFinding.id)
        findings = list(session.scalars(select(StretchFinding).where(StretchFinding.campaign_id == campaign.id).order_by(*by_chainage)))
        addenda = _addenda(session, campaign.id, {m.id: m.code for m in markers})
        papers = [
            {"party": d.party, "signatory": d.signatory, "document_no": d.document_no, "filename": d.filename, "sha256": d.sha256}
            for d in session.scalars(
                select(SignatureDocument).where(SignatureDocument.campaign_id == campaign.id).order_by(SignatureDocument.id)
            )
        ]
        original = get_campaign(session, campaign.addendum_of).code if campaign.addendum_of else None
    rows = []
    for marker in markers:
        result = latest.get(marker.id)
        rows.append(
            {
                "code": marker.code,
                "marker_id": marker.id,
                "registered_lon": round(marker.geom.x, 7),
                "registered_lat": round(marker.geom.y, 7),
                "status": result.status if result else "not-inspected",
                "measured_lon": round(result.geom.x, 7) if result is not None and result.geom is not None else None,
                "measured_lat": round(result.geom.y, 7) if result is not None and result.geom is not None else None,
                "displacement_m": result.displacement_m if result else None,
                "flagged": bool(result and result.flagged),
                "reference_changes": result.reference_changes if result else None,
                "remarks": result.remarks if result else None,
                "corrected": bool(result and result.corrects_id),
                "source": marker.source,
            }
        )
    statuses = Counter(row["status"] for row in rows)
    moved = [row["displacement_m"] for row in rows if row["displacement_m"] is not None]
    summary = {
        "campaign": campaign.code,
        "line": line.code,
        "line_number": line.number,
        "left": f"{line.left_name} {line.left_code}",
        "right": f"{line.right_name} {line.right_code}",
        "length_m": line.length_m,
        "party_a": campaign.party_a,
        "party_b": campaign.party_b,
        "participants": campaign.participants or [],
        "started_on": _date(campaign.started_on),
        "ended_on": _date(campaign.ended_on),
        "status": campaign.status,
        "signed_a_by": campaign.signed_a_by,
        "signed_b_by": campaign.signed_b_by,
        "tolerance_m": campaign.tolerance_m,
        "markers": len(rows),
        "by_status": {s: statuses.get(s, 0) for s in (*MARKER_STATUSES, "not-inspected")},
        "flagged": sum(row["flagged"] for row in rows),
        "max_displacement_m": max(moved) if moved else None,
        "findings": len(findings),
        "corrections": sum(1 for r in all_results if r.corrects_id) + sum(1 for f in findings if f.corrects_id),
        "last_inspected": _date(line.last_inspected),
        "next_inspection_due": _date(next_due(line)),
        "synthetic_markers": any(row["source"] == "synthetic-demo" for row in rows),
        "addendum_of": original,
        "addenda": len(addenda),
    }
    finding_rows = [
        {"id": f.id, "kind": f.kind, "from_m": f.from_m, "to_m": f.to_m, "description": f.description, "corrects_id": f.corrects_id}
        for f in findings
    ]
    legend = {k: "#{:02x}{:02x}{:02x}".format(*v) for k, v in figure.STATUS_COLOURS.items()}
    geoms = {
        "line": line.geom,
        "markers": {m.id: m.geom for m in markers},
        "results": {r.id: (r, r.geom) for r in all_results},
        "findings": {f.id: f.geom for f in findings},
    }
    return {
        "summary": summary,
        "markers": rows,
        "findings": finding_rows,
        "addenda": addenda,
        "signature_documents": papers,
        "legend": legend,
        "_geoms": geoms,
    }


def _addenda(session, campaign_id: int, codes: dict[int, str]) -> list[dict]:
    """补充记录: each addendum to the campaign with its own records, apart from the signed ones."""
    found = []
    for addendum in session.scalars(
        select(InspectionCampaign).where(InspectionCampaign.addendum_of == campaign_id).order_by(InspectionCampaign.id)
    ):
        records = session.scalars(select(MarkerInspection).where(MarkerInspection.campaign_id == addendum.id).order_by(MarkerInspection.id))
        findings = session.scalars(select(StretchFinding).where(StretchFinding.campaign_id == addendum.id).order_by(StretchFinding.id))
        found.append(
            {
                "id": addendum.id,
                "code": addendum.code,
                "status": addendum.status,
                "started_on": _date(addendum.started_on),
                "ended_on": _date(addendum.ended_on),
                "signed_a_by": addendum.signed_a_by,
                "signed_b_by": addendum.signed_b_by,
                "records": [
                    {
                        "id": r.id,
                        "code": codes.get(r.marker_id),
                        "status": r.status,
                        "displacement_m": r.displacement_m,
                        "flagged": r.flagged,
                        "remarks": r.remarks,
                        "corrects_id": r.corrects_id,
                    }
                    for r in records
                ],
                "findings": [
                    {
                        "id": f.id,
                        "kind": f.kind,
                        "from_m": f.from_m,
                        "to_m": f.to_m,
                        "description": f.description,
                        "corrects_id": f.corrects_id,
                    }
                    for f in findings
                ],
            }
        )
    return found


def write_report(store: Store, campaign_id: int, out_dir) -> dict[str, Path]:
    """report.json, markers.csv, findings.csv, map.png and <campaign>.gpkg in ``out_dir`` (and addenda.csv if any)."""
    report = campaign_report(store, campaign_id)
    geoms = report.pop("_geoms")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out / "report.json",
        "markers_csv": out / "markers.csv",
        "findings_csv": out / "findings.csv",
        "png": out / "map.png",
        "gpkg": out / f"{_safe(report['summary']['campaign'])}.gpkg",
    }
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    _csv(paths["markers_csv"], report["markers"])
    _csv(paths["findings_csv"], report["findings"], ["id", "kind", "from_m", "to_m", "description", "corrects_id"])
    if report["addenda"]:  # 补充记录: apart from the signed records, one row per record of each addendum
        paths["addenda_csv"] = out / "addenda.csv"
        rows = [{"addendum": a["code"], "addendum_status": a["status"], **r} for a in report["addenda"] for r in a["records"]]
        _csv(
            paths["addenda_csv"],
            rows,
            ["addendum", "addendum_status", "id", "code", "status", "displacement_m", "flagged", "remarks", "corrects_id"],
        )
    figure.render(
        geoms["line"],
        [(r["registered_lon"], r["registered_lat"], r["status"], r["code"]) for r in report["markers"]],
        paths["png"],
        title=_figure_title(report["summary"]),
        subtitle=_figure_dates(report["summary"]),
    )
    _archive(paths["gpkg"], report, geoms)
    return paths


def _figure_title(summary: dict) -> tuple[str, str]:
    """(Chinese, ASCII) title: the two sides and the campaign code."""
    left, right = summary["left"].rsplit(" ", 1)[0], summary["right"].rsplit(" ", 1)[0]
    ascii_sides = f"{figure.ascii_name(left)} - {figure.ascii_name(right)}"
    return (f"{left}与{right}界线联检 {summary['campaign']}", f"{ascii_sides}: joint inspection {summary['campaign']}")


def _figure_dates(summary: dict) -> str:
    dates = f"{summary['started_on']} - {summary['ended_on'] or '...'}"
    return f"{summary['line']} | {dates} | {zh(CAMPAIGN_STATUS_LABELS, summary['status'])} {summary['status']}"


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "campaign"


def _csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0]) if rows else ["code"])
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _archive(path: Path, report: dict, geoms: dict) -> None:
    if path.exists():
        path.unlink()
    summary = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v) for k, v in report["summary"].items()}
    gpd.GeoDataFrame([summary], geometry=[geoms["line"]], crs="EPSG:4490").to_file(path, layer="line", driver="GPKG")
    if report["markers"]:
        points = [geoms["markers"][r["marker_id"]] for r in report["markers"]]
        markers = gpd.GeoDataFrame(report["markers"], geometry=points, crs="EPSG:4490")
        markers.to_file(path, layer="markers", driver="GPKG")
    results = [(r, g) for r, g in geoms["results"].values() if g is not None]
    if results:
        frame = gpd.GeoDataFrame(
            [
                {
                    "id": r.id,
                    "marker_id": r.marker_id,
                    "status": r.status,
                    "displacement_m": r.displacement_m,
                    "flagged": r.flagged,
                    "corrects_id": r.corrects_id,
                    "remarks": r.remarks,
                }
                for r, _ in results
            ],
            geometry=[g for _, g in results],
            crs="EPSG:4490",
        )
        frame.to_file(path, layer="measured", driver="GPKG")
    findings = [f for f in report["findings"] if geoms["findings"].get(f["id"]) is not None]
    if findings:
        stretches = [geoms["findings"][f["id"]] for f in findings]
        gpd.GeoDataFrame(findings, geometry=stretches, crs="EPSG:4490").to_file(path, layer="findings", driver="GPKG")
