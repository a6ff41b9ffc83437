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

  // A date and time field (AdminSplitDateTime) labels only the whole field: its two
  // boxes say "Date:" and "Time:" as plain text (axe-core: label, critical). Name each box
  // by the field and its part.
  function nameDateTime(scope) {
    $(scope).find("p.datetime input").each(function () {
      if (this.labels && this.labels.length) {
        return;
      }
      var field = this.closest("fieldset, .form-row");
      var legend = field && field.querySelector("legend, label");
      var part = /_0$/.test(this.id) ? "date" : "time";
      var whole = legend ? legend.textContent.replace(/:\s*$/, "").trim() : "";
      this.setAttribute("aria-label", whole ? whole + ", " + part : part);
    });
  }

  // A tabular inline (a course's questions, a question's choices) heads each column with
  // the field's name, but its boxes have no label (axe-core: label, critical). Name each
  // box by its column's heading, and its row's number.
  function nameTabular(scope) {
    $(scope).find("div.tabular table").each(function () {
      var headings = $(this).find("thead tr").first().children().map(function () {
        return (this.childNodes[0] && this.childNodes[0].textContent || "").replace(/[?:]\s*$/, "").trim();
      }).get();
      $(this).find("tbody tr.form-row").each(function (row) {
        $(this).children("td").each(function (column) {
          var heading = headings[column];
          if (!heading) {
            return;
          }
          $(this).find("input, select, textarea").not("[type=hidden]").each(function () {
            if (!(this.labels && this.labels.length) && !this.hasAttribute("aria-label")) {
              this.setAttribute("aria-label", heading + ", row " + (row + 1));
            }
          });
        });
      });
    });
  }

  // The filter boxes of a two-list picker (SelectFilter2, e.g. a group's permissions) put
  // their hint in an aria-label on a plain span (axe-core: aria-prohibited-attr): the
  // span is an icon, so say so. SelectFilter2 draws them on the window's load.
  function nameFilterIcons() {
    $("span.help-tooltip.search-label-icon[aria-label]").not("[role]").attr("role", "img");
  }

  $(function () { name(document); nameDateTime(document); nameTabular(document); });
  window.addEventListener("load", nameFilterIcons);
  document.addEventListener("formset:added", function (event) {
    name(event.target);
    nameDateTime(event.target);
    nameTabular(event.target.closest("div.tabular") || event.target);
  });
}());
