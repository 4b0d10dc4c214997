"""The place-name officers' workspace: naming applications, deadlines, door numbering,
sign and plate inspections. Every page is a shell; its script reads and writes through
the same /api/v1 endpoints as any client, signed in with the session cookie."""

from __future__ import annotations

from flask import Blueprint

from pages.officer_texts import EDIT_FIELDS, FILING_TEXTS, REGISTER_TEXTS
from pages.rendering import TEMPLATES, render
from placenames.attachments import KIND_LABELS as ATTACHMENT_KIND_LABELS
from placenames.models import NAME_STATUS_LABELS
from placenames.procedure import ACTION_LABELS, DEFAULT_NOTICE_DAYS, KIND_LABELS, LABELS
from placenames.signs.models import ITEM_STATUSES, STATUS_LABELS

blueprint = Blueprint("officer", __name__, url_prefix="/officer", template_folder=TEMPLATES)

STATUS_EN = {
    "planned": "planned",
    "in_service": "in service",
    "damaged": "damaged",
    "faded": "faded",
    "missing": "missing",
    "removed": "removed",
}

TEXTS: dict[str, tuple[str, str]] = {
    "officer_title": ("地名办理工作台", "Place-name officer workspace"),
    "nav_label": ("工作台导航", "Workspace navigation"),
    "nav_applications": ("命名申报", "Naming applications"),
    "nav_new_application": ("填报申报", "File an application"),
    "nav_register": ("地名登记簿", "Name register"),
    "nav_deadlines": ("期限提醒", "Deadlines"),
    "nav_numbering": ("门牌编号", "Door numbering"),
    "nav_signs": ("标志与门牌巡查", "Sign and plate inspections"),
    # applications list
    "state_filter": ("办理环节", "State"),
    "state_all": ("全部", "All"),
    "col_id": ("编号", "No."),
    "col_kind": ("类型", "Kind"),
    "col_name": ("拟用名称", "Proposed name"),
    "col_state": ("环节", "State"),
    "col_category": ("类别代码", "Category"),
    "col_notice_ends": ("公示截止", "Notice ends"),
    "no_applications": ("没有符合条件的申报", "No applications match"),
    # application detail
    "back_to_list": ("返回申报列表", "Back to the list"),
    "application_fmt": ("申报 {id}：{name}", "Application {id}: {name}"),
    "section_data": ("申报信息", "Application"),
    "section_findings": ("名称审核结果", "Name check findings"),
    "section_comments": ("公示期公众意见", "Comments from the public notice"),
    "section_history": ("办理记录", "Transition history"),
    "section_next": ("下一步办理", "Next steps"),
    "field_state": ("当前环节", "Current state"),
    "field_location": ("位置描述", "Location"),
    "field_reasons": ("申报理由", "Reasons"),
    "field_applicant": ("申报人", "Applicant"),
    "field_organisation": ("申报单位", "Organisation"),
    "field_contact": ("联系方式", "Contact"),
    "field_opinion": ("审核意见", "Officer's opinion"),
    "field_justification": ("使用理由", "Justification"),
    "field_notice": ("公示期", "Public notice"),
    "field_approval": ("批准", "Approval"),
    "field_filing": ("备案", "Filing"),
    "field_announced": ("公告日期", "Announced on"),
    "field_decision": ("不予批准或撤回的理由", "Reason for rejection or withdrawal"),
    "field_notice_number": ("公示文号", "Notice number"),
    "field_announcement_number": ("公告文号", "Announcement number"),
    "print_document": ("打印", "Print"),
    "docx_document": ("Word 文件", "Word file"),
    "stored_findings": ("审核环节保存的结果", "Findings stored at review"),
    "live_findings": ("按现行登记重新检查的结果", "Findings against the register now"),
    "run_check": ("重新检查名称", "Check the name now"),
    "no_findings": ("没有发现问题", "No problems found"),
    "not_checked": ("尚未审核", "Not checked yet"),
    "severity_error": ("错误", "error"),
    "severity_warning": ("警告", "warning"),
    "severity_info": ("提示", "note"),
    "no_comments": ("没有公众意见", "No comments"),
    "anonymous": ("匿名", "anonymous"),
    "no_next": ("此申报已办结，没有下一步", "The application is closed; no further steps"),
    "step_reason": ("办理理由（必填）", "Reason for this step (required)"),
    "refused_fmt": ("未能办理：{message}", "Step refused: {message}"),
    "done_fmt": ("已办理：{action} → {state}", "Done: {action} → {state}"),
    "input_officer_opinion": ("审核意见", "Officer's opinion"),
    "input_justification": ("同音名称的使用理由（如需要）", "Justification for a homophone (if needed)"),
    "input_approving_body": ("批准机关", "Approving body"),
    "input_approval_document": ("批准文号", "Approval document number"),
    "input_approved_on": ("批准日期（空为今天）", "Approval date (empty = today)"),
    "input_filed_with": ("备案机关", "Filed with"),
    "input_filed_on": ("备案日期（空为今天）", "Filing date (empty = today)"),
    "input_announced_on": ("公告日期（空为今天）", "Announcement date (empty = today)"),
    "section_attachments": ("申报材料（评估、论证、征求意见报告等）", "Attached reports and documents"),
    "col_attachment_kind": ("材料类型", "Kind"),
    "col_file": ("文件", "File"),
    "col_size": ("大小", "Size"),
    "no_attachments": ("尚无材料", "No documents yet"),
    "attachment_kind": ("材料类型", "Kind of document"),
    "attachment_file": ("文件", "File"),
    "attachment_note": ("说明（可选）", "Note (optional)"),
    "attachment_upload": ("上传材料", "Upload"),
    "attachment_done_fmt": ("已上传：{name}", "Uploaded: {name}"),
    "col_action": ("环节", "Step"),
    "col_from_to": ("环节变化", "State change"),
    "col_actor": ("办理人", "Officer"),
    "col_at": ("时间", "When"),
    "col_reason": ("理由", "Reason"),
    **FILING_TEXTS,
    **REGISTER_TEXTS,
    # deadlines
    "within_label": ("显示逾期及几天内到期的事项", "Show overdue items and those due within (days)"),
    "show": ("显示", "Show"),
    "col_duty": ("事项", "Duty"),
    "col_due": ("期限", "Due"),
    "col_days_left": ("剩余天数", "Days left"),
    "duty_filing": ("备案", "filing"),
    "duty_announcement": ("公告", "announcement"),
    "overdue": ("已逾期", "overdue"),
    "no_deadlines": ("没有逾期或即将到期的事项", "Nothing overdue or due soon"),
    # numbering
    "road_label": ("道路名称", "Road"),
    "preview_button": ("预览编号（不写入）", "Preview numbers (dry run)"),
    "commit_button": ("确认编号并写入", "Commit these numbers"),
    "commit_reason": ("编号理由", "Reason for numbering"),
    "numbering_map": ("地图：预览的门牌号标在建筑入口处", "Map: previewed numbers at the building entrances"),
    "col_building": ("建筑", "Building"),
    "col_number": ("门牌号", "Number"),
    "col_side": ("侧", "Side"),
    "col_chainage": ("里程（米）", "Chainage (m)"),
    "col_why": ("编号依据", "Why this number"),
    "col_certificates": ("证书", "Certificates"),
    "certificate_plate": ("门牌证", "Door-plate certificate"),
    "certificate_proof": ("地址证明", "Address proof"),
    "preview_summary_fmt": ("预览：{numbers} 个新门牌（{suffixed} 个附号）", "Preview: {numbers} new numbers ({suffixed} with suffix)"),
    "committed_fmt": ("已写入 {numbers} 个门牌", "Committed {numbers} door plates"),
    "nothing_to_number": ("这条道路没有待编号的建筑", "No unnumbered buildings on this road"),
    # signs
    "report_by_road": ("按道路统计", "By road"),
    "report_by_subdistrict": ("按街道统计", "By subdistrict"),
    "report_totals": ("合计", "Totals"),
    "col_group": ("名称", "Name"),
    "col_items": ("标志/门牌数", "Items"),
    "col_inspected": ("已巡查", "Inspected"),
    "col_passed": ("合格", "Passed"),
    "col_failed": ("不合格", "Failed"),
    "col_pass_rate": ("合格率", "Pass rate"),
    "report_counts_fmt": (
        "符合条件 {items} 件：已巡查 {inspected}，合格 {passed}，不合格 {failed}，合格率 {rate}；"
        "{due} 件待巡查，{mismatch} 件文字与登记不符",
        "{items} items match: {inspected} inspected, {passed} passed, {failed} failed, pass rate {rate}; "
        "{due} due for inspection, {mismatch} with text not matching the register",
    ),
    "filter_subdistrict": ("街道", "Subdistrict"),
    "filter_status": ("标志状态", "Status"),
    "filter_kind": ("类型", "Kind"),
    "filter_all": ("全部", "All"),
    "filter_mismatch": ("只看文字与登记不符", "Only text not matching the register"),
    "filter_due": ("只看待巡查", "Only items due for inspection"),
    "filter_button": ("筛选", "Filter"),
    "pager_label": ("翻页", "Pages"),
    "page_prev": ("上一页", "Previous page"),
    "page_next": ("下一页", "Next page"),
    "page_info_fmt": ("第 {first}–{last} 条，共 {total} 条", "{first}–{last} of {total}"),
    "page_empty": ("没有符合条件的标志或门牌", "No signs or plates match"),
    "col_subdistrict": ("街道", "Subdistrict"),
    "col_expected": ("按登记应为", "Should read"),
    "col_status": ("状态", "Status"),
    "col_last_inspected": ("最近巡查", "Last inspected"),
    "last_result_fmt": ("{day}（{result}）", "{day} ({result})"),
    "not_inspected": ("未巡查", "not inspected"),
    "record_title": ("登记一轮巡查结果（为本页项目选择结果）", "Record an inspection round (choose results for items on this page)"),
    "round_name": ("轮次名称", "Round name"),
    "inspector": ("检查人", "Inspector"),
    "held_on": ("检查日期", "Date"),
    "col_item": ("项目", "Item"),
    "col_text": ("牌面文字", "Text"),
    "col_result": ("结果", "Result"),
    "result_none": ("—（本轮不查）", "— (not in this round)"),
    "result_pass": ("合格", "pass"),
    "result_fail_fmt": ("不合格：{defect}", "fail: {defect}"),
    "defect_damaged": ("损坏", "damaged"),
    "defect_faded": ("褪色", "faded"),
    "defect_wrong_text": ("文字错误", "wrong text"),
    "defect_missing": ("缺失", "missing"),
    "defect_wrong_position": ("位置错误", "wrong position"),
    "kind_road_sign": ("路牌", "road sign"),
    "kind_plate": ("门牌类", "plate"),
    "record_button": ("登记并结束本轮", "Record and close the round"),
    "nothing_chosen": ("请至少为一个项目选择结果", "Choose a result for at least one item"),
    "recorded_fmt": ("已登记 {items} 项：合格 {passed}，不合格 {failed}", "Recorded {items}: {passed} passed, {failed} failed"),
    "nothing_due": ("没有待巡查的项目", "No items due for inspection"),
    **{f"status_{code}": (zh, STATUS_EN[code]) for code, zh in STATUS_LABELS.items()},
    # numbering: picking a road, the numbers already on it
    "road_search_fmt": (
        "找到 {total} 条道路，显示前 {shown} 条；请输入更多字缩小范围",
        "{total} roads found, first {shown} shown; type more to narrow",
    ),
    "road_none": ("没有名称含“{text}”的道路", "No road name contains “{text}”"),
    "road_pick": ("请从列表中选择一条道路", "Pick a road from the list"),
    "road_loaded_fmt": ("{name}：已有门牌 {numbers} 个", "{name}: {numbers} door numbers already"),
    "existing_number": ("已有门牌", "Existing number"),
    "preview_failed_fmt": ("预览未成功：{message}", "Preview failed: {message}"),
    "commit_failed_fmt": ("写入未成功：{message}", "Commit failed: {message}"),
    "road_failed_fmt": ("道路未能载入：{message}", "Road could not be loaded: {message}"),
    # numbering: compounds (小区/大院) and their 楼栋号
    "compounds_title": ("小区/大院门牌与楼栋号", "Compounds: door numbers and building numbers"),
    "col_compound": ("小区", "Compound"),
    "col_compound_address": ("门牌地址", "Address"),
    "col_compound_buildings": ("已编楼栋/楼栋", "Buildings numbered"),
    "compound_building": ("楼栋号（幢）", "Building (幢)"),
    "compound_unit": ("单元", "Unit"),
    "compound_room": ("室", "Room"),
    "compound_address_button": ("查询完整地址", "Full address"),
    "no_compounds": ("尚未登记小区", "No compounds registered"),
    "compound_failed_fmt": ("查询未成功：{message}", "Not found: {message}"),
    # The names of the procedure's codes, each from its one table in placenames.procedure.
    **{f"state_{state}": label for state, label in LABELS.items()},
    **{f"action_{action}": label for action, label in ACTION_LABELS.items()},
    **{f"kind_{kind}": label for kind, label in KIND_LABELS.items()},
    **{f"name_status_{status}": label for status, label in NAME_STATUS_LABELS.items()},
    **{f"attachment_kind_{kind}": (zh, en[:1].upper() + en[1:]) for kind, (zh, en) in ATTACHMENT_KIND_LABELS.items()},
}

PAGES = (
    ("officer.applications", "nav_applications"),
    ("officer.new_application", "nav_new_application"),
    ("officer.register", "nav_register"),
    ("officer.deadlines", "nav_deadlines"),
    ("officer.numbering", "nav_numbering"),
    ("officer.signs", "nav_signs"),
)


def _page(template: str, current: str, **context):
    return render(template, TEXTS, nav=PAGES, current=current, **context)


@blueprint.get("/")
def applications():
    return _page("pages/officer_applications.html", "officer.applications", states=tuple(LABELS))


@blueprint.get("/applications/<int:application_id>")
def application(application_id: int):
    from placenames.registry_models import ATTACHMENT_KINDS

    return _page("pages/officer_application.html", "officer.applications", application_id=application_id, attachment_kinds=ATTACHMENT_KINDS)


@blueprint.get("/applications/new")
def new_application():
    """The filing form: kind, name, category (grouped, Chinese labels), area, geometry on the map, reasons, files."""
    from placenames import categories
    from placenames.registry_models import ATTACHMENT_KINDS

    return _page(
        "pages/officer_new_application.html",
        "officer.new_application",
        kinds=tuple(KIND_LABELS),
        category_groups=_category_groups(categories.categories().values()),
        attachment_kinds=ATTACHMENT_KINDS,
        default_notice_days=DEFAULT_NOTICE_DAYS,
    )


def _category_groups(table) -> list[tuple[str, list]]:
    """The categories under their census class (大类), in the table's order, for an <optgroup> each."""
    groups: dict[str, list] = {}
    for category in table:
        groups.setdefault(category.census_class, []).append(category)
    return list(groups.items())


@blueprint.get("/register")
def register():
    from placenames import categories
    from placenames.models import NAME_STATUSES

    return _page(
        "pages/officer_register.html",
        "officer.register",
        category_groups=_category_groups(categories.categories().values()),
        statuses=NAME_STATUSES,
    )


@blueprint.get("/register/<int:name_id>")
def register_entry(name_id: int):
    return _page("pages/officer_register_entry.html", "officer.register", name_id=name_id, edit_fields=EDIT_FIELDS)


@blueprint.get("/deadlines")
def deadlines():
    return _page("pages/officer_deadlines.html", "officer.deadlines")


@blueprint.get("/numbering")
def numbering():
    return _page("pages/officer_numbering.html", "officer.numbering")


@blueprint.get("/signs")
def signs():
    from placenames.signs.models import DEFECTS

    return _page("pages/officer_signs.html", "officer.signs", defects=DEFECTS, statuses=ITEM_STATUSES)
