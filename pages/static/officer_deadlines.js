/* Deadlines: filings and announcements overdue or due within N days. */
(function () {
  "use strict";
  const { getJSON } = window.dimingCommon;
  const { el, fillRows, start, t } = window.officer;
  const form = document.getElementById("deadline-form");
  const within = document.getElementById("within");
  const tbody = document.querySelector("#deadlines tbody");
  const lang = window.DIMING.lang;

  function load() {
    getJSON(`/api/v1/deadlines?within=${encodeURIComponent(within.value || "0")}`).then((body) => {
      fillRows(tbody, body.deadlines, (d) => {
        const a = el("a", d.name);
        a.href = `/officer/applications/${d.application_id}?lang=${lang}`;
        const left = el("span", d.overdue ? `${t.overdue} (${d.days_left})` : d.days_left, d.overdue ? "overdue" : "");
        return [d.application_id, a, t[`duty_${d.duty}`] || d.duty, d.due, left];
      }, t.no_deadlines);
    }).catch(() => {});
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  start(load);
})();
