// Choices that follow the responsible institution (jss.actions.forms.GroupedSelect): once an institution is
// chosen, only its caseworkers and services are offered; the other institutions' are hidden, and a choice of
// theirs made before is cleared. A form the server sent back with such a choice keeps it in view beside the
// field's message until the institution changes. Without script every option stays, grouped by institution,
// and the server refuses a person or service of another institution with a message on the field.
(function () {
  "use strict";
  var LEADER = "select[name$=institution]:not([data-follows])";

  function follow(form, initial) {
    var institution = form.querySelector(LEADER);
    if (!institution) return;
    var chosen = institution.value;
    form.querySelectorAll("select[data-follows=institution]").forEach(function (select) {
      select.querySelectorAll("option[data-group]").forEach(function (option) {
        var other = chosen !== "" && option.dataset.group !== chosen;
        if (other && option.selected) {
          if (initial) return;
          select.value = "";
        }
        option.hidden = other;
        option.disabled = other;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    });
  }

  function followWithin(root) {
    if (root.matches && root.matches("form")) follow(root, true);
    if (root.querySelectorAll) root.querySelectorAll("form").forEach(function (form) { follow(form, true); });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(LEADER) && event.target.form) follow(event.target.form, false);
  });
  document.addEventListener("DOMContentLoaded", function () { followWithin(document); });
  document.addEventListener("htmx:load", function (event) { followWithin(event.target); });
})();
