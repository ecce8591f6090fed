// The explorer's one script (platform serve): type-ahead over disease and compound names, a
// prediction's graph evidence fetched when its row is opened, and selects that submit their form.
// It talks to this server only; every text it shows is set as text, or is HTML the server escaped.
"use strict";

/** Show the names that match what is typed in `input` as links in `list` (/api/search). */
function typeAhead(input, list) {
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      asked = text;
      if (!text) {
        list.replaceChildren();
        return;
      }
      try {
        const response = await fetch("/api/search?q=" + encodeURIComponent(text));
        const found = await response.json();
        if (text !== asked) return;  // a newer request answers
        list.replaceChildren(...(found.results || []).map((node) => {
          const item = document.createElement("li");
          const link = document.createElement("a");
          const kind = document.createElement("span");
          link.href = node.url;
          link.textContent = node.name + " ";
          kind.className = "muted";
          kind.textContent = node.label;
          link.append(kind);
          item.append(link);
          return item;
        }));
      } catch (error) {
        list.replaceChildren();
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") list.replaceChildren();
  });
}

/** Fill a prediction's evidence the first time its row opens (/api/evidence). */
function lazyEvidence(row) {
  const body = row.querySelector(".evidence");
  row.addEventListener("toggle", async () => {
    if (!row.open || row.dataset.loaded) return;
    row.dataset.loaded = "yes";
    const query = new URLSearchParams({compound: row.dataset.compound, disease: row.dataset.disease});
    try {
      const response = await fetch("/api/evidence?" + query);
      const found = await response.json();
      if (!response.ok) throw new Error(found.error);
      body.innerHTML = found.html;  // rendered and escaped by the server
    } catch (error) {
      body.textContent = "Could not load the evidence: " + error.message;
      delete row.dataset.loaded;
    }
  });
}

const search = document.getElementById("search");
if (search) typeAhead(search, document.getElementById("search-results"));
document.querySelectorAll("details.prediction").forEach(lazyEvidence);
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
