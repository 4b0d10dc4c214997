/* Filing a naming, renaming or cancellation application: the form posts to
   /api/v1/applications like any client, uploads the chosen files to the new application,
   then opens its page. A refusal is said beside the field it concerns; what was typed stays. */
(function () {
  "use strict";
  const { getJSON, baseMap } = window.dimingCommon;
  const { el, fmt, start, t } = window.officer;
  const lang = window.DIMING.lang;
  const form = document.getElementById("filing-form");
  const $ = (id) => document.getElementById(id);
  let drawing = null;
  let target = null;          // the chosen register entry (rename / cancel)
  let communities = [];
  const roads = new Map();    // road name -> id, from the latest suggestions
  const MODES = { point: t.draw_point, line: t.draw_line, polygon: t.draw_polygon };

  function kind() { return form.querySelector("input[name=kind]:checked").value; }
  function words(pair, code) { return (pair && (pair[lang] || pair.zh)) || code || "—"; }
  function message(body, status) { return body && body.message ? body.message[lang] || body.message.zh : `HTTP ${status}`; }

  /* --- errors beside the fields ------------------------------------------------------ */

  function clearErrors() { form.querySelectorAll(".field-error").forEach((p) => { p.textContent = ""; }); }

  function fieldError(field, text) {
    const box = $(`error-${field}`) || $("form-error");
    box.textContent = box.textContent ? `${box.textContent}；${text}` : text;
    const input = $(field);
    if (input && input.focus && box.id !== "form-error") input.setAttribute("aria-invalid", "true");
  }

  /* Which field a refusal is about: the field the server names, the rule's subject, or the form. */
  function place(body, status) {
    const details = (body && body.details) || {};
    const text = message(body, status);
    if (body && body.code === "invalid-geometry") return fieldError("geometry", text);
    if (Array.isArray(details.findings)) {
      details.findings.forEach((f) => fieldError(f.rule === "admin-area" ? "admin_code" : "proposed_name", words(f.message)));
      return;
    }
    if (details.known) return fieldError("category_code", text);
    if (details.field) return fieldError(details.field, text);
    if (details.application_id || /place_name_id|现行地名|current name/.test(text)) return fieldError("place_name_id", text);
    return fieldError("form", text);
  }

  /* A JSON write whose refusal the page places itself (not in the shared #message box). */
  async function post(url, body) {
    const who = await getJSON("/api/v1/session", { background: true });
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": who.csrf_token || "" },
      body: JSON.stringify(body),
    });
    let answer = null;
    try { answer = await response.json(); } catch (err) { answer = null; }
    return { ok: response.ok, status: response.status, body: answer };
  }

  /* --- kind, target entry ------------------------------------------------------------ */

  function showKind() {
    const k = kind();
    $("field-place_name_id").hidden = k === "name";
    $("field-proposed_name").hidden = k === "cancel";
    $("category_code").hidden = k !== "name";
    $("category-of-target").hidden = k === "name";
    $("field-check").hidden = k === "cancel";
    $("field-justification").hidden = k === "cancel";
  }

  function findTargets() {
    const text = $("target-search").value.trim();
    const list = $("target-results");
    if (!text) return;
    getJSON(`/api/v1/names?status=current&limit=10&q=${encodeURIComponent(text)}`).then((page) => {
      list.replaceChildren();
      if (!page.names.length) { list.appendChild(el("li", t.filing_target_none, "empty")); return; }
      page.names.forEach((n) => {
        const item = el("li");
        const choose = el("button", t.filing_target_pick);
        choose.type = "button";
        choose.dataset.id = n.id;
        choose.addEventListener("click", () => chooseTarget(n));
        item.append(choose, " ", el("span", `${n.name} ${n.romanization || ""} · ${words(n.category_words, n.category_code)} · ${words(null, n.area && n.area.name)}`));
        list.appendChild(item);
      });
    }).catch(() => {});
  }

  function chooseTarget(n) {
    target = n;
    $("target-results").replaceChildren();
    $("target-chosen").textContent = fmt(t.filing_target_chosen_fmt, { name: n.name, roman: n.romanization || "—", category: words(n.category_words, n.category_code) });
    $("old-name").hidden = false;
    $("old-name").textContent = fmt(t.filing_old_name_fmt, { name: n.name });
    $("error-place_name_id").textContent = "";
    if (n.admin_code) setArea(n.admin_code);
    if (n.geometry && drawing) {
      drawing.use(n.geometry);
      $("draw-status").textContent = fmt(t.draw_target_fmt, { name: n.name });
    }
  }

  /* --- administrative area ------------------------------------------------------------ */

  function option(value, text) { const o = el("option", text); o.value = value; return o; }

  function fillCommunities(parent) {
    const select = $("community");
    select.replaceChildren(option("", t.filing_area_none),
      ...communities.filter((c) => c.parent_code === parent).map((c) => option(c.code, `${c.name}（${c.code}）`)));
  }

  function setArea(code) {
    const subdistrict = `${code.slice(0, 9)}000`;
    $("subdistrict").value = subdistrict;
    fillCommunities(subdistrict);
    if (code !== subdistrict) $("community").value = code;
  }

  function adminCode() { return $("community").value || $("subdistrict").value || null; }

  function loadUnits() {
    getJSON("/api/v1/units?level=subdistrict", { background: true }).then((fc) => {
      const units = fc.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code));
      $("subdistrict").append(...units.map((u) => option(u.code, `${u.name}（${u.code}）`)));
    }).catch(() => {});
    getJSON("/api/v1/units?level=community", { background: true }).then((fc) => {
      communities = fc.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code));
      fillCommunities($("subdistrict").value);
    }).catch(() => {});
    $("subdistrict").addEventListener("change", () => fillCommunities($("subdistrict").value));
  }

  /* --- the shape: drawn, or a road's centreline ------------------------------------------- */

  function drawStatus(s) {
    const status = $("draw-status");
    if (s.picked) return;
    if (!s.count) { status.textContent = t.draw_empty; return; }
    status.textContent = fmt(s.finished ? t.draw_done_fmt : t.draw_hint_fmt, { mode: MODES[s.mode], count: s.count });
  }

  function setupMap() {
    const map = baseMap("map");
    drawing = window.dimingDraw.create(map, { onChange: (s) => { $("error-geometry").textContent = ""; drawStatus(s); } });
    form.querySelectorAll(".draw-tools .mode").forEach((button) => button.addEventListener("click", () => {
      form.querySelectorAll(".draw-tools .mode").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      drawing.setMode(button.dataset.mode);
    }));
    $("draw-undo").addEventListener("click", () => drawing.undo());
    $("draw-finish").addEventListener("click", () => {
      const s = drawing.finish();
      if (!s.finished) fieldError("geometry", fmt(t.draw_need_fmt, { mode: MODES[s.mode], count: drawing.minimum() }));
    });
    $("draw-clear").addEventListener("click", () => drawing.clear());
    drawStatus(drawing.state());
  }

  function suggestRoads() {
    const text = $("road-pick").value.trim();
    if (!text) return;
    getJSON(`/api/v1/roads?limit=20&q=${encodeURIComponent(text)}`, { background: true }).then((body) => {
      body.items.forEach((r) => roads.set(r.name, r.id));
      $("road-pick-names").replaceChildren(...body.items.map((r) => option(r.name, r.name)));
    }).catch(() => {});
  }

  async function useRoad() {
    const name = $("road-pick").value.trim();
    $("error-geometry").textContent = "";
    if (!roads.has(name)) {
      const body = await getJSON(`/api/v1/roads?limit=20&q=${encodeURIComponent(name)}`);
      body.items.forEach((r) => roads.set(r.name, r.id));
    }
    if (!roads.has(name)) { fieldError("geometry", fmt(t.road_none, { text: name })); return; }
    const road = await getJSON(`/api/v1/roads/${roads.get(name)}`);
    drawing.use(road.geometry);
    $("draw-status").textContent = fmt(t.draw_picked_fmt, { name: road.name });
  }

  /* --- the name check ------------------------------------------------------------------ */

  async function check() {
    clearErrors();
    const list = $("check-findings");
    const category = kind() === "name" ? $("category_code").value : target && target.category_code;
    const result = await post("/api/v1/names/check", { name: $("proposed_name").value, category: category || "", admin_code: adminCode() });
    list.replaceChildren();
    $("check-title").hidden = false;
    if (!result.ok) { place(result.body, result.status); return; }
    const findings = result.body.findings;
    if (!findings.length) list.appendChild(el("li", t.no_findings, "empty"));
    findings.forEach((f) => {
      const item = el("li", null, `finding ${f.severity}`);
      item.append(el("strong", `${t[`severity_${f.severity}`] || f.severity}：`), words(f.message));
      list.appendChild(item);
    });
    if (result.body.needs_justification) fieldError("justification", t.filing_justification_needed);
  }

  /* --- submit ----------------------------------------------------------------------------- */

  function body() {
    const k = kind();
    const data = { kind: k };
    ["reasons", "applicant_name", "applicant_organisation", "applicant_contact", "location_description", "meaning", "origin", "justification"]
      .forEach((name) => { const value = $(name).value.trim(); if (value) data[name] = value; });
    if (k !== "cancel") data.proposed_name = $("proposed_name").value.trim();
    if (k === "name" && $("category_code").value) data.category_code = $("category_code").value;
    if (k !== "name" && target) data.place_name_id = target.id;
    const days = $("notice_days").value.trim();
    if (days) data.notice_days = Number(days);
    const area = adminCode();
    if (area) data.admin_code = area;
    const shape = drawing.state();
    if (shape.geometry && !(target && shape.picked && shape.geometry === target.geometry)) data.geometry = shape.geometry;
    return data;
  }

  async function upload(id) {
    const files = [...$("attachment-files").files];
    for (const file of files) {
      const who = await getJSON("/api/v1/session", { background: true });
      const data = new FormData();
      data.append("file", file);
      data.append("kind", $("attachment-kind").value);
      data.append("csrf_token", who.csrf_token || "");
      const response = await fetch(`/api/v1/applications/${id}/attachments`, { method: "POST", body: data, headers: { Accept: "application/json" } });
      if (!response.ok) {
        let answer = null;
        try { answer = await response.json(); } catch (err) { answer = null; }
        return fmt(t.filing_upload_failed_fmt, { id, file: file.name, message: message(answer, response.status) });
      }
    }
    return null;
  }

  function opened(id) { return `/officer/applications/${id}?lang=${lang}`; }

  async function submit(event) {
    event.preventDefault();
    clearErrors();
    form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
    const shape = drawing.state();
    if (!shape.picked && shape.count && !shape.enough) {
      fieldError("geometry", fmt(t.draw_need_fmt, { mode: MODES[shape.mode], count: drawing.minimum() }));
      return;
    }
    if (kind() !== "name" && !target) { fieldError("place_name_id", t.filing_target_search); return; }
    const button = $("submit-application");
    button.disabled = true;
    try {
      const result = await post("/api/v1/applications", body());
      if (!result.ok) { place(result.body, result.status); return; }
      const id = result.body.id;
      $("form-result").textContent = fmt(t.filing_uploading_fmt, { id });
      const failed = await upload(id);
      if (failed) {
        $("form-result").replaceChildren(el("span", failed), " ", window.dimingCommon.el("a", { href: opened(id), id: "open-application" }, fmt(t.filing_open_fmt, { id })));
        return;
      }
      window.location.assign(opened(id));
    } catch (err) {
      fieldError("form", t.network_error);
    } finally {
      button.disabled = false;
    }
  }

  form.addEventListener("change", (event) => { if (event.target.name === "kind") showKind(); });
  $("target-find").addEventListener("click", findTargets);
  $("target-search").addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); findTargets(); } });
  $("road-pick").addEventListener("input", suggestRoads);
  $("road-use").addEventListener("click", () => useRoad().catch(() => {}));
  $("check-name").addEventListener("click", () => check().catch(() => fieldError("form", t.network_error)));
  form.addEventListener("submit", submit);
  showKind();
  start(() => { setupMap(); loadUnits(); });
})();
