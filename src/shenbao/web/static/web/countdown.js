// Live countdown to a call's deadline, and the deadline in the reader's own time zone.
(function () {
  "use strict";
  function pad(n) { return String(n).padStart(2, "0"); }
  function render(el) {
    var deadline = new Date(el.dataset.deadline);
    var left = deadline.getTime() - Date.now();
    var text;
    if (left <= 0) {
      text = el.dataset.labelClosed;
    } else {
      var s = Math.floor(left / 1000);
      var d = Math.floor(s / 86400); s -= d * 86400;
      var h = Math.floor(s / 3600); s -= h * 3600;
      var m = Math.floor(s / 60); s -= m * 60;
      text = el.dataset.labelLeft + " " + d + el.dataset.unitDays + " " + pad(h) + ":" + pad(m) + ":" + pad(s);
    }
    var local = deadline.toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });
    el.innerHTML = "";
    el.appendChild(document.createTextNode(text));
    var span = document.createElement("span");
    span.className = "local";
    span.textContent = el.dataset.localLabel + " " + local;
    el.appendChild(span);
  }
  function tick() { document.querySelectorAll(".countdown[data-deadline]").forEach(render); }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
