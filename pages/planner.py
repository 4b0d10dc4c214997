"""The planner workspace: run a redistricting job and look at its proposal on the map.

Everything the page shows comes from /api/v1/redistricting (planner role) and the
public OGC collections; this module only serves the shell and its texts.
"""

from __future__ import annotations

from flask import Blueprint

from pages.rendering import TEMPLATES, render

blueprint = Blueprint("planner_pages", __name__, template_folder=TEMPLATES)

TEXTS: dict[str, tuple[str, str]] = {
    "planner_title": ("社区规划工作台", "Planner workspace"),
    "run_title": ("生成社区划分方案", "Propose communities"),
    "subdistrict": ("街道", "Subdistrict"),
    "households_min": ("每个社区最少户数", "Minimum households per community"),
    "households_max": ("每个社区最多户数", "Maximum households per community"),
    "households_dense_max": ("密集区最多户数", "Maximum households (dense area)"),
    "pick_hint": (
        "勾选要调整的街道；按规划写法填写各街道新增社区数的范围（可不填）",
        "Tick the subdistricts to adjust; give the range of communities to add in each, as the plan writes it (optional)",
    ),
    "subdistricts_caption": ("街道、现有社区数、户数与新增社区数", "Subdistricts, today's communities, households and communities to add"),
    "include": ("调整", "Adjust"),
    "communities_now": ("现有社区", "Communities today"),
    "new_min": ("新增最少", "Add at least"),
    "new_max": ("新增最多", "Add at most"),
    "pick_one": ("请至少勾选一个街道", "Tick at least one subdistrict"),
    "new_of_fmt": ("{name}新增社区数", "New communities in {name}"),
    "by_subdistrict": ("各街道社区数", "Communities per subdistrict"),
    "mode": ("方式", "Mode"),
    "proposed_name": ("拟用名称（待审批）", "Proposed name (to be approved)"),
    "mode_adjust": ("调整：保留符合规则的现有社区（推荐）", "Adjust: keep today's communities that meet the rules (recommended)"),
    "mode_redraw": ("重划：整体重新划分", "Redraw: divide afresh"),
    "merge_undersized": ("合并低于下限的社区", "Merge communities below the minimum"),
    "what_changed": ("变化", "Changes"),
    "households_moved_short": ("迁移户数", "Households moved"),
    "kept_fmt": ("保留 {n}", "kept {n}"),
    "split_fmt": ("拆分 {old} → {new}", "split {old} → {new}"),
    "merged_fmt": ("{into} 并入 {codes}", "{codes} merged into {into}"),
    "created_fmt": ("新建 {codes}", "new {codes}"),
    "absorbed_fmt": ("{code} 纳入空白街区 {n} 个", "{code} took in {n} blank blocks"),
    "fragments_fmt": ("{into} 并入 {codes} 的零星地块", "{into} took in detached pieces of {codes}"),
    "below_min_fmt": ("低于下限但保留 {codes}", "below the minimum, kept: {codes}"),
    "communities_proposed": ("方案社区数", "Proposed"),
    "communities_added": ("增减", "Change"),
    "findings": ("说明（为何无法满足目标等）", "Notes (why a target cannot be met, etc.)"),
    "no_findings": ("无", "None"),
    "seed": ("随机种子", "Seed"),
    "run_button": ("运行", "Run"),
    "cancel_button": ("取消任务", "Cancel job"),
    "progress": ("进度", "Progress"),
    "job_fmt": ("任务 {id}：{status}", "Job {id}: {status}"),
    "status_queued": ("排队中", "queued"),
    "status_running": ("运行中", "running"),
    "status_succeeded": ("已完成", "done"),
    "status_failed": ("失败", "failed"),
    "status_cancelled": ("已取消", "cancelled"),
    "plan_title": ("方案", "Proposal"),
    "plan_valid": ("符合全部规则", "meets every rule"),
    "plan_invalid": ("有违反规则之处", "breaks a rule"),
    "metrics": ("指标", "Metrics"),
    "violations": ("违规", "Violations"),
    "no_violations": ("无违规", "No violations"),
    "rule": ("规则", "Rule"),
    "subject": ("对象", "Subject"),
    "detail": ("说明", "Detail"),
    "community": ("社区", "Community"),
    "households": ("户数", "Households"),
    "compare_title": ("比较", "Compare"),
    "compare_with": ("比较对象", "Compare with"),
    "compare_current": ("现行社区", "Current communities"),
    "compare_button": ("比较", "Compare"),
    "metric": ("指标", "Metric"),
    "first": ("比较对象", "Reference"),
    "second": ("本方案", "This proposal"),
    "difference": ("差值", "Difference"),
    "households_changing": ("改变社区的户数", "Households changing community"),
    "blocks_changing": ("改变社区的街区数", "Blocks changing community"),
    "export": ("导出社区（GeoJSON）", "Export communities (GeoJSON)"),
    "export_gpkg": ("导出方案（GeoPackage）", "Export plan (GeoPackage)"),
    "export_csv": ("街区归属（CSV）", "Block → community (CSV)"),
    "export_note": ("GeoPackage 含社区、街区和违规三个图层", "The GeoPackage holds the communities, blocks and violations layers"),
    "metric_communities": ("社区数", "Communities"),
    "metric_households": ("总户数", "Households"),
    "metric_polsby_popper_mean": ("紧凑度（平均，Polsby-Popper）", "Compactness, mean (Polsby-Popper)"),
    "metric_polsby_popper_worst": ("紧凑度（最差）", "Compactness, worst"),
    "metric_boundary_major_share": ("沿主要道路/河流的边界比例", "Share of boundary on major roads/rivers"),
    "metric_major_lines_used": ("已用作边界的主要道路/河流比例", "Share of major roads/rivers used as boundary"),
    "metric_boundary_length_m": ("边界总长（米）", "Boundary length (m)"),
    "metric_straightness": ("边界平直度", "Boundary straightness"),
    "metric_turns_per_km": ("每千米转折数", "Turns per km"),
    "metric_household_balance": ("户数离散度（变异系数）", "Household balance (coefficient of variation)"),
    "metric_households_min": ("最少户数", "Fewest households"),
    "metric_households_max": ("最多户数", "Most households"),
    "metric_households_moved": ("改变社区的户数", "Households moved"),
    "adopt_title": ("采纳方案", "Adopt the plan"),
    "adopt_hint": (
        "采纳后，方案成为一次有生效日期的区划调整：保留的社区不变，拆分、合并和新建的社区按方案的代码和拟用名称登记，"
        "撤销的社区至生效日期止；门牌的社区、社区界线和地名查询随之更新。",
        "Adopting makes the plan one dated reorganisation: kept communities stay as they are, split, merged and new ones are "
        "registered with the plan's codes and proposed names, retired ones end on the date; door plates, community lines "
        "and search follow.",
    ),
    "adopt_date": ("生效日期", "Effective date"),
    "adopt_reason": ("理由（如批复文号）", "Reason (e.g. the approval's number)"),
    "adopt_confirm": ("我已核对方案，确认采纳", "I have checked the plan and confirm its adoption"),
    "adopt_button": ("采纳方案", "Adopt plan"),
    "adopt_needs_confirm": ("请先勾选确认", "Tick the confirmation first"),
    "adopt_invalid": ("方案违反规则，不能采纳", "The plan breaks a rule and cannot be adopted"),
    "adopted_fmt": (
        "已采纳：区划调整 {change}（生效日期 {date}），{by} 于 {at}",
        "Adopted: reorganisation {change} (effective {date}), by {by} on {at}",
    ),
    "adopt_done_fmt": (
        "已采纳：新建 {created} 个社区，调整 {changed} 个，撤销 {retired} 个；{plates} 块门牌改属新社区",
        "Adopted: {created} new communities, {changed} changed, {retired} retired; {plates} door plates now in another community",
    ),
    "map_label": (
        "地图：方案中的社区，按社区着色，标注户数；红色虚线为违规社区",
        "Map: the proposal's communities, coloured by community, labelled with households; red dashes mark violations",
    ),
}


@blueprint.get("/planner")
def planner_workspace():
    return render("pages/planner.html", TEXTS)
