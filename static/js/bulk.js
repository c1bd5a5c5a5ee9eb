// Bulk actions (templates/core/bulk_select.html): the plain checkboxes work without this
// file; it only shows and wires the "select all on this page" box and the ticked count.
// Loaded from a static file because the Content-Security-Policy refuses inline scripts.
(function () {
  document.querySelectorAll("form.bulk-form").forEach(function (form) {
    var all = form.querySelector("input[data-select-all]");
    var count = form.querySelector("[data-bulk-count]");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=ids]"));
    if (!all || !boxes.length) { return; }
    function refresh() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      if (count) {
        count.textContent = (document.documentElement.lang || "").indexOf("en") === 0
          ? ticked + " selected" : "已选 " + ticked + " 条";
      }
    }
    all.hidden = false;
    if (count) { count.hidden = false; }
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    refresh();
  });
})();
