// Type-ahead for long selects (institution, branch, instructor …): a filter box above every
// single select with more than 20 options narrows its options as you type. The select stays
// the form field, so labels, validation and the value posted are those of the plain form.
(function () {
  "use strict";
  var THRESHOLD = 20;

  function normalise(text) { return text.toLowerCase().replace(/\s+/g, " ").trim(); }

  function enhance(select) {
    if (select.multiple || select.options.length <= THRESHOLD || select.dataset.typeahead) return;
    select.dataset.typeahead = "on";
    var all = Array.prototype.slice.call(select.options);
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "typeahead";
    filter.autocomplete = "off";
    filter.placeholder = document.documentElement.lang.indexOf("zh") === 0
      ? "输入文字筛选…" : "Type to filter…";
    var label = select.labels && select.labels.length ? select.labels[0].textContent.trim() : "";
    filter.setAttribute("aria-label", (document.documentElement.lang.indexOf("zh") === 0
      ? "筛选：" : "Filter: ") + label);
    filter.setAttribute("aria-controls", select.id || "");
    var count = document.createElement("small");
    count.className = "typeahead-count";
    count.setAttribute("aria-live", "polite");

    function apply() {
      var words = normalise(filter.value).split(" ").filter(Boolean);
      var chosen = select.value;
      var shown = 0, keep = null;
      select.textContent = "";
      all.forEach(function (option) {
        var text = normalise(option.textContent);
        var blank = option.value === "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        if (blank || match || !words.length) {
          select.appendChild(option);
          if (!blank) { shown += 1; if (keep === null) keep = option.value; }
        }
      });
      // The first match is chosen when the chosen one was filtered out, so typing a name and
      // submitting the form picks it, on a phone as on a desktop.
      var still = all.some(function (o) { return o.value === chosen && o.parentNode === select; });
      select.value = still && (chosen !== "" || !words.length) ? chosen : (keep || "");
      count.textContent = words.length ? shown + " / " + (all.length - (all[0] && all[0].value === "" ? 1 : 0)) : "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    filter.addEventListener("input", apply);
    filter.addEventListener("keydown", function (event) {
      // Enter in the filter picks the first match instead of submitting a half-filled form.
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
    select.parentNode.insertBefore(filter, select);
    select.parentNode.insertBefore(count, select.nextSibling);
  }

  function run() {
    document.querySelectorAll("main select").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
