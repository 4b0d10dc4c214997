/* A small drawing helper on a plain Leaflet map: a point, a line or a polygon made by
   clicking vertices, with undo, finish and clear; or a shape given whole (a road picked,
   the register entry's own). No drawing library: Leaflet's circle markers and polylines.

   const drawing = window.dimingDraw.create(map, { onChange });
   drawing.setMode("line"); ... drawing.finish(); drawing.geometry()  // GeoJSON or null */
(function () {
  "use strict";
  const MINIMUM = { point: 1, line: 2, polygon: 3 };
  const STYLE = { color: "#c0392b", weight: 4 };

  function create(map, options = {}) {
    const layer = L.layerGroup().addTo(map);
    let mode = "line";
    let vertices = [];  // [lat, lng] pairs while drawing
    let given = null;   // a whole GeoJSON geometry (picked), instead of vertices
    let finished = false;

    function changed() { redraw(); if (options.onChange) options.onChange(state()); }

    function redraw() {
      layer.clearLayers();
      if (given) {
        L.geoJSON(given, { style: STYLE, pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, ...STYLE }) }).addTo(layer);
        return;
      }
      if (mode === "line" && vertices.length > 1) L.polyline(vertices, STYLE).addTo(layer);
      if (mode === "polygon" && vertices.length > 1) {
        (vertices.length > 2 && finished ? L.polygon(vertices, { ...STYLE, fillOpacity: 0.2 }) : L.polyline(vertices, { ...STYLE, dashArray: "6 4" })).addTo(layer);
      }
      vertices.forEach((v, i) => L.circleMarker(v, { radius: i === vertices.length - 1 && !finished ? 6 : 4, color: "#8a1c12", fillOpacity: 1, interactive: false }).addTo(layer));
    }

    function add(latlng) {
      if (finished || given) return;
      const point = [Number(latlng.lat.toFixed(7)), Number(latlng.lng.toFixed(7))];
      vertices = mode === "point" ? [point] : vertices.concat([point]);
      if (mode === "point") finished = true;
      changed();
    }

    map.on("click", (event) => add(event.latlng));

    function geometry() {
      if (given) return given;
      if (vertices.length < MINIMUM[mode]) return null;
      const lonLat = vertices.map(([lat, lng]) => [lng, lat]);
      if (mode === "point") return { type: "Point", coordinates: lonLat[0] };
      if (mode === "line") return { type: "LineString", coordinates: lonLat };
      return { type: "Polygon", coordinates: [lonLat.concat([lonLat[0]])] };
    }

    function state() {
      return { mode, count: vertices.length, finished, picked: !!given, enough: vertices.length >= MINIMUM[mode], geometry: geometry() };
    }

    return {
      setMode(next) { mode = next; vertices = []; given = null; finished = false; changed(); },
      undo() { if (given) { given = null; } else { vertices = vertices.slice(0, -1); finished = false; } changed(); },
      finish() { if (vertices.length >= MINIMUM[mode]) finished = true; changed(); return state(); },
      clear() { vertices = []; given = null; finished = false; changed(); },
      /* A whole shape from elsewhere (a picked road); the map shows it and moves to it. */
      use(geojson) {
        given = geojson; vertices = []; finished = true; changed();
        const bounds = L.geoJSON(geojson).getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 17, padding: [30, 30] });
      },
      geometry,
      state,
      minimum: (m) => MINIMUM[m || mode],
    };
  }

  window.dimingDraw = { create };
})();
