/* Import pages: upload with a progress bar, then a "checking" state while the server
   validates; the copy button of the problem list. Without JavaScript the forms post
   normally and the page works the same, only without the progress bar. */
(function () {
  "use strict";

  function showResponse(html) {
    // The server answers with a whole page (the dry-run result or the form with errors).
    document.open();
    document.write(html);
    document.close();
  }

  function uploadWithProgress(form, event) {
    var input = form.querySelector('input[type="file"]');
    if (!window.FormData || !input || !input.files || !input.files.length) {
      return; // Let the browser and the server explain what is missing.
    }
    event.preventDefault();
    var box = form.querySelector(".import-progress");
    var bar = box.querySelector("progress");
    var label = box.querySelector(".import-progress-text");
    var button = form.querySelector('button[type="submit"]');
    box.hidden = false;
    box.classList.remove("checking", "failed");
    if (input.files[0].size > Number(form.dataset.maxBytes)) {
      // Refused here so that nobody waits for a file the server would refuse anyway.
      box.classList.add("failed");
      bar.hidden = true;
      label.textContent = form.dataset.tooBig;
      return;
    }
    bar.hidden = false;
    var data = new FormData(form);
    bar.value = 0;
    label.textContent = form.dataset.uploading + " 0%";
    button.disabled = true;

    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        var percent = Math.floor((progress.loaded * 100) / progress.total);
        bar.value = percent;
        label.textContent = form.dataset.uploading + " " + percent + "%";
      }
    });
    request.upload.addEventListener("load", function () {
      // Uploaded: an indeterminate bar while the server reads and checks every row.
      bar.removeAttribute("value");
      box.classList.add("checking");
      label.textContent = form.dataset.checking;
    });
    request.addEventListener("load", function () {
      showResponse(request.responseText);
    });
    request.addEventListener("error", function () {
      box.classList.remove("checking");
      box.classList.add("failed");
      label.textContent = form.dataset.failed;
      button.disabled = false;
    });
    request.send(data);
  }

  function copyText(button) {
    var source = document.getElementById(button.dataset.copy);
    var done = function () { button.textContent = button.dataset.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done);
    } else {
      source.select();
      if (document.execCommand("copy")) { done(); }
    }
  }

  document.querySelectorAll("form.import-upload").forEach(function (form) {
    form.addEventListener("submit", function (event) { uploadWithProgress(form, event); });
  });
  document.querySelectorAll("form.import-confirm").forEach(function (form) {
    form.addEventListener("submit", function () {
      // The import runs while the browser waits for the page: say so, and block a second click.
      document.querySelectorAll(".import-outcome button").forEach(function (button) {
        button.disabled = true;
      });
      var status = document.querySelector(".import-outcome .import-progress");
      if (status) { status.hidden = false; }
    });
  });
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copyText(button); });
  });
})();
