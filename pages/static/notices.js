/* The public notice board (/notices) and one notice's page (/notices/<id>): open notices and
   announced names on the map; the comment form, no sign-in. Every text enters the DOM as text. */
(function () {
  "use strict";
  const { el: make, baseMap, localTime, getJSON } = window.dimingCommon;
  const D = window.DIMING;
  const t = D.t;
  const lang = D.lang;

  function el(tag, text, className) { return make(tag, { className }, text === undefined ? null : text); }
  function words(pair, fallback) { return pair ? pair[lang] || pair.zh : fallback || "—"; }
  function withLang(path) { return `${path}${path.includes("?") ? "&" : "?"}lang=${lang}`; }
  function area(a) { return a && a.code ? `${a.name || "—"}${lang === "zh" ? `（${a.code}）` : ` (${a.code})`}` : "—"; }
  function period(n, format = t.notice_period_fmt) { return format.replace("{start}", localTime(n.notice_starts_at)).replace("{end}", localTime(n.notice_ends_at)); }

  /* A call whose refusal the page explains itself (beside the form, in the closed box): no #message. */
  async function fetchJSON(url, init) {
    const response = await fetch(url, init);
    let body = null;
    try { body = await response.json(); } catch (err) { body = null; }
    return { ok: response.ok, status: response.status, body };
  }
  function messageOf(result) {
    const m = result.body && result.body.message;
    return m ? m[lang] || m.zh : `HTTP ${result.status}`;
  }

  function drawOnMap(map, items) {
    const layer = L.geoJSON(null, { style: { color: "#c0392b", weight: 5 } }).addTo(map);
    items.filter((n) => n.geometry).forEach((n) => {
      layer.addData({ type: "Feature", geometry: n.geometry, properties: {} });
      const last = layer.getLayers()[layer.getLayers().length - 1];
      last.bindPopup(el("span", n.name, "popup-label"));
    });
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [30, 30] });
  }

  function summary(n, announced) {
    const item = el("li");
    const link = make("a", { href: withLang(`/notices/${n.id}`) }, n.name);
    item.appendChild(link);
    if (n.romanization) item.appendChild(el("span", n.romanization, "roman"));
    const number = announced ? n.announcement_number : n.notice_number;
    item.appendChild(el("span", [number, words(n.kind_label), words(n.category_label, n.category_code), area(n.area)].filter(Boolean).join(" · "), "meta"));
    item.appendChild(el("span", announced ? t.announced_fmt.replace("{date}", n.announced_on || "—") : period(n), "meta"));
    return item;
  }

  function fill(list, items, emptyText, announced) {
    list.replaceChildren();
    if (!items.length) { list.appendChild(el("li", emptyText, "empty")); return; }
    items.forEach((n) => list.appendChild(summary(n, announced)));
  }

  async function board() {
    const map = baseMap("map", { publicMap: true });
    const [open, announced] = await Promise.all([getJSON("/api/v1/notices"), getJSON("/api/v1/announcements")]);
    fill(document.getElementById("open-notices"), open.notices, t.no_open_notices, false);
    fill(document.getElementById("announcements"), announced.announcements, t.no_announcements, true);
    drawOnMap(map, open.notices.concat(announced.announcements));
  }

  /* --- one notice ----------------------------------------------------------------------- */

  function facts(n, announced) {
    const dl = document.getElementById("notice-facts");
    dl.replaceChildren();
    const rows = [
      [t.field_number, announced ? n.announcement_number : n.notice_number],
      [t.field_kind, words(n.kind_label, n.kind)], [t.field_name, n.name], [t.field_former_name, n.former_name],
      [t.field_romanization, n.romanization], [t.field_category, words(n.category_label, n.category_code)], [t.field_area, area(n.area)],
      [t.field_location, n.location_description], [t.field_reasons, n.reasons],
      [t.field_notice_period, announced ? null : period(n, t.period_fmt)],
      [t.field_approval, announced ? [n.approving_body, n.approval_document, n.approved_on].filter(Boolean).join(" · ") : null],
      [t.field_announced_on, announced ? n.announced_on : null],
    ];
    rows.filter(([, value]) => value).forEach(([label, value]) => { dl.appendChild(el("dt", label)); dl.appendChild(el("dd", value)); });
    document.getElementById("notice-title").textContent = `${words(n.kind_label)}：${n.name}`;
  }

  function documentLinks(id, kind) {
    const box = document.getElementById("documents");
    box.replaceChildren(
      make("a", { href: withLang(`/notices/${id}/${kind}/print`), id: `print-${kind}` }, kind === "notice" ? t.print_notice : t.print_announcement),
      make("a", { href: `/api/v1/notices/${id}/documents/${kind}?format=docx&lang=${lang}`, id: `docx-${kind}` }, t.download_docx),
    );
  }

  function comments(list) {
    const ol = document.getElementById("comments");
    ol.replaceChildren();
    if (!list.length) { ol.appendChild(el("li", t.no_comments, "empty")); return; }
    list.forEach((c) => { const item = el("li", c.body); item.appendChild(el("span", localTime(c.submitted_at), "meta")); ol.appendChild(item); });
  }

  function showBox(id, text) {
    const box = document.getElementById(id);
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function csrfToken() {
    /* Anonymous visitors need none; a signed-in officer's session cookie makes the server ask for it. */
    const who = await fetchJSON("/api/v1/session", { headers: { Accept: "application/json" } }).catch(() => null);
    return who && who.ok && who.body && who.body.csrf_token ? who.body.csrf_token : "";
  }

  function commentForm(id) {
    const form = document.getElementById("comment-form");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showBox("comment-error", "");
      showBox("comment-result", "");
      const payload = { body: form.body.value };
      if (form.author_name.value.trim()) payload.author_name = form.author_name.value.trim();
      if (form.author_contact.value.trim()) payload.author_contact = form.author_contact.value.trim();
      let result;
      try {
        result = await fetchJSON(`/api/v1/notices/${id}/comments`, {
          method: "POST",
          headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": await csrfToken() },
          body: JSON.stringify(payload),
        });
      } catch (err) {
        showBox("comment-error", t.comment_refused_fmt.replace("{message}", t.network_error));
        return;  // what was typed stays in the form
      }
      if (!result.ok) {
        showBox("comment-error", t.comment_refused_fmt.replace("{message}", messageOf(result)));
        return;  // what was typed stays in the form
      }
      form.reset();
      showBox("comment-result", t.comment_sent);
      const again = await fetchJSON(`/api/v1/notices/${id}`);
      if (again.ok) comments(again.body.comments);
    });
  }

  async function one(section) {
    const id = section.dataset.id;
    const map = baseMap("map", { publicMap: true });
    const running = await fetchJSON(`/api/v1/notices/${id}`);
    if (running.ok) {
      facts(running.body, false);
      documentLinks(id, "notice");
      comments(running.body.comments);
      document.getElementById("comment-section").hidden = false;
      commentForm(id);
      drawOnMap(map, [running.body]);
      return;
    }
    showBox("notice-closed", `${messageOf(running)}${running.status === 409 ? `　${t.comment_closed}` : ""}`);
    const announced = await fetchJSON(`/api/v1/announcements/${id}`);
    if (announced.ok) {
      facts(announced.body, true);
      documentLinks(id, "announcement");
      drawOnMap(map, [announced.body]);
    } else {
      document.getElementById("notice-title").textContent = t.not_found;
    }
  }

  const section = document.getElementById("notice");
  (section ? one(section) : board()).catch(() => {});
})();
