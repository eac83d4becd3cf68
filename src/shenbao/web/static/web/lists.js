// Staff lists: select all / none of the rows shown, and say how many are selected.
(function () {
  "use strict";
  function boxes(scope) { return scope.querySelectorAll('input[type="checkbox"][data-row]'); }
  function update(scope) {
    var all = boxes(scope), selected = 0;
    all.forEach(function (box) { if (box.checked) { selected += 1; } });
    scope.querySelectorAll("[data-selected-count]").forEach(function (el) {
      el.textContent = el.dataset.template.replace("{n}", String(selected));
      el.dataset.selected = String(selected);
    });
    scope.querySelectorAll("input[data-select-all]").forEach(function (head) {
      head.checked = all.length > 0 && selected === all.length;
      head.indeterminate = selected > 0 && selected < all.length;
    });
  }
  function setAll(scope, value) {
    boxes(scope).forEach(function (box) { box.checked = value; });
    update(scope);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-select-scope]").forEach(function (scope) {
      scope.querySelectorAll("[data-select-controls]").forEach(function (el) { el.hidden = false; });
      scope.addEventListener("change", function (event) {
        var target = event.target;
        if (target.matches("input[data-select-all]")) { setAll(scope, target.checked); } else if (target.matches("input[data-row]")) { update(scope); }
      });
      scope.querySelectorAll("button[data-select]").forEach(function (button) {
        button.addEventListener("click", function () { setAll(scope, button.dataset.select === "all"); });
      });
      update(scope);
    });
  });
})();
