/* Door numbering on one road: a dry-run preview on the map and in a table, then commit. */
(function () {
  "use strict";
  const { getJSON, sendJSON, baseMap } = window.dimingCommon;
  const { el, fmt, fillRows, start, t } = window.officer;
  const lang = window.DIMING.lang;
  const form = document.getElementById("numbering-form");
  const road = document.getElementById("road");
  const commitForm = document.getElementById("commit-form");
  const summary = document.getElementById("preview-summary");
  const tbody = document.querySelector("#numbers tbody");
  const roadLayer = L.layerGroup();
  const buildingLayer = L.layerGroup();
  const numberLayer = L.layerGroup();
  let map = null;  // made once the workspace is visible, so Leaflet knows its size
  const roads = new Map();
  let previewed = null;

  function numberIcon(text) {
    const label = el("span", text, "number-label");
    return L.divIcon({ className: "number-marker", html: label, iconSize: null });
  }

  function drawRoad(name) {
    roadLayer.clearLayers();
    buildingLayer.clearLayers();
    const feature = roads.get(name);
    if (!feature) return;
    const line = L.geoJSON(feature, { style: { color: "#c0392b", weight: 5 } }).addTo(roadLayer);
    const b = line.getBounds();
    const margin = 0.0015;  // ~150 m either side: the buildings that front the road, even for a straight east-west one
    const bounds = L.latLngBounds([b.getSouth() - margin, b.getWest() - margin], [b.getNorth() + margin, b.getEast() + margin]);
    map.fitBounds(bounds, { maxZoom: 18 });
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(6)).join(",");
    getJSON(`/ogc/collections/buildings/items?f=json&limit=1000&bbox=${bbox}`).then((fc) => {
      L.geoJSON(fc, { style: { color: "#555", weight: 1, fillColor: "#d9cbb5", fillOpacity: 0.7 } }).addTo(buildingLayer);
    }).catch(() => {});
  }

  function showPlan(body) {
    numberLayer.clearLayers();
    body.items.forEach((row) => {
      L.marker([row.lat, row.lon], { icon: numberIcon(row.number), keyboard: false, title: `${row.road} ${row.number}` })
        .bindTooltip(el("span", row.reason[lang] || row.reason.zh)).addTo(numberLayer);
    });
    fillRows(tbody, body.items, (r) => [r.number, r.building, r.side, r.chainage, r.reason[lang] || r.reason.zh], t.nothing_to_number);
  }

  function preview() {
    const name = road.value.trim();
    if (!name) return;
    drawRoad(name);
    commitForm.hidden = true;
    getJSON(`/api/v1/numbers/preview?road=${encodeURIComponent(name)}`).then((body) => {
      previewed = name;
      showPlan(body);
      summary.textContent = body.items.length ? fmt(t.preview_summary_fmt, body.summary) : t.nothing_to_number;
      commitForm.hidden = body.items.length === 0;
    }).catch(() => { summary.textContent = ""; });
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); preview(); });
  commitForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = document.getElementById("commit-reason").value.trim() || undefined;
    sendJSON("POST", "/api/v1/numbers/assign", { roads: [previewed], reason }).then((body) => {
      commitForm.hidden = true;
      showPlan(body);
      summary.textContent = fmt(t.committed_fmt, body.summary);
    }).catch(() => {});
  });

  start(() => {
    map = baseMap("map");
    [roadLayer, buildingLayer, numberLayer].forEach((layer) => layer.addTo(map));
    getJSON("/ogc/collections/roads/items?f=json&limit=5000").then((fc) => {
      const list = document.getElementById("road-names");
      fc.features.forEach((f) => {
        const name = f.properties.name;
        if (!name || roads.has(name)) return;
        roads.set(name, f);
        const option = el("option");
        option.value = name;
        list.appendChild(option);
      });
    }).catch(() => {});
  });
})();
