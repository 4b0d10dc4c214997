/* One naming application: its data, check findings, public comments, history, and the
   next steps the procedure allows now (the server says which; it refuses any other). */
(function () {
  "use strict";
  const { getJSON, sendJSON, showMessage, baseMap } = window.dimingCommon;
  const { el, fmt, fillRows, stateLabel, words, day, start, t } = window.officer;
  const id = document.getElementById("application").dataset.id;
  const lang = window.DIMING.lang;
  /* What each step asks for besides its reason (the server checks them). */
  const STEP_FIELDS = {
    review: [["officer_opinion", "text"], ["justification", "text"]],
    approve: [["approving_body", "text"], ["approval_document", "text"], ["approved_on", "date"]],
    file: [["filed_with", "text"], ["filed_on", "date"]],
    announce: [["announced_on", "date"]],
  };
  let current = null;
  let map = null;
  let shape = null;

  function area(a) { return a && a.code ? `${a.name || "—"}${lang === "zh" ? `（${a.code}）` : ` (${a.code})`}` : null; }

  /* The register entry the application is about (a new name's entry is made when it is filed). */
  function entryLink(a) {
    const link = el("a", `${a.place_name_id}`);
    link.href = `/officer/register/${a.place_name_id}?lang=${lang}`;
    link.id = "register-entry";
    return link;
  }

  /* The application's shape on the district's base map (once; redrawn when it changes). */
  function drawShape(a) {
    document.getElementById("no-geometry").hidden = !!a.geometry;
    if (!a.geometry) return;
    if (!map) map = baseMap("map");
    if (shape) shape.remove();
    shape = L.geoJSON(a.geometry, {
      style: { color: "#c0392b", weight: 5 },
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#c0392b" }),
    }).addTo(map);
    map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [30, 30] });
  }

  function facts(a) {
    const dl = document.getElementById("application-data");
    dl.replaceChildren();
    const rows = [
      [t.col_kind, words(a.kind_label, a.kind)], [t.field_former_name, a.former_name], [t.field_romanization, a.romanization],
      [t.col_category, words(a.category_label, a.category_code)], [t.field_area, area(a.area)],
      [t.field_register_entry, a.place_name_id && entryLink(a)], [t.field_location, a.location_description],
      [t.field_reasons, a.reasons], [t.field_applicant, a.applicant_name], [t.field_organisation, a.applicant_organisation],
      [t.field_contact, a.applicant_contact], [t.field_opinion, a.officer_opinion], [t.field_justification, a.justification],
      [t.field_notice, a.notice_starts_at ? `${day(a.notice_starts_at, false)} – ${day(a.notice_ends_at)}` : null],
      [t.field_approval, a.approved_on ? [a.approving_body, a.approval_document, a.approved_on].join(" · ") : null],
      [t.field_filing, a.filed_on ? `${a.filed_with} · ${a.filed_on}` : null], [t.field_announced, a.announced_on],
      [t.field_decision, a.decision_reason],
      [t.field_notice_number, a.notice_number && documents(a.notice_number, "notice")],
      [t.field_announcement_number, a.announcement_number && documents(a.announcement_number, "announcement")],
    ];
    rows.filter(([, value]) => value).forEach(([label, value]) => { dl.appendChild(el("dt", label)); dl.appendChild(el("dd", value)); });
  }

  /* A document number (文号) with links to print its 公示/公告 and to download it as Word. */
  function documents(number, kind) {
    const print = el("a", t.print_document, "doc-link");
    print.href = `/notices/${id}/${kind}/print?lang=${lang}`;
    print.id = `print-${kind}`;
    const word = el("a", t.docx_document, "doc-link");
    word.href = `/api/v1/notices/${id}/documents/${kind}?format=docx&lang=${lang}`;
    const dd = el("span", number);
    dd.append(" ", print, " ", word);
    return dd;
  }

  function findingList(list, findings, emptyText) {
    list.replaceChildren();
    if (!findings || !findings.length) { list.appendChild(el("li", emptyText, "empty")); return; }
    findings.forEach((f) => {
      const item = el("li", null, `finding ${f.severity}`);
      item.appendChild(el("strong", `${t[`severity_${f.severity}`] || f.severity}：`));
      item.appendChild(document.createTextNode(f.message[lang] || f.message.zh));
      list.appendChild(item);
    });
  }

  function comments(list) {
    const ol = document.getElementById("comments");
    ol.replaceChildren();
    if (!list.length) { ol.appendChild(el("li", t.no_comments, "empty")); return; }
    list.forEach((c) => {
      const item = el("li", c.body);
      const who = [c.author_name || t.anonymous, c.author_contact, day(c.submitted_at)].filter(Boolean).join(" · ");
      item.appendChild(el("span", who, "meta"));
      ol.appendChild(item);
    });
  }

  function input(name, type, value) {
    const wrap = el("div", null, "field");
    const label = el("label", t[`input_${name}`]);
    label.htmlFor = `step-${name}`;
    const box = el("input");
    box.id = `step-${name}`;
    box.name = name;
    box.type = type;
    if (value) box.value = value;
    wrap.append(label, box);
    return wrap;
  }

  function steps(a) {
    const fields = document.getElementById("step-fields");
    const buttons = document.getElementById("next-steps");
    // What the officer typed stays when the page is redrawn (a refused step, a newer version).
    const typed = Object.fromEntries([...fields.querySelectorAll("input")].map((box) => [box.name, box.value]));
    fields.replaceChildren();
    buttons.replaceChildren();
    if (!a.next_actions.length) { buttons.appendChild(el("p", t.no_next)); document.getElementById("step-reason").disabled = true; return; }
    document.getElementById("step-reason").disabled = false;
    a.next_actions.forEach((action) => {
      (STEP_FIELDS[action] || []).forEach(([name, type]) => fields.appendChild(input(name, type, typed[name])));
      const button = el("button", t[`action_${action}`] || action, action === "reject" || action === "withdraw" ? "danger" : "");
      button.type = "button";
      button.dataset.action = action;
      button.addEventListener("click", () => act(action));
      buttons.appendChild(button);
    });
  }

  function files(list) {
    const tbody = document.querySelector("#attachments tbody");
    fillRows(tbody, list, (f) => [t[`attachment_kind_${f.kind}`] || f.kind, f.filename, `${Math.ceil(f.size_bytes / 1024)} KB`, f.sha256.slice(0, 12), f.uploaded_by, day(f.uploaded_at)], t.no_attachments);
    if (!list.length) return;
    // The file name links to the download (same session cookie; never public).
    [...tbody.querySelectorAll("tr")].forEach((row, i) => {
      const link = el("a", list[i].filename);
      link.href = `/api/v1/applications/${id}/attachments/${list[i].id}`;
      link.title = list[i].sha256;
      row.children[1].replaceChildren(link);
    });
  }

  function show(a) {
    current = a;
    document.getElementById("application-title").textContent = fmt(t.application_fmt, { id: a.id, name: a.proposed_name });
    document.getElementById("state-label").textContent = words(a.state_label, a.state);
    document.getElementById("state-label").dataset.state = a.state;
    facts(a);
    drawShape(a);
    findingList(document.getElementById("stored-findings"), a.findings, a.findings ? t.no_findings : t.not_checked);
    comments(a.comments);
    files(a.attachments || []);
    fillRows(document.querySelector("#history tbody"), a.transitions,
      (s) => [day(s.at), words(s.action_label, s.action), `${s.from ? stateLabel(s.from) : "—"} → ${stateLabel(s.to)}`, s.actor, s.reason]);
    steps(a);
  }

  function act(action) {
    const reason = document.getElementById("step-reason");
    const result = document.getElementById("step-result");
    if (!reason.value.trim()) { reason.focus(); reason.reportValidity(); return; }
    const body = { action, reason: reason.value.trim(), version: current.version };
    (STEP_FIELDS[action] || []).forEach(([name]) => {
      const value = document.getElementById(`step-${name}`).value.trim();
      if (value) body[name] = value;
    });
    sendJSON("POST", `/api/v1/applications/${id}/transitions`, body).then((a) => {
      reason.value = "";
      document.getElementById("step-fields").replaceChildren();  // done: the next step starts empty
      show(a);
      result.textContent = fmt(t.done_fmt, { action: t[`action_${action}`] || action, state: words(a.state_label, a.state) });
    }).catch((err) => {
      const refused = fmt(t.refused_fmt, { message: err.message });
      result.textContent = refused;
      // Show what the application is now, and keep the refusal in words on the page.
      getJSON(`/api/v1/applications/${id}`).then((a) => { show(a); showMessage(refused); }).catch(() => {});
    });
  }

  /* A file goes up as multipart form data with the session's CSRF token as a form field. */
  document.getElementById("attachment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const result = document.getElementById("attachment-result");
    getJSON("/api/v1/session").then((who) => {
      const data = new FormData(form);
      data.append("csrf_token", who.csrf_token || "");
      return fetch(`/api/v1/applications/${id}/attachments`, { method: "POST", body: data, headers: { Accept: "application/json" } });
    }).then((response) => response.json().then((body) => {
      if (!response.ok) { throw new Error(body.message ? (body.message[lang] || body.message.zh) : response.statusText); }
      result.textContent = fmt(t.attachment_done_fmt, { name: body.filename });
      form.reset();
      return getJSON(`/api/v1/applications/${id}`).then(show);
    })).catch((err) => {
      const refused = fmt(t.refused_fmt, { message: err.message });
      result.textContent = refused;
      showMessage(refused);
    });
  });

  document.getElementById("run-check").addEventListener("click", () => {
    sendJSON("POST", "/api/v1/names/check", { name: current.proposed_name, category: current.category_code }).then((report) => {
      document.getElementById("live-block").hidden = false;
      findingList(document.getElementById("live-findings"), report.findings, t.no_findings);
    }).catch(() => {});
  });

  start(() => getJSON(`/api/v1/applications/${id}`).then(show).catch(() => {}));
})();
