/* The Leaflet map of the OGC item pages, with no tile server: the district's communities and
   roads are the base map. A static file (the CSP allows no inline script): each
   <script type="application/json" class="diming-map" data-map="ID" data-base="…/collections/">
   holds the features to draw in the element ID. Popups are text nodes, never HTML. */
(function () {
  "use strict";

  function text(value) {
    const span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }

  function dimingMap(elementId, features, base) {
    const map = L.map(elementId, { preferCanvas: true, attributionControl: false });
    function load(collection, style) {
      fetch(base + collection + "/items?f=json&limit=1000&properties=name")
        .then((r) => r.json())
        .then((data) => L.geoJSON(data, { style, interactive: false }).addTo(map).bringToBack())
        .catch(() => {});
    }
    load("communities", { color: "#9aa7b3", weight: 1, fillColor: "#eef2f5", fillOpacity: 0.6 });
    load("roads", { color: "#c9b27c", weight: 1.5 });
    const items = L.geoJSON(features, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: "#0d6efd" }),
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        layer.bindPopup(text(p.name || p.address || p.code || f.id));
      },
    }).addTo(map);
    const bounds = items.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 17 }); else map.fitBounds([[24.85, 102.6], [25.2, 103.1]]);
    return map;
  }

  /* Items pages beyond the count cap carry no total: ask for it (resulttype=hits) and show it. */
  function fillTotal() {
    const total = document.getElementById("items-total");
    if (!total) return;
    fetch(total.dataset.hits, { headers: { Accept: "application/geo+json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => {
        if (body && typeof body.numberMatched === "number") {
          total.textContent = total.dataset.label + body.numberMatched.toLocaleString() + " · ";
        }
      })
      .catch(() => {});
  }

  function start() {
    document.querySelectorAll("script.diming-map").forEach((data) => {
      dimingMap(data.dataset.map, JSON.parse(data.textContent), data.dataset.base);
    });
    fillTotal();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
