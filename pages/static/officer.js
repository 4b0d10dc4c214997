/* Officer workspace, shared by its pages: sign-in gate, small DOM helpers, texts. */
(function () {
  "use strict";
  const common = window.dimingCommon;
  const t = window.DIMING.t;
  const ROLES = ["placename_officer", "admin"];

  function el(tag, text, className) { return common.el(tag, { className }, text); }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (values[key] === undefined ? "" : values[key]));
  }

  /* Fill a table body: one row per item, one cell per value (a Node is put in as is). */
  function fillRows(tbody, items, cells, emptyText) {
    tbody.replaceChildren();
    if (!items.length && emptyText) {
      const td = el("td", emptyText, "empty");
      td.colSpan = tbody.parentElement.querySelectorAll("thead th").length;
      tbody.appendChild(el("tr")).appendChild(td);
      return;
    }
    items.forEach((item) => {
      const tr = el("tr");
      cells(item).forEach((value) => {
        const td = el("td");
        if (value instanceof Node) td.appendChild(value); else td.textContent = value === null || value === undefined ? "—" : String(value);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }

  function stateLabel(state) { return common.label("state", state); }

  /* An API field's {zh, en} words in the page's language, or the code when there are none. */
  function words(pair, code) { return (pair && (pair[window.DIMING.lang] || pair.zh)) || code; }

  const day = common.localTime;

  /* Run ``init`` once an officer is signed in; hide the workspace when signed out. */
  function start(init) {
    const workspace = document.getElementById("workspace");
    const missing = document.getElementById("role-missing");
    let started = false;
    common.signInBox((who) => {
      const allowed = who.signed_in && who.roles.some((r) => ROLES.includes(r));
      workspace.hidden = !allowed;
      missing.hidden = !who.signed_in || allowed;
      missing.textContent = fmt(t.role_missing_fmt, { role: common.label("role", "placename_officer") });
      if (allowed && !started) { started = true; init(); }
      if (!who.signed_in) started = false;
    });
  }

  window.officer = { el, fmt, fillRows, stateLabel, words, day, start, t };
})();
