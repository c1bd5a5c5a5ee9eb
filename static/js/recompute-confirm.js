// The recompute confirmation page: show a spinner while the scores are computed.
// A static file so that the Content-Security-Policy can refuse inline scripts.
document.getElementById("recompute-form").addEventListener("submit", function (event) {
  if (event.submitter && event.submitter.name !== "confirm") { return; }
  document.getElementById("recompute-busy").classList.add("on");
  var button = this.querySelector("button[name=confirm]");
  // Disable after the submit has taken the button's value with it.
  setTimeout(function () { button.disabled = true; }, 0);
});
