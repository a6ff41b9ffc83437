/* The revealed credentials (templates/credentials/reveal.html): copy buttons, and the
   secrets taken off the page after a minute (Policy 4038 §III.E: shown no longer than
   needed). No inline script: the Content-Security-Policy forbids it. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-hide-after]");
  if (!panel) { return; }

  panel.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var secret = button.parentElement.querySelector("[data-secret]");
      if (!secret || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(secret.textContent).then(function () {
        button.firstChild.textContent = "Copied";
        setTimeout(function () { button.firstChild.textContent = "Copy"; }, 2000);
      });
    });
  });

  var seconds = parseInt(panel.getAttribute("data-hide-after"), 10) || 60;
  setTimeout(function () {
    panel.querySelectorAll("dl.secrets, [data-countdown]").forEach(function (element) { element.remove(); });
    panel.querySelector("[data-hidden-note]").hidden = false;
  }, seconds * 1000);
})();
