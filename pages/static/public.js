/* Public look-up page: autocomplete, search results, map, reverse lookup on click. */
(function () {
  "use strict";
  const { getJSON, baseMap, el: make } = window.dimingCommon;
  const t = window.DIMING.t;
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const results = document.getElementById("results");
  const map = baseMap("map");
  const marker = L.layerGroup().addTo(map);
  let active = -1;
  let typingTimer = null;

  function el(tag, text, className) { return make(tag, { className }, text || null); }

  function geo(feature) { return feature.properties.geocoding; }

  function adminPath(g) {
    return [window.DIMING.profile.name.zh, g.subdistrict && g.subdistrict.name, g.community && g.community.name].filter(Boolean).join(" › ");
  }

  function closeSuggestions() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function choose(feature) {
    clearTimeout(typingTimer);
    input.value = geo(feature).label;
    closeSuggestions();
    showResults([feature]);
    focusFeature(feature);
  }

  async function suggest() {
    const q = input.value.trim();
    if (!q) { closeSuggestions(); return; }
    const fc = await getJSON(`/api/v1/autocomplete?limit=8&q=${encodeURIComponent(q)}`);
    if (input.value.trim() !== q) return;
    list.replaceChildren();
    fc.features.forEach((f, i) => {
      const g = geo(f);
      const item = el("li", g.label);
      item.id = `suggestion-${i}`;
      item.setAttribute("role", "option");
      if (g.romanization) item.appendChild(el("span", g.romanization, "roman"));
      item.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(f); });
      item.feature = f;
      list.appendChild(item);
    });
    list.hidden = fc.features.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  function highlight(index) {
    const items = Array.from(list.children);
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function focusFeature(feature) {
    marker.clearLayers();
    if (!feature.geometry) return;
    const [lon, lat] = feature.geometry.coordinates;
    L.marker([lat, lon]).bindPopup(el("span", geo(feature).label, "popup-label")).addTo(marker).openPopup();
    map.setView([lat, lon], 16);
  }

  function showResults(features) {
    results.replaceChildren();
    if (!features.length) { results.appendChild(el("li", t.no_results, "empty")); return; }
    features.forEach((f) => {
      const g = geo(f);
      const item = el("li", g.label);
      item.tabIndex = 0;
      if (g.romanization) item.appendChild(el("span", g.romanization, "roman"));
      item.appendChild(el("span", adminPath(g), "path"));
      item.addEventListener("click", () => focusFeature(f));
      item.addEventListener("keydown", (ev) => { if (ev.key === "Enter") focusFeature(f); });
      results.appendChild(item);
    });
    focusFeature(features[0]);
  }

  async function search(q) {
    const fc = await getJSON(`/api/v1/search?limit=10&q=${encodeURIComponent(q)}`);
    showResults(fc.features);
  }

  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => suggest().catch(() => {}), 200);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
    else if (ev.key === "Escape") closeSuggestions();
    else if (ev.key === "Enter" && active >= 0 && !list.hidden) { ev.preventDefault(); choose(list.children[active].feature); }
  });
  input.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  document.getElementById("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(typingTimer);
    closeSuggestions();
    const q = input.value.trim();
    if (q) search(q).catch(() => {});
  });

  map.on("click", async (ev) => {
    const { lat, lng } = ev.latlng;
    const fc = await getJSON(`/api/v1/reverse?lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}&radius=300`).catch(() => null);
    if (!fc) return;
    const panel = document.getElementById("reverse");
    panel.hidden = false;
    if (!fc.features.length) {  // outside the district: nothing registered here
      document.getElementById("reverse-address").textContent = t.none_nearby;
      document.getElementById("reverse-community").textContent = "—";
      document.getElementById("reverse-subdistrict").textContent = "—";
      L.popup().setLatLng(ev.latlng).setContent(el("span", t.none_nearby, "popup-label")).openOn(map);
      return;
    }
    const g = geo(fc.features[0]);
    document.getElementById("reverse-address").textContent = g.standard_address
      ? g.standard_address + t.distance_fmt.replace("{m}", Math.round(g.distance_m)) : t.none_nearby;
    document.getElementById("reverse-community").textContent = g.community ? g.community.name : "—";
    document.getElementById("reverse-subdistrict").textContent = g.subdistrict ? g.subdistrict.name : "—";
    L.popup().setLatLng(ev.latlng).setContent(el("span", g.standard_address || (g.community ? g.community.name : t.none_nearby), "popup-label")).openOn(map);
  });
})();
