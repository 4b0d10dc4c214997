/* The place-name register: a page of entries found on the server by name or pinyin and
   filtered by category, status and subdistrict; the page's entries in a table and on the map. */
(function () {
  "use strict";
  const { getJSON, baseMap } = window.dimingCommon;
  const { el, fmt, fillRows, words, start, t } = window.officer;
  const lang = window.DIMING.lang;
  const PAGE = 50;
  const form = document.getElementById("register-form");
  const tbody = document.querySelector("#register tbody");
  let offset = 0;
  let total = 0;
  let map = null;
  let layer = null;
  let ticket = 0;

  function area(a) { return a && a.code ? `${a.name || "—"}${lang === "zh" ? `（${a.code}）` : ` (${a.code})`}` : "—"; }
  function link(n) { const a = el("a", n.name); a.href = `/officer/register/${n.id}?lang=${lang}`; return a; }

  function query() {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    ["q", "category", "status", "subdistrict"].forEach((name) => {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    });
    return params.toString();
  }

  function draw(names) {
    layer.clearLayers();
    names.filter((n) => n.geometry).forEach((n) => {
      L.geoJSON({ type: "Feature", geometry: n.geometry, properties: {} }, {
        style: { color: "#c0392b", weight: 4 },
        pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 6, color: "#c0392b" }),
      }).bindTooltip(el("span", n.name)).addTo(layer);
    });
    const bounds = layer.getLayers().length ? L.featureGroup(layer.getLayers()).getBounds() : null;
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { maxZoom: 16, padding: [30, 30] });
  }

  function load() {
    const mine = ++ticket;
    getJSON(`/api/v1/names?${query()}`).then((page) => {
      if (mine !== ticket) return;
      total = page.total;
      fillRows(tbody, page.names, (n) => [n.id, link(n), n.romanization, words(n.category_words, n.category_code), area(n.area),
        t[`name_status_${n.status}`] || n.status], t.register_none);
      document.getElementById("page-info").textContent = total
        ? fmt(t.page_info_fmt, { first: offset + 1, last: offset + page.names.length, total }) : "";
      document.getElementById("page-prev").disabled = offset === 0;
      document.getElementById("page-next").disabled = offset + PAGE >= total;
      draw(page.names);
    }).catch(() => {});
  }

  function loadSubdistricts() {
    getJSON("/api/v1/units?level=subdistrict", { background: true }).then((fc) => {
      const select = form.elements.subdistrict;
      fc.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code)).forEach((u) => {
        const option = el("option", `${u.name}（${u.code}）`);
        option.value = u.code;
        select.appendChild(option);
      });
    }).catch(() => {});
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); offset = 0; load(); });
  document.getElementById("page-prev").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load(); });
  document.getElementById("page-next").addEventListener("click", () => { if (offset + PAGE < total) { offset += PAGE; load(); } });
  start(() => {
    map = baseMap("map");
    layer = L.layerGroup().addTo(map);
    loadSubdistricts();
    load();
  });
})();
