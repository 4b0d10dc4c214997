/* Sign and plate inspections: pass rates by road and by subdistrict (latest result counts),
   and one round of results recorded for the items due. */
(function () {
  "use strict";
  const { getJSON, sendJSON, showMessage } = window.dimingCommon;
  const { el, fillRows, fmt, start, t } = window.officer;
  const form = document.getElementById("record-form");
  const choices = document.getElementById("result-choices");

  function field(id) { return document.getElementById(id).value.trim(); }

  function rate(r) { return r.pass_rate === null ? t.not_inspected : `${(r.pass_rate * 100).toFixed(1)}%`; }

  function table(id, groups, totals) {
    const rows = Object.entries(groups).map(([name, r]) => ({ name, ...r }));
    rows.push({ name: t.report_totals, ...totals });
    fillRows(document.querySelector(`#${id} tbody`), rows, (r) => [r.name, r.items, r.inspected, r.passed, r.failed, rate(r)]);
  }

  function resultSelect(item) {
    const select = el("select");
    select.id = `result-${item.kind}-${item.id}`;
    select.dataset.kind = item.kind;
    select.dataset.item = item.id;
    select.setAttribute("aria-label", `${t[`kind_${item.kind}`]} ${item.id} ${item.text}`);
    select.appendChild(choices.content.cloneNode(true));
    return select;
  }

  function load() {
    return getJSON("/api/v1/signs/report").then((report) => {
      table("by-road", report.by_road, report.totals);
      table("by-subdistrict", report.by_subdistrict, report.totals);
      document.getElementById("report-counts").textContent = fmt(t.report_due_fmt, { due: report.due.length, stale: report.text_mismatch.length });
      fillRows(document.querySelector("#due tbody"), report.due,
        (item) => [`${t[`kind_${item.kind}`] || item.kind} ${item.id}`, item.road, item.text, resultSelect(item)], t.nothing_due);
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const results = [...form.querySelectorAll("#due select")].filter((s) => s.value).map((s) => {
      const [result, defect] = s.value.split(":");
      return { kind: s.dataset.kind, item: Number(s.dataset.item), result, defects: defect ? [defect] : [] };
    });
    if (!results.length) { showMessage(t.nothing_chosen); return; }
    try {
      const round = await sendJSON("POST", "/api/v1/inspections",
        { name: field("round-name"), inspector: field("round-inspector"), held_on: field("round-held-on") });
      await sendJSON("POST", `/api/v1/inspections/${round.id}/results`, { results });
      const closed = await sendJSON("POST", `/api/v1/inspections/${round.id}/close`, {});
      await load();
      document.getElementById("record-result").textContent = fmt(t.recorded_fmt, closed);
    } catch (err) { /* the reason is already shown in #message */ }
  });

  start(() => { load().catch(() => {}); });
})();
