// Every page: a <select data-autosubmit> submits its form when changed (the language
// switch). An event listener here rather than an onchange attribute, which the
// Content-Security-Policy refuses as an inline script.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
