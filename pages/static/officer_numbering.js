/* Door numbering on one road: the road found by name on the server (any road of the district),
   drawn by id with the numbers already on it; a dry-run preview on the map and in a table,
   then commit. A failure is said beside the button and leaves nothing stale on the map. */
(function () {
  "use strict";
  const { getJSON, sendJSON, baseMap } = window.dimingCommon;
  const { el, fmt, fillRows, start, t } = window.officer;
  const lang = window.DIMING.lang;
  const form = document.getElementById("numbering-form");
  const road = document.getElementById("road");
  const names = document.getElementById("road-names");
  const commitForm = document.getElementById("commit-form");
  const summary = document.getElementById("preview-summary");
  const roadInfo = document.getElementById("road-info");
  const previewError = document.getElementById("preview-error");
  const commitError = document.getElementById("commit-error");
  const tbody = document.querySelector("#numbers tbody");
  const roadLayer = L.layerGroup();
  const buildingLayer = L.layerGroup();
  const existingLayer = L.layerGroup();
  const numberLayer = L.layerGroup();
  let map = null;  // made once the workspace is visible, so Leaflet knows its size
  const found = new Map();  // road name -> id, from the latest suggestions
  let previewed = null;
  let ticket = 0;  // only the latest road's answers are drawn
  let typing = null;

  function label(text, className) {
    return L.divIcon({ className: "number-marker", html: el("span", text, className), iconSize: null });
  }

  /* Nothing of an earlier road or preview stays: map layers, table, texts, commit form. */
  function clearAll() {
    [roadLayer, buildingLayer, existingLayer, numberLayer].forEach((layer) => layer.clearLayers());
    fillRows(tbody, [], () => []);
    summary.textContent = "";
    roadInfo.textContent = "";
    previewError.textContent = "";
    commitError.textContent = "";
    commitForm.hidden = true;
    previewed = null;
  }

  function suggest() {
    const text = road.value.trim();
    if (!text) return;
    getJSON(`/api/v1/roads?limit=20&q=${encodeURIComponent(text)}`, { background: true }).then((body) => {
      if (text !== road.value.trim()) return;
      body.items.forEach((r) => found.set(r.name, r.id));
      names.replaceChildren(...body.items.map((r) => {
        const option = el("option");
        option.value = r.name;
        return option;
      }));
    }).catch(() => {});
  }

  /* The id of the road named exactly ``name``, asked of the server when not suggested yet. */
  async function roadId(name) {
    if (found.has(name)) return found.get(name);
    const body = await getJSON(`/api/v1/roads?limit=50&q=${encodeURIComponent(name)}`);
    body.items.forEach((r) => found.set(r.name, r.id));
    if (found.has(name)) return found.get(name);
    throw new Error(body.items.length ? t.road_pick : fmt(t.road_none, { text: name }));
  }

  function drawRoad(view) {
    const line = L.geoJSON(view.geometry, { style: { color: "#c0392b", weight: 5 } }).addTo(roadLayer);
    const b = line.getBounds();
    const margin = 0.0015;  // ~150 m either side: the buildings that front the road, even for a straight east-west one
    const bounds = L.latLngBounds([b.getSouth() - margin, b.getWest() - margin], [b.getNorth() + margin, b.getEast() + margin]);
    map.fitBounds(bounds, { maxZoom: 18 });
    view.numbers.forEach((n) => {
      L.marker([n.lat, n.lon], { icon: label(n.number, "existing-label"), keyboard: false, title: `${t.existing_number} ${n.address}` })
        .addTo(existingLayer);
    });
    roadInfo.textContent = fmt(t.road_loaded_fmt, { name: view.name, numbers: view.numbers.length });
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(6)).join(",");
    return bbox;
  }

  function drawBuildings(bbox, mine) {
    getJSON(`/ogc/collections/buildings/items?f=json&limit=1000&bbox=${bbox}`, { background: true }).then((fc) => {
      if (mine !== ticket) return;
      L.geoJSON(fc, { style: { color: "#555", weight: 1, fillColor: "#d9cbb5", fillOpacity: 0.7 } }).addTo(buildingLayer);
    }).catch(() => {});
  }

  /* Links to the printable 门牌证 and 地址证明 of a committed plate (none for a preview row). */
  function certificateLinks(plateId) {
    if (plateId === undefined) return "—";
    const span = el("span");
    [["plate", t.certificate_plate], ["proof", t.certificate_proof]].forEach(([kind, text], i) => {
      const a = el("a", text, "certificate-link");
      a.href = `/officer/addresses/${plateId}/certificate?kind=${kind}&lang=${lang}`;
      a.target = "_blank";
      a.rel = "noopener";
      if (i) span.append(" · ");
      span.append(a);
    });
    return span;
  }

  /* ``plates``: building id -> plate id, once the numbers are committed. */
  function showPlan(body, plates) {
    numberLayer.clearLayers();
    body.items.forEach((row) => {
      L.marker([row.lat, row.lon], { icon: label(row.number, "number-label"), keyboard: false, title: `${row.road} ${row.number}` })
        .bindTooltip(el("span", row.reason[lang] || row.reason.zh)).addTo(numberLayer);
    });
    const links = (r) => certificateLinks(plates ? plates.get(r.building) : undefined);
    fillRows(tbody, body.items, (r) => [r.number, r.building, r.side, r.chainage, r.reason[lang] || r.reason.zh, links(r)], t.nothing_to_number);
  }

  async function preview() {
    const name = road.value.trim();
    const mine = ++ticket;
    clearAll();
    if (!name) return;
    let step = t.road_failed_fmt;
    try {
      const view = await getJSON(`/api/v1/roads/${await roadId(name)}`);
      if (mine !== ticket) return;
      drawBuildings(drawRoad(view), mine);
      step = t.preview_failed_fmt;
      const body = await getJSON(`/api/v1/numbers/preview?road=${encodeURIComponent(view.name)}`);
      if (mine !== ticket) return;
      previewed = { name: view.name, id: view.id };
      showPlan(body);
      summary.textContent = body.items.length ? fmt(t.preview_summary_fmt, body.summary) : t.nothing_to_number;
      commitForm.hidden = body.items.length === 0;
    } catch (err) {
      if (mine !== ticket) return;
      clearAll();
      previewError.textContent = fmt(step, { message: err.message });
    }
  }

  road.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(suggest, 200);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); preview(); });
  commitForm.addEventListener("submit", (event) => {
    event.preventDefault();
    commitError.textContent = "";
    const reason = document.getElementById("commit-reason").value.trim() || undefined;
    const mine = ticket;
    sendJSON("POST", "/api/v1/numbers/assign", { roads: [previewed.name], reason }).then(async (body) => {
      commitForm.hidden = true;
      summary.textContent = fmt(t.committed_fmt, body.summary);
      showPlan(body);
      // The road as stored now: every number on it, and the new plates' ids for their certificates.
      const view = await getJSON(`/api/v1/roads/${previewed.id}`);
      if (mine !== ticket) return;
      existingLayer.clearLayers();
      roadLayer.clearLayers();
      drawRoad(view);
      showPlan(body, new Map(view.numbers.map((n) => [n.building, n.id])));
    }).catch((err) => { commitError.textContent = fmt(t.commit_failed_fmt, { message: err.message }); });
  });

  start(() => {
    map = baseMap("map");
    [roadLayer, buildingLayer, existingLayer, numberLayer].forEach((layer) => layer.addTo(map));
  });
})();
