/* Shared by every page: API calls that turn errors into words, and the base map
   drawn from the district's own vector tiles (streetmap.js; no remote tiles). */
(function () {
  "use strict";
  // The page's language and texts arrive as JSON data (no inline script, so the CSP needs none).
  const D = (window.DIMING = JSON.parse(document.getElementById("diming-data").textContent));

  /* The one way any text from a user or the database enters the DOM: el(tag, attrs, ...children)
     builds an element whose children are nodes or text nodes — a string is never parsed as HTML.
     Attributes are set as attributes; event handlers and script URLs are refused. Leaflet's
     bindPopup/bindTooltip/setContent take the element (a string there would be HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === null || value === undefined || value === false || value === "") return;
      const scriptUrl = /^(href|src|action|formaction)$/i.test(name) && /^\s*(javascript|data|vbscript):/i.test(String(value));
      if (/^on/i.test(name) || scriptUrl) throw new Error(`el: refused attribute ${name}`);
      if (name === "className") node.className = value; else node.setAttribute(name, String(value));
    });
    children.flat().forEach((child) => {
      if (child === null || child === undefined || child === false) return;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function showMessage(text) {
    const box = document.getElementById("message");
    box.textContent = text;
    box.hidden = !text;
  }

  /* One way to call the API: errors become words in #message. A background call
     (base-map layers) neither clears nor replaces what the user is reading. */
  async function call(url, init, options = {}) {
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      if (!options.background) showMessage(D.t.network_error);
      throw err;
    }
    let body = null;
    try { body = await response.json(); } catch (err) { body = null; }
    if (!response.ok) {
      const message = body && body.message ? (body.message[D.lang] || body.description) : response.statusText;
      if (!options.background) showMessage(D.t.error_prefix + message);
      throw new Error(message);
    }
    if (!options.background) showMessage("");
    return body;
  }

  function getJSON(url, options = {}) {
    return call(url, { headers: { Accept: "application/json" } }, options);
  }

  /* The district's start view and time zone, from its deployment profile (window.DIMING.profile). */
  const P = D.profile;

  /* The one way a stored time (ISO 8601, UTC) is shown: in the profile's time zone (Beijing time),
     "2026-12-18 17:00（北京时间）" / "2026-12-18 17:00 (Beijing time)"; labelled=false leaves the
     zone's name off (the second time of a range). Twin of gis.localtime.local_text. */
  const clock = new Intl.DateTimeFormat("en-GB", {
    timeZone: P.time_zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function localTime(iso, labelled = true) {
    if (!iso) return "—";
    const moment = new Date(/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
    if (Number.isNaN(moment.getTime())) return String(iso);
    const part = Object.fromEntries(clock.formatToParts(moment).map((p) => [p.type, p.value]));
    const text = `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
    if (!labelled) return text;
    const zone = P.time_zone_label[D.lang] || P.time_zone;
    return D.lang === "zh" ? `${text}（${zone}）` : `${text} (${zone})`;
  }

  /* Today's calendar date in the district (YYYY-MM-DD): legal dates are Beijing-time days. */
  function localDate(moment = new Date()) {
    const part = Object.fromEntries(clock.formatToParts(moment).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day}`;
  }

  /* A code's name from the text table (role_*, state_*, ...), or the code itself. */
  function label(kind, code) { return D.t[`${kind}_${code}`] || code; }

  /* The base map of every page: the street map drawn from the district's own vector tiles
     (streetmap.js; no remote tiles, no WebGL). A public map (publicMap: true) carries its
     审图号 (the profile's map_approval_number) or says it has not been reviewed. */
  const maps = [];  // the page's maps, for scripts that drive them (the browser tests)

  function baseMap(elementId, options = {}) {
    const map = L.map(elementId, { zoomControl: false, attributionControl: false, maxZoom: 20 }).setView([P.center[1], P.center[0]], P.zoom);
    L.control.zoom({ zoomInTitle: D.t.zoom_in, zoomOutTitle: D.t.zoom_out }).addTo(map);  // titles in the page's language
    window.dimingStreetMap.layer().addTo(map);
    if (options.publicMap) {
      const Approval = L.Control.extend({
        onAdd() {
          const text = P.map_approval_number ? D.t.map_approval_fmt.replace("{number}", P.map_approval_number) : D.t.map_not_reviewed;
          return el("div", { className: "map-approval" }, text);
        },
      });
      new Approval({ position: "bottomleft" }).addTo(map);
    }
    maps.push(map);
    return map;
  }

  /* Writes from a signed-in page: JSON body, the session's CSRF token, errors in words. */
  let csrfToken = null;

  function sendJSON(method, url, body) {
    return call(url, {
      method,
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrfToken || "" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /* The shared sign-in box (_signin.html): calls onChange(session) after sign-in, sign-out and on load. */
  function signInBox(onChange) {
    const form = document.getElementById("signin-form");
    const signed = document.getElementById("signed-in");
    function show(who) {
      csrfToken = who.csrf_token || null;
      form.hidden = !!who.signed_in;
      signed.hidden = !who.signed_in;
      document.getElementById("signed-in-as").textContent = who.signed_in
        ? D.t.signed_in_fmt.replace("{actor}", who.actor).replace("{roles}", who.roles.map((r) => label("role", r)).join(D.lang === "zh" ? "、" : ", ")) : "";
      onChange(who);
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sendJSON("POST", "/api/v1/session", { username: form.username.value, password: form.password.value })
        .then((who) => { form.password.value = ""; show({ ...who, signed_in: true }); }).catch(() => {});
    });
    document.getElementById("signout-button").addEventListener("click", () => {
      sendJSON("DELETE", "/api/v1/session").then(() => show({ signed_in: false, roles: [] })).catch(() => {});
    });
    getJSON("/api/v1/session").then(show).catch(() => {});
  }

  window.dimingCommon = { el, getJSON, showMessage, baseMap, maps, sendJSON, signInBox, localTime, localDate, label };
})();
