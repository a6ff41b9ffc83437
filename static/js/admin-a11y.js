// The admin's autocomplete fields (select2) show a combobox named only by its current
// value, inside a read-only "textbox" with no name until something is chosen, and a
// search box with no name at all. Name all three by the field's label, so a screen
// reader says "Owner" (axe-core: aria-input-field-name, serious).
// Runs after Django's admin/js/autocomplete.js has set the widgets up (jQuery's ready).
(function () {
  "use strict";
  if (!window.django || !window.django.jQuery) {
    return;
  }
  var $ = window.django.jQuery;

  function labelFor(select) {
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label && !label.id) {
      label.id = select.id + "_label";
    }
    return label;
  }

  function name(scope) {
    $(scope).find("select.admin-autocomplete").not("[name*=__prefix__]").each(function () {
      var label = labelFor(this);
      var selection = $(this).next(".select2").find(".select2-selection[role=combobox]");
      if (!label || !selection.length) {
        return;
      }
      var labelledBy = (selection.attr("aria-labelledby") || "").split(" ").filter(Boolean);
      if (labelledBy.indexOf(label.id) === -1) {
        selection.attr("aria-labelledby", [label.id].concat(labelledBy).join(" "));
      }
      selection.find(".select2-selection__rendered[role=textbox]").attr("aria-labelledby", label.id);
      $(this).off("select2:open.a11y").on("select2:open.a11y", function () {
        $(".select2-container--open .select2-search__field")
          .attr("aria-label", "Search: " + label.textContent.replace(/:\s*$/, ""));
      });
    });
  }

  $(function () { name(document); });
  document.addEventListener("formset:added", function (event) { name(event.target); });
}());
