// Names the controls Select2 builds for the admin's autocomplete fields, which it leaves
// without an accessible name: the box of a single choice and the text inside it (named by the
// current choice alone, so nothing when empty) and the search fields. Each takes the name of the <select> it
// stands for: its <label>, or its aria-label in an inline row. Select2 builds them after the
// page loads and again as choices change, so new ones are named as they appear.
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      if (!label.id) {
        label.id = select.id + "_label";
      }
      return {id: label.id, text: label.textContent.trim().replace(/:$/, "")};
    }
    return {id: "", text: select.getAttribute("aria-label") || ""};
  }

  function name(container, select) {
    var label = labelOf(select);
    if (!label.text) {
      return;
    }
    // The box (a combobox) and the text inside it (a read-only textbox) are each named by
    // the label and the current choice: "Ecosystem: Digital".
    var single = container.querySelector(".select2-selection--single");
    var rendered = single && single.querySelector(".select2-selection__rendered");
    [single, rendered].forEach(function (element) {
      if (!element) {
        return;
      }
      if (label.id && rendered && rendered.id) {
        element.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      } else {
        element.setAttribute("aria-label", label.text);
      }
    });
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      field.setAttribute("aria-label", label.text);
    });
  }

  function nameAll() {
    // Each field's box follows its <select>.
    document.querySelectorAll("select + .select2-container").forEach(function (container) {
      name(container, container.previousElementSibling);
    });
    // An open dropdown is at the end of the page; its search field says which list it
    // filters ("select2-<id>-results").
    document.querySelectorAll(".select2-dropdown .select2-search__field").forEach(function (field) {
      var match = /^select2-(.+)-results$/.exec(field.getAttribute("aria-controls") || "");
      var select = match && document.getElementById(match[1]);
      if (select) {
        field.setAttribute("aria-label", labelOf(select).text);
      }
    });
  }

  new MutationObserver(nameAll).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", nameAll);
})();
