// Progressive enhancement only: every page works without this file.
//
// 1. When a form comes back with errors, focus moves to its error summary ("There is a
// problem", templates/includes/error_summary.html), as GOV.UK's pattern does: a screen
// reader reads the list, a keyboard Tabs to the first link. A link in the summary focuses
// its field (in a radio group, the answer that was chosen) with its label or legend
// scrolled into view, not just the input at the very top of the screen. A page with
// errors but no summary focuses its first invalid field. The page's address may keep a
// #fragment from before the form was sent (the skip link, a section index): the browser
// then focuses or scrolls to that target as the page loads, so the summary takes focus
// back once the page has loaded, unless the person has moved on already.
(function () {
  "use strict";

  function chosenOf(input) {
    if (input && input.type === "radio" && input.form) {
      return input.form.querySelector("input[type=radio][name='" + input.name + "']:checked") || input;
    }
    return input;
  }

  function fragmentTarget() {
    var id = window.location.hash.slice(1);
    return id ? document.getElementById(decodeURIComponent(id)) : null;
  }

  function captionOf(input) {
    var fieldset = input.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend")) {
      return fieldset.querySelector("legend");
    }
    return (input.labels && input.labels[0]) || input;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    var input = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!input) {
      return;
    }
    event.preventDefault();
    captionOf(input).scrollIntoView();
    chosenOf(input).focus({preventScroll: true});
  });

  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector("[data-error-summary]") ||
      chosenOf(document.querySelector("form [aria-invalid='true']"));
    if (!target) {
      return;
    }
    target.focus();
    window.addEventListener("load", function () {
      var active = document.activeElement;
      if (active !== target && (!active || active === document.body || active === fragmentTarget())) {
        target.focus();
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
