// Budget tables (经费预算表): totals recomputed while typing. The server recomputes and checks them on
// save; a cell that is not a plain non-negative amount with the table's decimals is marked and left
// out of the totals until corrected.
(function () {
  "use strict";
  function parse(text, decimals) {
    var t = text.replace(/[,，\s]/g, "");
    if (t === "") return 0;
    var pattern = decimals > 0 ? new RegExp("^\\d+(\\.\\d{1," + decimals + "})?$") : /^\d+$/;
    if (!pattern.test(t)) return null;
    var parts = t.split(".");
    var frac = (parts[1] || "").padEnd(decimals, "0");
    return BigInt(parts[0]) * BigInt(Math.pow(10, decimals)) + BigInt(frac || "0");
  }
  function format(units, decimals) {
    var scale = BigInt(Math.pow(10, decimals));
    var whole = (units / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (decimals === 0) return whole;
    return whole + "." + (units % scale).toString().padStart(decimals, "0");
  }
  function add(map, key, value) { map[key] = (map[key] || 0n) + value; }
  function recompute(table) {
    var decimals = parseInt(table.dataset.decimals || "0", 10);
    var byCategory = {}, byRow = {}, bySource = {}, grand = 0n;
    table.querySelectorAll("input[data-row]").forEach(function (input) {
      var value = parse(input.value, decimals);
      if (value === null) { input.setAttribute("aria-invalid", "true"); return; }
      input.removeAttribute("aria-invalid");
      var d = input.dataset;
      add(byRow, d.row, value);
      if (d.category !== d.row) { add(byCategory, d.category + "\u0000" + d.source, value); add(byRow, d.category, value); }
      add(bySource, d.source, value);
      grand += value;
    });
    table.querySelectorAll("[data-sum-category]").forEach(function (cell) {
      cell.textContent = format(byCategory[cell.dataset.sumCategory + "\u0000" + cell.dataset.source] || 0n, decimals);
    });
    table.querySelectorAll("[data-row-total]").forEach(function (cell) {
      cell.textContent = format(byRow[cell.dataset.rowTotal] || 0n, decimals);
    });
    table.querySelectorAll("[data-source-total]").forEach(function (cell) {
      cell.textContent = format(bySource[cell.dataset.sourceTotal] || 0n, decimals);
    });
    table.querySelectorAll("[data-grand-total]").forEach(function (cell) { cell.textContent = format(grand, decimals); });
  }
  document.addEventListener("input", function (event) {
    var table = event.target.closest && event.target.closest("table[data-budget]");
    if (table && event.target.matches("input[data-row]")) recompute(table);
  });
})();
