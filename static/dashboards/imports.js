// An import job's page: while a worker checks or writes the file, polls the job's progress every second,
// shows its status and stage, and reloads the page once the step is done (the page alone, reloaded by
// hand, shows the same without JavaScript).
(function () {
  "use strict";
  var root = document.getElementById("import-job");
  if (!root || !window.fetch || root.getAttribute("data-waiting") !== "1") { return; }
  var url = root.getAttribute("data-progress-url");
  var status = document.getElementById("job-status");
  var stage = document.getElementById("job-stage");

  var timer = window.setInterval(function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (status) { status.textContent = data.label; }
        if (stage) { stage.textContent = data.stage; }
        root.setAttribute("data-status", data.status);
        if (!data.waiting) {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () { /* a missed poll is retried on the next tick */ });
  }, 1000);
})();
