/* Sign and plate inspections at district size: the items page by page (filters run on the
   server), the counts and pass rates of the filtered items by subdistrict (latest result
   counts), and one round of results recorded for the items chosen on the page. */
(function () {
  "use strict";
  const { getJSON, sendJSON, showMessage } = window.dimingCommon;
  const { el, fillRows, fmt, start, t } = window.officer;
  const PAGE = 50;
  const filterForm = document.getElementById("filter-form");
  const form = document.getElementById("record-form");
  const choices = document.getElementById("result-choices");
  const prev = document.getElementById("page-prev");
  const next = document.getElementById("page-next");
  let offset = 0;
  let ticket = 0;  // only the answer to the latest request is drawn
  let query = "";

  function field(id) { return document.getElementById(id).value.trim(); }

  function rate(r) { return r.pass_rate === null ? t.not_inspected : `${(r.pass_rate * 100).toFixed(1)}%`; }

  /* The filters as a query string; empty fields are left out. */
  function filters() {
    const params = new URLSearchParams();
    new FormData(filterForm).forEach((value, key) => { if (String(value).trim()) params.set(key, String(value).trim()); });
    return params;
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

  function expectedCell(item) {
    const td = el("span", item.mismatch ? item.expected : "—");
    if (item.mismatch) td.className = "mismatch";
    return td;
  }

  function lastInspected(item) {
    if (!item.last_inspected) return t.not_inspected;
    const result = item.last_result === "pass" ? t.col_passed : t.col_failed;
    return fmt(t.last_result_fmt, { day: item.last_inspected, result });
  }

  function showItems(page) {
    const tbody = document.querySelector("#items tbody");
    fillRows(tbody, page.items, (item) => [
      `${t[`kind_${item.kind}`] || item.kind} ${item.level && item.level !== "门牌" ? item.level + " " : ""}${item.id}`,
      item.road,
      item.subdistrict,
      item.text,
      expectedCell(item),
      t[`status_${item.status}`] || item.status,
      lastInspected(item),
      resultSelect(item),
    ], t.page_empty);
    tbody.querySelectorAll("span.mismatch").forEach((span) => span.parentElement.classList.add("mismatch"));
    const first = page.total ? page.offset + 1 : 0;
    document.getElementById("page-info").textContent = fmt(t.page_info_fmt, { first, last: page.offset + page.items.length, total: page.total });
    prev.disabled = page.offset === 0;
    next.disabled = page.next_offset === null;
  }

  function showSummary(summary) {
    const totals = summary.totals;
    document.getElementById("report-counts").textContent = fmt(t.report_counts_fmt, {
      ...totals, rate: rate(totals), due: summary.due, mismatch: summary.mismatch,
    });
    const rows = Object.entries(summary.by_subdistrict).map(([name, r]) => ({ name, ...r }));
    rows.push({ name: t.report_totals, ...totals });
    fillRows(document.querySelector("#by-subdistrict tbody"), rows, (r) => [r.name, r.items, r.inspected, r.passed, r.failed, rate(r)]);
  }

  /* One page of items, then (when the filters changed) the counts of the same filters: the
     rows come first, the counts, which read every item, after them. */
  function load(withSummary) {
    const mine = ++ticket;
    const params = new URLSearchParams(query);
    params.set("limit", PAGE);
    params.set("offset", offset);
    return getJSON(`/api/v1/signs?${params}`).then((body) => {
      if (mine !== ticket) return null;
      showItems(body);
      if (!withSummary) return null;
      return getJSON(`/api/v1/signs/summary?${query}`).then((counts) => { if (mine === ticket) showSummary(counts); });
    });
  }

  function applyFilters() {
    query = filters().toString();
    offset = 0;
    return load(true).catch(() => {});
  }

  /* Road names for the road filter, asked of the server as the officer types. */
  function suggestRoads() {
    const text = field("filter-road");
    if (!text) return;
    getJSON(`/api/v1/roads?limit=20&q=${encodeURIComponent(text)}`, { background: true }).then((body) => {
      document.getElementById("filter-road-names").replaceChildren(...body.items.map((r) => {
        const option = el("option");
        option.value = r.name;
        return option;
      }));
    }).catch(() => {});
  }

  function fillSubdistricts() {
    return getJSON("/ogc/collections/subdistricts/items?f=json&limit=100&skipGeometry=true", { background: true }).then((fc) => {
      const select = document.getElementById("filter-subdistrict");
      fc.features.map((f) => f.properties.name).filter(Boolean).sort().forEach((name) => {
        const option = el("option", name);
        option.value = name;
        select.appendChild(option);
      });
    }).catch(() => {});
  }

  filterForm.addEventListener("submit", (event) => { event.preventDefault(); applyFilters(); });
  document.getElementById("filter-road").addEventListener("input", suggestRoads);
  prev.addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load(false).catch(() => {}); });
  next.addEventListener("click", () => { offset += PAGE; load(false).catch(() => {}); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const results = [...form.querySelectorAll("#items select")].filter((s) => s.value).map((s) => {
      const [result, defect] = s.value.split(":");
      return { kind: s.dataset.kind, item: Number(s.dataset.item), result, defects: defect ? [defect] : [] };
    });
    if (!results.length) { showMessage(t.nothing_chosen); return; }
    try {
      const round = await sendJSON("POST", "/api/v1/inspections",
        { name: field("round-name"), inspector: field("round-inspector"), held_on: field("round-held-on") });
      await sendJSON("POST", `/api/v1/inspections/${round.id}/results`, { results });
      const closed = await sendJSON("POST", `/api/v1/inspections/${round.id}/close`, {});
      await load(true);
      document.getElementById("record-result").textContent = fmt(t.recorded_fmt, closed);
    } catch (err) { /* the reason is already shown in #message */ }
  });

  start(() => { fillSubdistricts(); applyFilters(); });
})();
