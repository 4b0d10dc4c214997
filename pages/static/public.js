/* Public look-up page: autocomplete, search results that say what was found, map, reverse lookup
   on click or (keyboard) Enter on the map. */
(function () {
  "use strict";
  const { getJSON, baseMap, el: make } = window.dimingCommon;
  const t = window.DIMING.t;
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const results = document.getElementById("results");
  const status = document.getElementById("results-status");
  const didYouMean = document.getElementById("did-you-mean");
  const searchError = document.getElementById("search-error");
  const mapBox = document.getElementById("map");
  const map = baseMap("map", { publicMap: true });
  const marker = L.layerGroup().addTo(map);
  let active = -1;
  let typingTimer = null;
  let ticket = 0;  // the latest search; an older answer arriving late is dropped

  function el(tag, text, className) { return make(tag, { className }, text || null); }

  function fill(template, values) { return Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, v), template); }

  function geo(feature) { return feature.properties.geocoding; }

  function adminPath(g) {
    return [window.DIMING.profile.name.zh, g.subdistrict && g.subdistrict.name, g.community && g.community.name].filter(Boolean).join(" › ");
  }

  /* An API error in words beside the search box (not at the foot of the page). */
  function showError(err) {
    searchError.textContent = err ? (err instanceof TypeError ? t.network_error : t.error_prefix + err.message) : "";
    searchError.hidden = !err;
  }

  function say(text) { status.textContent = text || ""; status.hidden = !text; }

  /* Forget the previous answer: results, message, "did you mean", marker, clicked place. */
  function clearAnswer() {
    results.replaceChildren();
    didYouMean.replaceChildren();
    didYouMean.hidden = true;
    say("");
    showError(null);
    marker.clearLayers();
    document.getElementById("reverse").hidden = true;
  }

  function closeSuggestions() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(feature) {
    clearTimeout(typingTimer);
    ticket++;
    input.value = geo(feature).label;
    closeSuggestions();
    clearAnswer();
    showResults([feature]);
    remember(input.value);
  }

  /* The query in the address (?q=…): a search can be shared or bookmarked, and Back and
     Forward go through the searches made on the page. Other parameters (lang) are kept. */
  function remember(q) {
    const url = new URL(window.location.href);
    if (url.searchParams.get("q") === q) return;
    url.searchParams.set("q", q);
    window.history.pushState({ q }, "", url);
    languageSwitchKeepsQuery();
  }

  /* The language switch links to this page in the other language with the same search. */
  function languageSwitchKeepsQuery() {
    const link = document.querySelector(".lang-switch");
    if (!link) return;
    const url = new URL(window.location.href);
    url.searchParams.set("lang", link.hreflang);
    link.href = url.href;
  }

  function searchFromAddress() {
    const q = (new URL(window.location.href).searchParams.get("q") || "").trim();
    languageSwitchKeepsQuery();
    ticket++;
    input.value = q;
    closeSuggestions();
    if (q) runSearch(q); else clearAnswer();
  }

  async function suggest() {
    const q = input.value.trim();
    if (!q) { closeSuggestions(); return; }
    const searches = ticket;
    const fc = await getJSON(`/api/v1/autocomplete?limit=8&q=${encodeURIComponent(q)}`, { background: true });
    if (input.value.trim() !== q || searches !== ticket) return;  // typed on, or searched meanwhile
    closeSuggestions();
    fc.features.forEach((f, i) => {
      const g = geo(f);
      const item = el("li", g.label);
      item.id = `suggestion-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
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
    if (list.hidden || !items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
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
    if (!status.textContent) say(features.length ? fill(t.found_fmt, { n: features.length }) : t.no_results);
    features.forEach((f) => {
      const g = geo(f);
      const item = el("li", g.label);
      item.tabIndex = 0;
      if (g.romanization) item.appendChild(el("span", g.romanization, "roman"));  // the registered spelling
      const saidAbove = g.match_type === "former_address" || (g.match_type === "partial" && g.retired_on);  // explain() said it
      if (g.note && !saidAbove) item.appendChild(el("span", noteOf(g), "note"));
      item.appendChild(el("span", adminPath(g), "path"));
      item.addEventListener("click", () => focusFeature(f));
      item.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); focusFeature(f); }
      });
      results.appendChild(item);
    });
    if (features.length) focusFeature(features[0]);
  }

  function noteOf(g) { return g.note[window.DIMING.lang] || g.note.zh; }

  /* What the answer is, said first: a number changed or never given, a name only begun, a typing slip. */
  function explain(q, fc) {
    const first = fc.features[0];
    if (!first) {
      say(fill(t.not_found_fmt, { q }));
      (fc.suggestions || []).forEach((s) => {
        const button = make("button", { type: "button", className: "link" }, s.label);
        if (s.romanization) button.appendChild(el("span", s.romanization, "roman"));
        button.addEventListener("click", () => { input.value = s.text; runSearch(s.text); remember(s.text); });
        didYouMean.appendChild(make("li", null, button));
      });
      if (didYouMean.children.length) { didYouMean.prepend(el("li", t.did_you_mean, "lead")); didYouMean.hidden = false; }
      return;
    }
    const g = geo(first);
    if (g.match_type === "former_address") {  // a number renumbered or retired: what it is now
      say(fill(t.former_fmt, { note: noteOf(g) }));
    } else if (g.registered === false && g.retired_on) {
      say(fill(t.retired_fmt, { note: noteOf(g) }));
    } else if (g.registered === false && g.requested_number) {
      say(fill(t.unregistered_fmt, { street: g.street || g.name, number: g.requested_number }));
    } else if (g.match_type === "fuzzy") {
      say(fill(t.fuzzy_fmt, { q, name: g.street || g.name }));
    } else if (g.kind) {
      say(g.near ? fill(t.near_kind_fmt, { q, kind: g.kind, near: g.near }) : fill(t.kind_fmt, { q, kind: g.kind }));
    } else if (g.match_type === "partial") {  // names begun; a typing slip may follow them (光菊家: 光菊家园, then 光菊路)
      const slip = fc.features.some((f) => geo(f).match_type === "fuzzy");
      say(fill(slip ? t.begun_or_slip_fmt : t.begun_fmt, { q }));
    }
  }

  async function runSearch(q) {
    const mine = ++ticket;
    clearAnswer();
    let fc;
    try {
      // the map's centre as the focus: among equally good answers (a kind of place alone,
      // 公园) the ones nearest what the reader is looking at come first
      const c = map.getCenter();
      const focus = `${c.lng.toFixed(5)},${c.lat.toFixed(5)}`;
      fc = await getJSON(`/api/v1/search?limit=10&focus=${focus}&q=${encodeURIComponent(q)}`, { background: true });
    } catch (err) {
      if (mine === ticket) showError(err);
      return;
    }
    if (mine !== ticket) return;
    explain(q, fc);
    showResults(fc.features);
  }

  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => suggest().catch(() => {}), 200);
  });
  input.addEventListener("keydown", (ev) => {
    const picking = active >= 0 && !list.hidden;
    if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
    else if (ev.key === "Escape") closeSuggestions();
    // Enter (and Space, once one is highlighted) does what the highlighted suggestion says
    else if ((ev.key === "Enter" || ev.key === " ") && picking) { ev.preventDefault(); choose(list.children[active].feature); }
  });
  input.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  document.getElementById("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    clearTimeout(typingTimer);
    closeSuggestions();
    const q = input.value.trim();
    if (q) { runSearch(q); remember(q); }
  });
  window.addEventListener("popstate", searchFromAddress);

  /* The nearest address and the community at a point: by a click, or Enter on the focused map (its centre). */
  async function lookupAt(latlng) {
    const { lat, lng } = latlng;
    const fc = await getJSON(`/api/v1/reverse?lon=${lng.toFixed(6)}&lat=${lat.toFixed(6)}&radius=300`).catch(() => null);
    if (!fc) return;
    const panel = document.getElementById("reverse");
    panel.hidden = false;
    if (!fc.features.length) {  // outside the district: nothing registered here
      document.getElementById("reverse-address").textContent = t.none_nearby;
      document.getElementById("reverse-community").textContent = "—";
      document.getElementById("reverse-subdistrict").textContent = "—";
      document.getElementById("reverse-places").textContent = "—";
      L.popup().setLatLng(latlng).setContent(el("span", t.none_nearby, "popup-label")).openOn(map);
      return;
    }
    const g = geo(fc.features[0]);
    const address = document.getElementById("reverse-address");
    address.textContent = g.standard_address
      ? g.standard_address + t.distance_fmt.replace("{m}", Math.round(g.distance_m)) : t.none_nearby;
    if (g.standard_address && g.romanization) address.appendChild(el("span", g.romanization, "roman"));  // No. 12 Zijun Lu
    document.getElementById("reverse-community").textContent = g.community ? g.community.name : "—";
    document.getElementById("reverse-subdistrict").textContent = g.subdistrict ? g.subdistrict.name : "—";
    const places = document.getElementById("reverse-places");  // 锦里古街（120 米）: what the reader recognises
    places.replaceChildren();
    (g.places_nearby || []).forEach((p) => {
      const item = el("span", fill(t.place_distance_fmt, { name: p.name, m: Math.round(p.distance_m) }), "nearby-place");
      if (p.romanization) item.appendChild(el("span", p.romanization, "roman"));
      places.appendChild(item);
    });
    if (!places.children.length) places.textContent = "—";
    L.popup().setLatLng(latlng).setContent(el("span", g.standard_address || (g.community ? g.community.name : t.none_nearby), "popup-label")).openOn(map);
  }

  map.on("click", (ev) => lookupAt(ev.latlng));
  mapBox.addEventListener("keydown", (ev) => {
    if (ev.target === mapBox && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); lookupAt(map.getCenter()); }
  });

  if (new URL(window.location.href).searchParams.get("q")) searchFromAddress();  // a shared or bookmarked search
})();
