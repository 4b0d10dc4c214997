/* Boundary workspace: lines coloured by inspection status, a line's markers coloured by their
   condition (in the chosen campaign, or as registered), recording a marker result with a
   measured position typed or picked on the map, signing the campaign for one party, and the
   campaign report and marker register as downloads. */
(function () {
  "use strict";
  const D = window.DIMING;
  const C = window.dimingCommon;
  const $ = (id) => document.getElementById(id);
  const LINE_COLOURS = { ok: "#1a9641", due: "#d7191c", never: "#7b3294" };
  const FALLBACK = { intact: "#1a9641", damaged: "#fdae61", displaced: "#d7191c", missing: "#000000", rebuilt: "#2b83ba", new: "#abdda4", "not-inspected": "#a0a0a0" };

  const map = C.baseMap("map");
  const lineLayer = L.layerGroup().addTo(map);
  const markerLayer = L.layerGroup().addTo(map);
  let lines = [];
  let line = null;
  let markers = [];
  let campaigns = [];
  let report = null;
  let selected = null;
  let picking = false;
  let loaded = false;

  const today = window.dimingCommon.localDate();  // the district's calendar day, not UTC's

  function lineState(l) {
    if (!l.last_inspected) return "never";
    return l.next_inspection_due && l.next_inspection_due < today ? "due" : "ok";
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function activate(row, action) {
    row.tabIndex = 0;
    row.addEventListener("click", action);
    row.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); action(); } });
  }

  function loadLines() {
    Promise.all([C.getJSON("/api/v1/boundary-lines"), C.getJSON("/ogc/collections/boundary-lines/items?f=json&limit=1000")])
      .then(([list, fc]) => {
        lines = list.lines;
        const byCode = Object.fromEntries(lines.map((l) => [l.code, l]));
        const body = $("lines-table").tBodies[0];
        body.replaceChildren();
        lines.forEach((l) => {
          const row = body.insertRow();
          row.dataset.lineId = l.id;
          row.dataset.state = lineState(l);
          if (line && line.id === l.id) row.classList.add("selected");
          cell(row, l.number || l.code);
          cell(row, `${l.left_name} | ${l.right_name}`);
          cell(row, l.last_inspected || D.t.never);
          cell(row, l.next_inspection_due || "—").title = D.t["line_" + lineState(l)];
          activate(row, () => selectLine(l.id));
        });
        lineLayer.clearLayers();
        L.geoJSON(fc, {
          style: (f) => {
            const state = byCode[f.properties.code] ? lineState(byCode[f.properties.code]) : "never";
            return { color: LINE_COLOURS[state], weight: 4, opacity: 0.85, className: `boundary-line line-${state}` };
          },
          onEachFeature: (f, layer) => {
            const l = byCode[f.properties.code];
            if (!l) return;
            layer.bindTooltip(C.el("span", null, `${l.number || l.code} · ${D.t["line_" + lineState(l)]}`));
            layer.on("click", () => selectLine(l.id));
          },
        }).addTo(lineLayer);
      }).catch(() => {});
  }

  function statusOf(marker) {
    if (report) {
      const row = report.markers.find((r) => r.marker_id === marker.id);
      if (row) return row.status;
    }
    return marker.status || "not-inspected";
  }

  function colour(status) {
    return (report && report.legend[status]) || FALLBACK[status] || "#a0a0a0";
  }

  function drawMarkers() {
    markerLayer.clearLayers();
    const body = $("markers-table").tBodies[0];
    body.replaceChildren();
    if (!markers.length) cell(body.insertRow(), D.t.no_markers).colSpan = 2;
    markers.forEach((m) => {
      const status = statusOf(m);
      const circle = L.circleMarker([m.lat, m.lon], {
        radius: selected && selected.id === m.id ? 10 : 7, color: selected && selected.id === m.id ? "#f0a500" : "#222",
        weight: 2, fillColor: colour(status), fillOpacity: 0.95, className: `marker marker-${status}`,
      }).addTo(markerLayer);
      circle.bindTooltip(C.el("span", null, `${m.code} · ${D.t["status_" + status] || status}`));
      circle.on("click", (e) => { L.DomEvent.stopPropagation(e); selectMarker(m); });
      const row = body.insertRow();
      row.dataset.markerId = m.id;
      row.dataset.status = status;
      if (selected && selected.id === m.id) row.className = "selected";
      cell(row, m.code);
      cell(row, D.t["status_" + status] || status);
      activate(row, () => selectMarker(m));
    });
    const legend = $("legend");
    legend.replaceChildren(document.createTextNode(D.t.legend + ":"));
    ["intact", "damaged", "displaced", "missing", "rebuilt", "new", "not-inspected"].forEach((s) => {
      const swatch = document.createElement("span");
      swatch.style.background = colour(s);
      legend.append(swatch, document.createTextNode(D.t["status_" + s]));
    });
  }

  function currentCampaign() {
    return campaigns.find((c) => String(c.id) === $("campaign").value) || null;
  }

  function loadReport() {
    const campaign = currentCampaign();
    const link = $("report-link");
    link.hidden = !campaign;
    if (!campaign) { report = null; drawMarkers(); updateRecordPanel(); drawSignoff(); return Promise.resolve(); }
    link.href = `/api/v1/boundary-inspections/${campaign.id}`;
    link.download = `${campaign.code}-report.json`;
    return C.getJSON(`/api/v1/boundary-inspections/${campaign.id}`).then((r) => {
      report = r;
      drawMarkers();
      updateRecordPanel();
      drawSignoff();
    }).catch(() => {});
  }

  /* Who has signed for each party; a party's button only while it has not and the campaign is open. */
  function drawSignoff() {
    const panel = $("signoff");
    panel.hidden = !report || !currentCampaign();
    if (panel.hidden) { $("agreement-link").hidden = $("agreement-docx-link").hidden = true; return; }
    const s = report.summary;
    const open = s.status === "open";
    panel.dataset.status = s.status;
    [["a", s.party_a, s.signed_a_by], ["b", s.party_b, s.signed_b_by]].forEach(([party, name, by]) => {
      const label = $(`signed-${party}`);
      label.textContent = `${name}: ` + (by ? D.t.signed_by_fmt.replace("{who}", by) : D.t.not_signed);
      label.dataset.signed = by ? "true" : "false";
      $(`sign-${party}`).hidden = !!by || !open;
    });
    $("ended-on-field").hidden = !open;
    // 联检协议书: issued once both parties have signed (the API answers 409 before that)
    const agreement = `/api/v1/boundary-inspections/${currentCampaign().id}/agreement`;
    $("agreement-link").href = `${agreement}?format=html`;
    $("agreement-docx-link").href = `${agreement}?format=docx`;
    $("agreement-link").hidden = $("agreement-docx-link").hidden = s.status !== "signed";
    $("signoff-state").textContent = open ? D.t.campaign_open : D.t.campaign_signed_fmt.replace("{date}", s.ended_on || "—");
    // 补充记录: after sign-off, changes go into an addendum both parties sign again; the signed records stay as they are
    $("addenda-box").hidden = open || !!s.addendum_of;
    $("addenda").replaceChildren(...(report.addenda || []).map((a) => C.el("li", {},
      D.t.addendum_fmt.replace("{code}", a.code).replace("{status}", a.status).replace("{n}", String(a.records.length + a.findings.length)))));
  }

  function openAddendum() {
    const campaign = currentCampaign();
    if (!campaign) return;
    C.sendJSON("POST", `/api/v1/boundary-inspections/${campaign.id}/addenda`, {})
      .then((created) => loadCampaigns(created.id))
      .catch(() => {});
  }

  function signFor(party) {
    const campaign = currentCampaign();
    if (!campaign) return;
    const body = { party };
    if ($("ended-on").value) body.ended_on = $("ended-on").value;
    C.sendJSON("POST", `/api/v1/boundary-inspections/${campaign.id}/sign`, body)
      .then(() => { loadLines(); return loadCampaigns(campaign.id); })
      .catch(() => {});
  }

  function loadCampaigns(chosen) {
    return C.getJSON(`/api/v1/boundary-inspections?line_id=${line.id}`).then((body) => {
      campaigns = body.campaigns;
      const select = $("campaign");
      select.replaceChildren();
      if (!campaigns.length) select.add(new Option(D.t.no_campaign, ""));
      campaigns.forEach((c) => select.add(new Option(`${c.code} · ${c.started_on} · ${c.status}`, c.id)));
      if (chosen) select.value = String(chosen);
      return loadReport();
    });
  }

  function selectLine(lineId) {
    line = lines.find((l) => l.id === lineId);
    $("register-link").href = `/api/v1/boundary-lines/${lineId}/markers/table?format=html`;
    $("register-link").hidden = false;
    selected = null;
    report = null;
    $("line-panel").hidden = false;
    $("line-title").textContent = `${D.t.line} ${line.number || line.code}: ${line.left_name} | ${line.right_name}`;
    document.querySelectorAll("#lines-table tbody tr").forEach((r) => r.classList.toggle("selected", r.dataset.lineId === String(lineId)));
    Promise.all([C.getJSON(`/api/v1/boundary-lines/${lineId}/markers`), loadCampaigns()]).then(([body]) => {
      markers = body.markers;
      drawMarkers();
      if (markers.length) map.fitBounds(L.latLngBounds(markers.map((m) => [m.lat, m.lon])), { padding: [30, 30], maxZoom: 16 });
    }).catch(() => {});
  }

  function updateRecordPanel() {
    const campaign = currentCampaign();
    $("record-panel").hidden = !selected;
    if (!selected) return;
    const open = !!campaign && campaign.status === "open";
    $("record-marker").textContent = `${D.t.marker} ${selected.code}` + (campaign ? ` · ${D.t.campaign} ${campaign.code}` : "") +
      (campaign && !open ? ` · ${D.t.campaign_closed}` : "");
    $("record-button").disabled = !open;
    $("record-button").hidden = !open;  // a signed campaign takes no more results
    $("pick-button").hidden = !open;
  }

  function selectMarker(marker) {
    selected = marker;
    $("measured-lon").value = marker.lon;
    $("measured-lat").value = marker.lat;
    $("marker-remarks").value = "";
    $("record-result").textContent = "";
    drawMarkers();
    updateRecordPanel();
    $("marker-status").focus();
  }

  $("campaign").addEventListener("change", loadReport);
  $("sign-a").addEventListener("click", () => signFor("a"));
  $("sign-b").addEventListener("click", () => signFor("b"));
  $("open-addendum").addEventListener("click", openAddendum);

  $("pick-button").addEventListener("click", () => {
    picking = !picking;
    $("pick-button").setAttribute("aria-pressed", String(picking));
    if (picking) $("record-result").textContent = D.t.pick_hint;
  });

  map.on("click", (e) => {
    if (!picking || !selected) return;
    $("measured-lon").value = e.latlng.lng.toFixed(7);
    $("measured-lat").value = e.latlng.lat.toFixed(7);
    picking = false;
    $("pick-button").setAttribute("aria-pressed", "false");
    $("record-result").textContent = "";
  });

  $("record-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const campaign = currentCampaign();
    if (!campaign || !selected) return;
    const body = { marker_id: selected.id, status: $("marker-status").value };
    if ($("marker-remarks").value.trim()) body.remarks = $("marker-remarks").value.trim();
    const unmeasured = body.status === "not-inspected";  // no position for a marker nobody reached
    if (!unmeasured && ($("measured-lon").value !== "" || $("measured-lat").value !== "")) {
      const value = (id) => ($(id).value === "" ? null : Number($(id).value));  // a half-typed position is refused by the API
      body.lon = value("measured-lon");
      body.lat = value("measured-lat");
    }
    C.sendJSON("POST", `/api/v1/boundary-inspections/${campaign.id}/markers`, body).then((result) => {
      const moved = result.displacement_m === null ? "—" : result.displacement_m.toFixed(2);
      $("record-result").textContent = D.t.result_fmt.replace("{d}", moved) + " · " + (result.flagged ? D.t.flagged : D.t.not_flagged);
      $("record-result").dataset.flagged = result.flagged;
      return loadReport();
    }).catch(() => {});
  });

  $("open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const f = event.target;
    C.sendJSON("POST", "/api/v1/boundary-inspections", {
      line_id: line.id, code: f.code.value, party_a: f.party_a.value, party_b: f.party_b.value, started_on: f.started_on.value,
    }).then((created) => { $("open-campaign").open = false; return loadCampaigns(created.id); }).catch(() => {});
  });

  /* 区划调整预检: the findings a reorganisation would introduce (new first), each as plain text. */
  $("reorg-form").addEventListener("submit", (event) => {
    event.preventDefault();
    let body;
    try { body = JSON.parse($("reorg-json").value); } catch (e) { $("reorg-verdict").textContent = D.t.reorg_bad_json; return; }
    C.sendJSON("POST", "/api/v1/units/reorganisations?preview=1", body).then((result) => {
      const verdict = $("reorg-verdict");
      verdict.dataset.ok = String(result.ok);
      verdict.textContent = result.ok ? D.t.reorg_ok : D.t.reorg_blocked_fmt.replace("{n}", String(result.blocking.length));
      const message = (f) => (D.lang === "en" ? f.message_en : f.message_zh);
      const rows = [...result.new.map((f) => [D.t.reorg_new, f]), ...result.existing.map((f) => [D.t.reorg_existing, f])];
      $("reorg-findings").replaceChildren(...rows.map(([kind, f]) =>
        C.el("li", { "data-rule": f.rule, "data-kind": kind === D.t.reorg_new ? "new" : "existing" }, `[${kind}] ${f.rule}: ${message(f)}`)));
    }).catch(() => {});
  });

  C.signInBox((who) => {
    const allowed = who.signed_in && (who.roles.includes("boundary_officer") || who.roles.includes("admin"));
    $("workspace").hidden = !allowed;
    if (who.signed_in && !allowed) C.showMessage(D.t.role_missing_fmt.replace("{role}", C.label("role", "boundary_officer")));
    if (allowed && !loaded) { loaded = true; loadLines(); }
  });
})();
