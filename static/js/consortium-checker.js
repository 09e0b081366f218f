// Progressive enhancement for the consortium checker: move the focus to what a submission
// produced, and add blank member rows without sending the form. Without this script the page
// still lands on its outcome (the form's address ends in #checker-result) and keeps two blank
// rows after every submission.
(function () {
  "use strict";
  // The error summary comes first whenever there is one; else the report's heading, when the
  // submission asked for it. Either is focusable by script alone (tabindex="-1").
  var outcome = document.querySelector(".error-summary") ||
    (location.hash === "#checker-result" && document.getElementById("checker-result"));
  if (outcome) {
    outcome.focus();
  }
  var table = document.querySelector(".checker__table tbody");
  var total = document.getElementById("id_members-TOTAL_FORMS");
  var actions = document.querySelector(".checker__actions");
  if (!table || !total || !actions || !table.rows.length) {
    return;
  }
  var template = table.rows[table.rows.length - 1];
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button--secondary";
  button.textContent = actions.getAttribute("data-add-label");
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var row = template.cloneNode(true);
    row.querySelectorAll("input, select, label").forEach(function (element) {
      ["name", "id", "for"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replace(/members-\d+-/, "members-" + index + "-"));
        }
      });
      if (element.tagName === "INPUT") {
        if (element.type === "checkbox") { element.checked = false; } else { element.value = ""; }
      } else if (element.tagName === "SELECT") {
        element.selectedIndex = 0;
      } else if (element.tagName === "LABEL") {
        element.textContent = element.textContent.replace(/\d+\)$/, (index + 1) + ")");
      }
    });
    table.appendChild(row);
    total.value = index + 1;
    row.querySelector("input").focus();
  });
  actions.insertBefore(button, actions.firstChild);
})();
