// A statement archive's page: while a worker renders the quarter's statements, polls the archive's
// progress every second, moves the progress bar and the count, and reloads the page once the ZIP is ready
// or failed (the page alone, reloaded by hand, shows the same without JavaScript).
(function () {
  "use strict";
  var root = document.getElementById("statement-archive");
  if (!root || !window.fetch || root.getAttribute("data-waiting") !== "1") { return; }
  var url = root.getAttribute("data-progress-url");
  var status = document.getElementById("archive-status");
  var bar = document.getElementById("archive-progress");
  var count = document.getElementById("archive-count");

  var timer = window.setInterval(function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (status) { status.textContent = data.label; }
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        if (count) { count.textContent = data.done + " of " + data.total; }
        root.setAttribute("data-status", data.status);
        if (!data.waiting) {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () { /* a missed poll is retried on the next tick */ });
  }, 1000);
})();
