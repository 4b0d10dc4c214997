/* One register entry: its spelling (an officer's override said as such), category and area
   in words, its shape on the map, aliases and former names, the applications about it,
   and every audited change — times in Beijing time. */
(function () {
  "use strict";
  const { getJSON, sendJSON, baseMap } = window.dimingCommon;
  const { el, fmt, fillRows, words, day, start, t } = window.officer;
  const lang = window.DIMING.lang;
  const id = document.getElementById("entry").dataset.id;
  const editForm = document.getElementById("edit-form");
  const FIELDS = [...editForm.querySelectorAll("input:not([name=reason])")].map((box) => box.name);
  let current = null;
  let map = null;
  let shape = null;

  function area(a) { return a && a.code ? `${a.name || "—"}${lang === "zh" ? `（${a.code}）` : ` (${a.code})`}` : null; }

  function spelling(n) {
    if (!n.romanization_override) return n.romanization;
    return fmt(t.entry_override_fmt, { roman: n.romanization_override, rules: n.rules_romanization || "—" });
  }

  function facts(n) {
    const dl = document.getElementById("entry-data");
    dl.replaceChildren();
    const rows = [
      [t.col_register_name, n.name], [t.field_romanization, spelling(n)],
      [t.field_parts, n.specific_part ? fmt(t.entry_parts_fmt, { specific: n.specific_part, generic: n.generic_part || "—" }) : null],
      [t.field_category, words(n.category_words, n.category_code)], [t.field_area, area(n.area)],
      [t.field_status, t[`name_status_${n.status}`] || n.status], [t.field_entity_code, n.entity_code],
      [t.field_location, n.location_description],
      [t.field_approved, n.approved_on ? [n.approving_body, n.approval_document, n.approved_on].filter(Boolean).join(" · ") : null],
      [t.field_announced, n.announced_on], [t.field_retired_on, n.retired_on],
      [t.field_meaning, n.meaning], [t.field_origin, n.origin], [t.field_history, n.history], [t.field_source, n.data_source],
    ];
    rows.filter(([, value]) => value).forEach(([label, value]) => { dl.append(el("dt", label), el("dd", value)); });
    document.getElementById("entry-title").textContent = fmt(t.entry_title_fmt, { id: n.id, name: n.name });
  }

  function applicationLink(a) {
    const link = el("a", String(a.id));
    link.href = `/officer/applications/${a.id}?lang=${lang}`;
    return link;
  }

  function changes(e) {
    if (e.action !== "update" || !e.before || !e.after) return null;
    return Object.keys(e.after).filter((k) => JSON.stringify(e.before[k]) !== JSON.stringify(e.after[k]) && k !== "version" && k !== "updated_at")
      .map((k) => `${k}: ${e.before[k] ?? "—"} → ${e.after[k] ?? "—"}`).join("; ");
  }

  /* The correction form starts from the entry as shown; what was typed stays on a refusal. */
  function fillEdit(n) { FIELDS.forEach((name) => { editForm.elements[name].value = n[name] || ""; }); }

  function save(event) {
    event.preventDefault();
    const error = document.getElementById("edit-error");
    const result = document.getElementById("edit-result");
    error.textContent = "";
    result.textContent = "";
    const changes = {};
    FIELDS.forEach((name) => {
      const value = editForm.elements[name].value.trim();
      if (value !== (current[name] || "")) changes[name] = value || null;
    });
    const reason = editForm.elements.reason.value.trim();
    if (!Object.keys(changes).length) { error.textContent = t.edit_nothing; return; }
    if (!reason) { error.textContent = t.edit_need_reason; editForm.elements.reason.focus(); return; }
    sendJSON("PATCH", `/api/v1/names/${id}`, { version: current.version, reason, changes }).then(() => {
      editForm.elements.reason.value = "";
      result.textContent = fmt(t.edit_done_fmt, { fields: Object.keys(changes).map((k) => t[`edit_field_${k}`] || k).join("、") });
      return load();
    }).catch((err) => { error.textContent = fmt(t.edit_refused_fmt, { message: err.message }); });
  }

  function show(n, history) {
    current = n;
    facts(n);
    fillEdit(n);
    fillRows(document.querySelector("#aliases tbody"), n.aliases,
      (a) => [a.alias, t[`alias_kind_${a.kind}`] || a.kind, a.valid_from || a.valid_to ? `${a.valid_from || "…"} – ${a.valid_to || "…"}` : null], t.no_aliases);
    fillRows(document.querySelector("#entry-applications tbody"), n.applications,
      (a) => [applicationLink(a), words(a.kind_label, a.kind), a.proposed_name, words(a.state_label, a.state), a.announced_on, a.announcement_number],
      t.no_entry_applications);
    fillRows(document.querySelector("#audit tbody"), history.history,
      (e) => [day(e.at), t[`audit_${e.action}`] || e.action, e.actor, e.reason, changes(e)], t.no_audit);
    if (!map) map = baseMap("map");
    if (shape) shape.remove();
    if (n.geometry) {
      shape = L.geoJSON(n.geometry, {
        style: { color: "#c0392b", weight: 5 },
        pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#c0392b" }),
      }).addTo(map);
      map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [30, 30] });
    }
  }

  function load() {
    return Promise.all([getJSON(`/api/v1/names/${id}`), getJSON(`/api/v1/names/${id}/history`)]).then(([n, history]) => show(n, history));
  }

  editForm.addEventListener("submit", save);
  start(() => load().catch(() => {}));
})();
