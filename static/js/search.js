// The header search answers as you type: the first hits of each kind under the box.
// Without JavaScript the form still submits to the full results page.
(function () {
  "use strict";
  var form = document.querySelector(".site-search");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".site-search-results");
  var url = form.getAttribute("data-suggest");
  var timer = null, asked = "", active = -1;

  function options() { return list.querySelectorAll("a[role=option]"); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function highlight(index) {
    var links = options();
    if (!links.length) return;
    active = (index + links.length) % links.length;
    links.forEach(function (link, i) { link.setAttribute("aria-selected", String(i === active)); });
    links[active].scrollIntoView({ block: "nearest" });
  }

  function show(data) {
    if (data.query !== input.value.trim()) return;  // an older answer arriving late
    list.textContent = "";
    if (!data.groups.length) {
      var none = document.createElement("li");
      none.className = "site-search-empty";
      none.textContent = list.getAttribute("data-empty") || form.getAttribute("data-empty") || "—";
      list.appendChild(none);
    }
    data.groups.forEach(function (group) {
      var heading = document.createElement("li");
      heading.className = "site-search-group";
      heading.setAttribute("role", "presentation");
      heading.textContent = group.title;
      list.appendChild(heading);
      group.hits.forEach(function (hit) {
        var item = document.createElement("li");
        item.setAttribute("role", "presentation");
        var link = document.createElement("a");
        link.href = hit.url;
        link.setAttribute("role", "option");
        link.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.textContent = hit.label;
        var detail = document.createElement("small");
        detail.textContent = hit.detail;
        link.appendChild(label);
        link.appendChild(detail);
        item.appendChild(link);
        list.appendChild(item);
      });
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  function ask() {
    var query = input.value.trim();
    if (query === asked) return;
    asked = query;
    if (!query) { close(); return; }
    fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin",
      headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) show(data); })
      .catch(function () { /* the form still submits to the full page */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 180);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].href;
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
  input.addEventListener("focus", function () {
    if (list.childElementCount && input.value.trim()) { list.hidden = false; }
  });
})();
