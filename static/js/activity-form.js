// The activity form (templates/activities/activity_form.html); a static file so that the
// Content-Security-Policy can refuse inline scripts.
// Show the school-branch choice only for 结对共建, offering the schools paired with the
// chosen branch on the chosen day. The server checks the same rule; this only helps.
(function () {
  var pairings = JSON.parse(document.getElementById("activity-pairings").textContent);
  var form = document.getElementById("activity-form");
  var kind = form.elements["kind"], branch = form.elements["branch"];
  var day = form.elements["date"], school = form.elements["school_branch"];
  var field = document.getElementById("field-school_branch");
  function update() {
    var isPairing = kind.value === "pairing";
    field.hidden = !isPairing;
    if (!isPairing) { school.value = ""; return; }
    var allowed = {};
    pairings.forEach(function (p) {
      var holds = !day.value || (p.start <= day.value && (p.end === null || day.value <= p.end));
      if (String(p.branch) === branch.value && holds) { allowed[String(p.school_branch)] = true; }
    });
    Array.prototype.forEach.call(school.options, function (option) {
      option.hidden = option.value !== "" && !allowed[option.value];
    });
    if (school.value && !allowed[school.value]) { school.value = ""; }
  }
  [kind, branch, day].forEach(function (input) { input.addEventListener("change", update); });
  update();
})();
