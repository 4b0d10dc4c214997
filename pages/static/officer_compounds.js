/* Compounds (小区/大院) on the numbering page: each with its door number and how many of its
   buildings have their 楼栋号, and the full standard address of a building, unit and room in
   one (3栋 is read as 3幢). A failure is said beside the button; the address shown is cleared. */
(function () {
  "use strict";
  const { getJSON } = window.dimingCommon;
  const { fmt, fillRows, start, t } = window.officer;
  const tbody = document.querySelector("#compounds tbody");
  const pick = document.getElementById("compound-pick");
  const form = document.getElementById("compound-address-form");
  const out = document.getElementById("compound-address");
  const error = document.getElementById("compound-error");

  function load() {
    getJSON("/api/v1/compounds", { background: true }).then((body) => {
      fillRows(tbody, body.items, (c) => [c.name, c.address, `${c.numbered}/${c.buildings}`], t.no_compounds);
      pick.replaceChildren(...body.items.map((c) => {
        const option = document.createElement("option");
        option.value = String(c.id);
        option.textContent = c.name;
        return option;
      }));
    }).catch(() => {});
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    out.textContent = "";
    error.textContent = "";
    const query = new URLSearchParams();
    [["building", "compound-building"], ["unit", "compound-unit"], ["room", "compound-room"]].forEach(([key, id]) => {
      const value = document.getElementById(id).value.trim();
      if (value) query.set(key, value);
    });
    getJSON(`/api/v1/compounds/${encodeURIComponent(pick.value)}/address?${query}`, { background: true })
      .then((view) => { out.textContent = view.full_text; })
      .catch((err) => { error.textContent = fmt(t.compound_failed_fmt, { message: err.message }); });
  });

  start(load);  // once signed in
})();
