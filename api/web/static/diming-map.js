/* The Leaflet map of the OGC item pages, with no tile server: the communities and roads of the
   part of the district in view are the base map. A static file (the CSP allows no inline script):
   each <script type="application/json" class="diming-map" data-map="ID" data-base="…/collections/"
   data-extent="[w,s,e,n]" data-limit="N"> holds the features to draw in the element ID.

   The base map is read by bounding box: every move or zoom asks for the features in the visible
   box (debounced, the previous request aborted), at most data-limit of each collection; when the
   box holds more, a note on the map says how many are drawn and asks to zoom in. The first view
   is the page's own features, else the collection's extent (data-extent, from the server), drawn
   as a dashed outline (a collection's page, an empty items page).
   Popups and the note are text nodes, never HTML. Underneath, the district's street map is drawn
   from our own vector tiles by the web pages' renderer (pages/static/streetmap.js, loaded first),
   and the map carries its 审图号 (data-approval) like every public map. */
(function () {
  "use strict";

  const DEBOUNCE_MS = 250;
  const BASE_LAYERS = [
    { id: "communities", zh: "社区", en: "communities", style: { color: "#9aa7b3", weight: 1, fillColor: "#eef2f5", fillOpacity: 0.6 } },
    { id: "roads", zh: "道路", en: "roads", style: { color: "#c9b27c", weight: 1.5 } },
  ];

  function english() {
    return (document.documentElement.lang || "").toLowerCase().startsWith("en");
  }

  function text(value) {
    const span = document.createElement("span");
    span.textContent = String(value);
    return span;
  }

  /* "50 of 2,160 roads": what a truncated page of one base layer drew. */
  function shortfall(layer, shown, matched) {
    const total = typeof matched === "number" ? matched.toLocaleString() : null;
    if (english()) return `${shown.toLocaleString()} of ${total || "more"} ${layer.en}`;
    return total ? `${layer.zh} ${total} 条中的 ${shown.toLocaleString()} 条` : `${layer.zh}的前 ${shown.toLocaleString()} 条`;
  }

  function noteText(parts, failed) {
    if (failed) return english() ? "The base map could not be loaded." : "底图未能加载。";
    if (!parts.length) return "";
    return english()
      ? `The base map shows ${parts.join(" and ")} in this view; zoom in to see all.`
      : `底图只显示了本范围内${parts.join("、")}；放大可看到全部。`;
  }

  function truncated(page) {
    const more = (page.links || []).some((link) => link.rel === "next");
    return more || (typeof page.numberMatched === "number" && page.numberMatched > (page.numberReturned || 0));
  }

  /* The visible box as an OGC bbox (lon/lat), kept on the globe. */
  function viewBox(map) {
    const b = map.getBounds();
    const clamp = (v, limit) => Math.max(-limit, Math.min(limit, v));
    return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].map((v) => v.toFixed(6));
  }

  function baseMap(map, element, base, limit) {
    const layers = BASE_LAYERS.map((layer) => ({ layer, drawn: L.geoJSON(null, { style: layer.style, interactive: false }).addTo(map) }));
    const Note = L.Control.extend({
      onAdd: () => {
        const box = L.DomUtil.create("div", "diming-map-note");
        box.hidden = true;
        return box;
      },
    });
    const note = new Note({ position: "bottomleft" }).addTo(map).getContainer();
    let controller = null;
    let timer = null;

    function refresh() {
      if (controller) controller.abort();
      controller = new AbortController();
      const signal = controller.signal;
      const bbox = viewBox(map).join(",");
      const pages = layers.map(({ layer }) =>
        fetch(`${base}${layer.id}/items?f=json&limit=${limit}&properties=name&bbox=${bbox}`, {
          signal,
          headers: { Accept: "application/geo+json" },
        }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status))))),
      );
      Promise.all(pages)
        .then((results) => {
          const parts = [];
          results.forEach((page, i) => {
            const { layer, drawn } = layers[i];
            drawn.clearLayers();
            drawn.addData(page);
            drawn.bringToBack();
            element.dataset[layer.id] = String((page.features || []).length);
            if (truncated(page)) parts.push(shortfall(layer, (page.features || []).length, page.numberMatched));
          });
          if (layers.length > 1) layers[0].drawn.bringToBack();  // the communities under the roads
          element.dataset.bbox = bbox;
          note.replaceChildren(text(noteText(parts, false)));
          note.hidden = parts.length === 0;
        })
        .catch((error) => {
          if (signal.aborted) return;  // a newer view asked already
          note.replaceChildren(text(noteText([], true)));
          note.hidden = false;
          element.dataset.bbox = "";
          console.warn("base map:", error.message);
        });
    }

    map.on("moveend", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DEBOUNCE_MS);
    });
  }

  /* The map's 审图号 (地图管理条例 Art.15), or that it has not been reviewed; a text node. */
  function approval(map, number) {
    const words = number
      ? (english() ? `Map approval No. ${number}` : `审图号：${number}`)
      : (english() ? "This map has not been through map review; for reference only" : "本图未经地图审核，仅供查询参考");
    const Approval = L.Control.extend({
      onAdd: () => {
        const box = L.DomUtil.create("div", "map-approval");
        box.appendChild(text(words));
        return box;
      },
    });
    new Approval({ position: "bottomright" }).addTo(map);
  }

  function dimingMap(data) {
    const element = document.getElementById(data.dataset.map);
    const features = JSON.parse(data.textContent);
    const extent = data.dataset.extent ? JSON.parse(data.dataset.extent) : null;
    const limit = Math.max(1, parseInt(data.dataset.limit, 10) || 500);
    const map = L.map(element, { preferCanvas: true, attributionControl: false, maxZoom: 20 });
    if (window.dimingStreetMap) window.dimingStreetMap.layer().addTo(map);  // the street map from our own tiles
    approval(map, data.dataset.approval);
    baseMap(map, element, data.dataset.base, limit);  // before the first view: its moveend loads the base map
    const items = L.geoJSON(features, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: "#0d6efd" }),
      onEachFeature: (f, layer) => {
        const p = f.properties || {};
        layer.bindPopup(text(p.name || p.address || p.code || f.id));
      },
    }).addTo(map);
    const bounds = items.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 17 });
    else if (Array.isArray(extent) && extent.length === 4) {  // no features here: the collection's extent, outlined
      const corners = [[extent[1], extent[0]], [extent[3], extent[2]]];
      const outline = { color: "#0d6efd", weight: 2, dashArray: "6 4", fill: false, interactive: false, className: "diming-extent" };
      L.rectangle(corners, { ...outline, renderer: L.svg() }).addTo(map);  // SVG: one element, over the canvas
      map.fitBounds(corners);
    } else map.fitWorld();
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
    document.querySelectorAll("script.diming-map").forEach(dimingMap);
    fillTotal();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
