/* Planner workspace: pick subdistricts and the communities to add in each (as the plan
   writes its ranges), submit a redistricting job, follow it with a progress bar,
   then draw the proposal (colour per community, household labels, violations in red),
   compare it and offer it as GeoJSON, GeoPackage and CSV downloads. */
(function () {
  "use strict";
  const D = window.DIMING;
  const C = window.dimingCommon;
  const $ = (id) => document.getElementById(id);
  const PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6", "#fdbf6f"];
  const FINISHED = ["succeeded", "failed", "cancelled"];
  const POLL_MS = 400;

  const map = C.baseMap("map");
  const proposalLayer = L.layerGroup().addTo(map);
  let currentJob = null;
  let currentPlan = null;
  let exportUrl = null;

  function fmt(template, values) {
    return Object.entries(values).reduce((text, [k, v]) => text.replace(`{${k}}`, v), template);
  }

  function metricName(key) {
    return D.t["metric_" + key] || key;
  }

  function cell(row, text, numeric) {
    const td = document.createElement("td");
    td.textContent = text;
    if (numeric) td.className = "num";
    row.appendChild(td);
    return td;
  }

  function number(value) {
    return typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : String(value);
  }

  let subdistrictsLoaded = false;
  let subdistrictRows = [];  // what the plan starts from: code, name, blocks, households, communities today

  function numberInput(className, label) {
    const input = document.createElement("input");
    input.type = "number";
    input.min = "0";
    input.className = className;
    input.setAttribute("aria-label", label);
    return input;
  }

  function loadSubdistricts() {
    if (subdistrictsLoaded) return;
    subdistrictsLoaded = true;
    C.getJSON("/api/v1/redistricting/subdistricts").then((body) => {
      subdistrictRows = body.subdistricts;
      const tbody = $("subdistrict-table").tBodies[0];
      tbody.replaceChildren();
      subdistrictRows.forEach((s) => {
        const row = tbody.insertRow();
        row.dataset.code = s.code;
        const pick = document.createElement("input");
        pick.type = "checkbox";
        pick.className = "pick";
        pick.value = s.code;
        pick.setAttribute("aria-label", s.name);
        row.insertCell().appendChild(pick);
        cell(row, s.name);
        cell(row, s.communities, true);
        cell(row, s.households, true);
        const label = fmt(D.t.new_of_fmt, { name: s.name });
        row.insertCell().appendChild(numberInput("new-min", `${label} ${D.t.new_min}`));
        row.insertCell().appendChild(numberInput("new-max", `${label} ${D.t.new_max}`));
      });
    }).catch(() => { subdistrictsLoaded = false; });
  }

  /** The ticked subdistricts and, where a range is given, the communities to add: {codes, new, names}. */
  function picked() {
    const codes = [], names = [], added = {};
    Array.from($("subdistrict-table").tBodies[0].rows).forEach((row) => {
      if (!row.querySelector("input.pick").checked) return;
      const code = row.dataset.code;
      codes.push(code);
      names.push(row.cells[1].textContent);
      const low = row.querySelector("input.new-min").value, high = row.querySelector("input.new-max").value;
      if (low !== "" || high !== "") {
        added[code] = [Number(low === "" ? 0 : low), Number(high === "" ? low : high)];
      }
    });
    return { codes, names, added };
  }

  function onSession(who) {
    const allowed = who.signed_in && (who.roles.includes("planner") || who.roles.includes("admin"));
    $("run-panel").hidden = !allowed;
    if (who.signed_in && !allowed) C.showMessage(fmt(D.t.role_missing_fmt, { role: C.label("role", "planner") }));
    if (allowed) loadSubdistricts();
  }

  function showJob(job) {
    $("job-progress").value = job.progress || 0;
    $("job-progress").setAttribute("aria-valuetext", `${Math.round((job.progress || 0) * 100)}%`);
    let text = fmt(D.t.job_fmt, { id: job.id, status: D.t["status_" + job.status] || job.status });
    if (job.message) text += ` — ${job.message}`;
    if (job.error && job.error.message) text += ` — ${job.error.message[D.lang] || job.error.message.en}`;
    $("job-status").textContent = text;
    $("job-status").dataset.status = job.status;
    $("cancel-button").hidden = FINISHED.includes(job.status);
    $("run-button").disabled = !FINISHED.includes(job.status);
  }

  function poll(jobId) {
    C.getJSON(`/api/v1/redistricting/jobs/${jobId}`).then((job) => {
      if (jobId !== currentJob) return;
      showJob(job);
      if (!FINISHED.includes(job.status)) { setTimeout(() => poll(jobId), POLL_MS); return; }
      if (job.status === "failed" && job.error) C.showMessage(D.t.error_prefix + (job.error.message[D.lang] || job.error.message.en));
      if (job.plans.length) loadPlan(job.plans[job.plans.length - 1]);
    }).catch(() => { $("run-button").disabled = false; });
  }

  $("run-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const choice = picked();
    if (!choice.codes.length) { C.showMessage(D.t.pick_one); return; }
    const body = {
      subdistricts: choice.codes,
      min: Number(form.min.value), max: Number(form.max.value), dense_max: Number(form.dense_max.value),
      seed: Number(form.seed.value || 0),
      name: `${choice.names.join("、")} ${form.min.value}-${form.max.value}`.slice(0, 90),
    };
    if (Object.keys(choice.added).length) body.new = choice.added;
    body.mode = form.mode.value;
    body.merge_undersized = form.merge_undersized.checked;
    $("run-button").disabled = true;
    C.sendJSON("POST", "/api/v1/redistricting/jobs", body).then((job) => {
      currentJob = job.id;
      showJob({ ...job, progress: 0 });
      poll(job.id);
    }).catch(() => { $("run-button").disabled = false; });
  });

  $("cancel-button").addEventListener("click", () => {
    if (currentJob) C.sendJSON("POST", `/api/v1/redistricting/jobs/${currentJob}/cancel`).then(showJob).catch(() => {});
  });

  function drawPlan(plan) {
    proposalLayer.clearLayers();
    const colours = {};
    plan.communities.features.forEach((f, i) => { colours[f.properties.community] = PALETTE[i % PALETTE.length]; });
    const layer = L.geoJSON(plan.communities, {
      style: (f) => {
        const bad = !!f.properties.violations;
        return { color: bad ? "#c0392b" : "#333", weight: bad ? 4 : 1.5, dashArray: bad ? "6 4" : null,
                 fillColor: colours[f.properties.community], fillOpacity: 0.55, className: bad ? "community violation" : "community" };
      },
      onEachFeature: (f, polygon) => {
        polygon.bindTooltip(C.el("span", null, f.properties.households), { permanent: true, direction: "center", className: "hh-label" });
        polygon.bindPopup(C.el("div", null, `${f.properties.community}: ${f.properties.households} ${D.t.households}`,
          f.properties.violations ? [C.el("br"), f.properties.violations] : null));
      },
    }).addTo(proposalLayer);
    if (plan.communities.features.length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  }

  /** Adjust mode's account of one subdistrict, in words: kept, split, merged, absorbed, created. */
  function describeChange(c) {
    const parts = [fmt(D.t.kept_fmt, { n: c.kept.length })];
    Object.entries(c.split).forEach(([old, pieces]) => parts.push(fmt(D.t.split_fmt, { old, new: pieces.join("、") })));
    Object.entries(c.merged).forEach(([into, codes]) => parts.push(fmt(D.t.merged_fmt, { into, codes: codes.join("、") })));
    Object.entries(c.absorbed).forEach(([code, n]) => parts.push(fmt(D.t.absorbed_fmt, { code, n })));
    Object.entries(c.fragments || {}).forEach(([into, codes]) => parts.push(fmt(D.t.fragments_fmt, { into, codes: codes.join("、") })));
    if (c.created.length) parts.push(fmt(D.t.created_fmt, { codes: c.created.join("、") }));
    if (c.below_minimum_kept.length) parts.push(fmt(D.t.below_min_fmt, { codes: c.below_minimum_kept.join("、") }));
    return parts.join("；");
  }

  function fillTables(plan) {
    const metrics = $("metrics-table").tBodies[0];
    metrics.replaceChildren();
    Object.entries(plan.metrics).forEach(([key, value]) => {
      if (typeof value === "object") return;
      const row = metrics.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = metricName(key);
      row.appendChild(th);
      cell(row, number(value), true);
    });
    const violations = $("violations-table").tBodies[0];
    violations.replaceChildren();
    plan.violations.forEach((v) => {
      const row = violations.insertRow();
      row.className = "bad";
      cell(row, v.rule); cell(row, v.subject); cell(row, D.lang === "zh" ? v.zh : v.en);
    });
    if (!plan.violations.length) cell(violations.insertRow(), D.t.no_violations).colSpan = 3;
    const bySubdistrict = $("subdistrict-result").tBodies[0];
    bySubdistrict.replaceChildren();
    const proposed = {};
    plan.communities.features.forEach((f) => { proposed[f.properties.subdistrict] = (proposed[f.properties.subdistrict] || 0) + 1; });
    Object.keys(proposed).sort().forEach((code) => {
      const today = subdistrictRows.find((s) => s.code === code);
      const row = bySubdistrict.insertRow();
      cell(row, today ? today.name : code);
      cell(row, today ? today.communities : "—", true);
      cell(row, proposed[code], true);
      const change = today ? proposed[code] - today.communities : null;
      cell(row, change === null ? "—" : (change > 0 ? `+${change}` : String(change)), true);
      const done = (plan.metrics.changes || []).find((c) => c.subdistrict === code);
      cell(row, done ? describeChange(done) : "—");
      cell(row, done ? done.households_moved : "—", true);
    });
    const findings = $("findings-list");
    findings.replaceChildren();
    (plan.findings || []).forEach((f) => findings.appendChild(C.el("li", { className: "finding" }, D.lang === "zh" ? f.zh : f.en)));
    if (!(plan.findings || []).length) findings.appendChild(C.el("li", null, D.t.no_findings));
    const communities = $("communities-table").tBodies[0];
    communities.replaceChildren();
    plan.communities.features.forEach((f) => {
      const row = communities.insertRow();
      if (f.properties.violations) row.className = "bad";
      cell(row, f.properties.community); cell(row, f.properties.proposed_name || "—"); cell(row, f.properties.households, true);
    });
  }

  function offerExport(plan) {
    if (exportUrl) URL.revokeObjectURL(exportUrl);
    exportUrl = URL.createObjectURL(new Blob([JSON.stringify(plan.communities)], { type: "application/geo+json" }));
    $("export-link").href = exportUrl;
    $("export-link").download = `plan-${plan.id}-communities.geojson`;
    // GeoPackage and CSV come from the server (the signed-in session authorises the download).
    $("export-gpkg").href = `/api/v1/redistricting/plans/${plan.id}/export?format=gpkg`;
    $("export-csv").href = `/api/v1/redistricting/plans/${plan.id}/export?format=csv`;
  }

  function loadOtherPlans(plan) {
    C.getJSON("/api/v1/redistricting/plans").then((body) => {
      const select = $("compare-with");
      select.replaceChildren(select.options[0]);
      body.plans.filter((p) => p.id !== plan.id).forEach((p) => {
        const option = document.createElement("option");
        option.value = p.id;
        option.textContent = `#${p.id} ${p.name}`;
        select.appendChild(option);
      });
    }).catch(() => {});
  }

  function loadPlan(planId) {
    C.getJSON(`/api/v1/redistricting/plans/${planId}`).then((plan) => {
      currentPlan = plan;
      $("plan-panel").hidden = false;
      $("plan-title").textContent = `${D.t.plan_title} #${plan.id} ${plan.name}`;
      $("plan-summary").textContent = plan.valid ? D.t.plan_valid : D.t.plan_invalid;
      $("plan-summary").dataset.valid = plan.valid;
      $("compare-table").hidden = true;
      $("compare-moved").textContent = "";
      drawPlan(plan);
      fillTables(plan);
      showAdoption(plan);
      offerExport(plan);
      loadOtherPlans(plan);
    }).catch(() => {});
  }

  /** The adopt form on a valid plan not yet adopted; otherwise what happened, in words. */
  function showAdoption(plan) {
    const state = $("adopt-state");
    const form = $("adopt-form");
    if ($("adopt-result").dataset.plan !== String(plan.id)) $("adopt-result").textContent = "";
    if (plan.adopted) {
      const a = plan.adopted;
      state.textContent = fmt(D.t.adopted_fmt, { change: a.change_id, date: a.effective, by: a.by, at: C.localTime(a.at) });
      state.dataset.adopted = "true";
      $("adopt-box").hidden = true;
      return;
    }
    state.dataset.adopted = "false";
    state.textContent = plan.valid ? "" : D.t.adopt_invalid;
    $("adopt-box").hidden = !plan.valid;
    form.reset();
  }

  $("adopt-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!currentPlan) return;
    const form = event.target;
    if (!form.confirm.checked) { C.showMessage(D.t.adopt_needs_confirm); return; }
    const planId = currentPlan.id;
    $("adopt-button").disabled = true;
    C.sendJSON("POST", `/api/v1/redistricting/plans/${planId}/adopt`, { date: form.date.value, reason: form.reason.value })
      .then((result) => {
        $("adopt-button").disabled = false;
        $("adopt-result").textContent = fmt(D.t.adopt_done_fmt, {
          created: Object.keys(result.created).length, changed: result.changed.length,
          retired: result.retired.length, plates: result.followed.plates.plates,
        });
        $("adopt-result").dataset.plan = String(planId);
        $("adopt-result").dataset.change = result.change_id;
        loadPlan(planId);
      })
      .catch(() => { $("adopt-button").disabled = false; });
  });

  $("compare-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!currentPlan) return;
    const other = $("compare-with").value;
    const url = `/api/v1/redistricting/plans/${currentPlan.id}/compare` + (other ? `?with=${other}` : "");
    C.getJSON(url).then((result) => {
      // Without "with" the API compares current (first) → this plan (second); with it, this plan (first) → other.
      const reference = other ? result.second : result.first;
      const proposal = other ? result.first : result.second;
      const body = $("compare-table").tBodies[0];
      body.replaceChildren();
      Object.keys(proposal).forEach((key) => {
        const row = body.insertRow();
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = metricName(key);
        row.appendChild(th);
        cell(row, number(reference[key]), true); cell(row, number(proposal[key]), true);
        cell(row, number(proposal[key] - reference[key]), true);
      });
      $("compare-table").hidden = false;
      $("compare-moved").textContent = `${D.t.households_changing}: ${result.households_changing_community}; ` +
        `${D.t.blocks_changing}: ${result.blocks_changing_community}`;
    }).catch(() => {});
  });

  C.signInBox(onSession);
})();
