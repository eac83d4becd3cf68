// Call editor: show only the parameters of the chosen kind of eligibility rule.
(function () {
  "use strict";
  function sync(select) {
    var form = select.form;
    if (!form) { return; }
    var groups = form.querySelectorAll("[data-rule-params]");
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = select.value !== "" && groups[i].getAttribute("data-rule-params") !== select.value;
      if (select.value === "") { groups[i].hidden = true; }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-rule-kind]");
    for (var i = 0; i < selects.length; i++) {
      sync(selects[i]);
      selects[i].addEventListener("change", function (event) { sync(event.target); });
    }
  });
})();
