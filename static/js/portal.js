// Progressive enhancement only: every page works without this file.
//
// 1. When a form comes back with errors, move focus to the first invalid field so keyboard
// and screen-reader users land where the problem is (in a radio group, on the answer
// that was chosen). The page's address may keep a #fragment from before the form was
// sent (the skip link, a section index): the browser then focuses or scrolls to that
// target as the page loads, so the field takes focus back once the page has loaded,
// unless the person has moved on already.
(function () {
  "use strict";

  function firstInvalid() {
    var invalid = document.querySelector("form [aria-invalid='true']");
    if (invalid && invalid.type === "radio" && invalid.form) {
      var chosen = invalid.form.querySelector("input[type=radio][name='" + invalid.name + "']:checked");
      return chosen || invalid;
    }
    return invalid;
  }

  function fragmentTarget() {
    var id = window.location.hash.slice(1);
    return id ? document.getElementById(decodeURIComponent(id)) : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var invalid = firstInvalid();
    if (!invalid) {
      return;
    }
    invalid.focus();
    window.addEventListener("load", function () {
      var active = document.activeElement;
      if (active !== invalid && (!active || active === document.body || active === fragmentTarget())) {
        invalid.focus();
      }
    });
  });
}());

// 2. A data table wider than the screen (a phone) scrolls inside its .table-wrap. While
// it does, the wrapper is a named region in the tab order, so a keyboard can scroll it
// too (WCAG 2.1.1); when the table fits again, it leaves the tab order.
(function () {
  "use strict";

  function update(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() + ": " : "") + "table, scrolls sideways");
    } else if (!scrolls && wrap.getAttribute("tabindex") === "0") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var wraps = document.querySelectorAll(".table-wrap");
    if (!wraps.length) {
      return;
    }
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { update(entry.target); });
      });
      wraps.forEach(function (wrap) { observer.observe(wrap); });
    } else {
      wraps.forEach(update);
    }
  });
}());
