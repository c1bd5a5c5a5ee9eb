// The print view (?print=1): show the 打印 button and open the browser's print dialog with
// it. A static file because the Content-Security-Policy refuses inline handlers.
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
