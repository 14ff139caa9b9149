/* csgkg catalogue: progressive enhancement. Without JavaScript every page still works: the home
   page lists every intervention and links to a page per filter value, and every pair of
   interventions has its own comparison page. With it, the filters act at once and the compare
   form opens the chosen pair. */
(function () {
  "use strict";

  function setupFilters() {
    var form = document.getElementById("filters");
    var list = document.getElementById("intervention-list");
    if (!form || !list) { return; }
    var panel = document.getElementById("filter-panel");
    var status = document.getElementById("result-count");
    var empty = document.getElementById("no-results");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var text = document.getElementById("filter-text");
    var items = Array.prototype.slice.call(list.children);

    function apply() {
      var words = text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var match = selects.every(function (select) {
          if (!select.value) { return true; }
          var values = (item.getAttribute("data-" + select.getAttribute("data-filter")) || "").split(" ");
          return values.indexOf(select.value) !== -1;
        }) && words.every(function (word) {
          return (item.getAttribute("data-text") || "").indexOf(word) !== -1;
        });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = shown + (shown === 1 ? " intervention" : " interventions") +
        (shown === items.length ? "" : " of " + items.length + " match the filters");
      empty.hidden = shown !== 0;
      var params = new URLSearchParams();
      selects.forEach(function (select) { if (select.value) { params.set(select.name, select.value); } });
      if (text.value.trim()) { params.set("q", text.value.trim()); }
      var query = params.toString();
      try {
        history.replaceState(null, "", query ? "?" + query : window.location.pathname);
      } catch (ignored) { /* some browsers refuse this for pages opened from the disk */ }
    }

    var initial = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = initial.get(select.name);
      if (wanted && select.querySelector('option[value="' + CSS.escape(wanted) + '"]')) { select.value = wanted; }
      select.addEventListener("change", apply);
    });
    if (initial.get("q")) { text.value = initial.get("q"); }
    text.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    panel.hidden = false;
    // On a phone the filters start folded, so the first interventions show without scrolling;
    // they stay open when the address already asks for a filter.
    var details = document.getElementById("filter-details");
    var narrow = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;
    if (details && narrow && !window.location.search) { details.open = false; }
    apply();
  }

  function setupCompare() {
    var form = document.getElementById("compare-form");
    if (!form) { return; }
    var first = document.getElementById("compare-a");
    var second = document.getElementById("compare-b");
    var error = document.getElementById("compare-error");
    var initial = new URLSearchParams(window.location.search);
    [[first, "a"], [second, "b"]].forEach(function (pair) {
      var wanted = initial.get(pair[1]);
      if (wanted && pair[0].querySelector('option[value="' + CSS.escape(wanted) + '"]')) { pair[0].value = wanted; }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (first.value === second.value) {
        error.textContent = "Choose two different interventions.";
        second.focus();
        return;
      }
      error.textContent = "";
      window.location.href = "compare/" + encodeURIComponent(first.value) + "--" + encodeURIComponent(second.value) + ".html";
    });
    form.hidden = false;
  }

  function start() { setupFilters(); setupCompare(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
