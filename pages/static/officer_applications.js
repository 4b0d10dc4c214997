/* Naming applications: the list, filtered by state; each row links to its detail. */
(function () {
  "use strict";
  const { getJSON } = window.dimingCommon;
  const { el, fillRows, words, day, start } = window.officer;
  const form = document.getElementById("filter-form");
  const select = document.getElementById("state");
  const tbody = document.querySelector("#applications tbody");
  const lang = window.DIMING.lang;

  function link(item) {
    const a = el("a", item.proposed_name);
    a.href = `/officer/applications/${item.id}?lang=${lang}`;
    return a;
  }

  function load() {
    const state = select.value;
    const url = "/api/v1/applications" + (state ? `?state=${encodeURIComponent(state)}` : "");
    getJSON(url).then((body) => {
      fillRows(tbody, body.applications, (a) => [a.id, link(a), words(a.kind_label, a.kind), words(a.state_label, a.state),
        words(a.category_label, a.category_code), a.notice_ends_at ? day(a.notice_ends_at) : null], window.officer.t.no_applications);
    }).catch(() => {});
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  start(load);
})();
