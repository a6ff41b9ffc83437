/* A progress bar for work a Celery task does (an audit run, a roster import): asks the
   server every two seconds ({status, progress, message}) while it runs and reloads the
   page when it ends. Without this file the page still works: it has a "Refresh" link. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.getAttribute("data-status") !== "running") { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var fallback = box.querySelector("[data-progress-fallback]");
  if (fallback) { fallback.hidden = true; }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (run) {
        bar.value = run.progress;
        bar.textContent = run.progress + "%";
        if (run.status === "running") {
          text.textContent = run.message;
          setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
