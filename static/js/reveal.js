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

  /* The authenticator code's countdown: the page says how long the code is valid without
     JavaScript too; this keeps the seconds true, and says when the code has expired. */
  panel.querySelectorAll("[data-totp-countdown]").forEach(function (element) {
    var left = parseInt(element.getAttribute("data-seconds"), 10) || 0;
    var timer = setInterval(function () {
      left -= 1;
      if (left > 0) {
        element.textContent = "Valid for " + left + " more second" + (left === 1 ? "" : "s") + ".";
      } else {
        clearInterval(timer);
        element.textContent = element.hasAttribute("data-next")
          ? "This code has expired; the next one is valid now."
          : "This code has expired. Reveal again for a new one (another reason, another record).";
      }
    }, 1000);
  });

  var seconds = parseInt(panel.getAttribute("data-hide-after"), 10) || 60;
  setTimeout(function () {
    panel.querySelectorAll("dl.secrets, [data-countdown]").forEach(function (element) { element.remove(); });
    panel.querySelector("[data-hidden-note]").hidden = false;
  }, seconds * 1000);
})();
