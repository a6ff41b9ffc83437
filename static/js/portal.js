// Progressive enhancement only: every page works without this file.
// When a form comes back with errors, move focus to the first invalid field so keyboard
// and screen-reader users land where the problem is.
document.addEventListener("DOMContentLoaded", function () {
  var invalid = document.querySelector("form [aria-invalid='true']");
  if (invalid) {
    invalid.focus();
  }
});
