// The quarter console: moves the progress bar of every running run by polling its progress every
// second and reloads the page when the run is done; after "Calculate" it waits for the queued run.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root || !window.fetch) { return; }
  var progressUrl = root.getAttribute("data-progress-url");
  var periodRunsUrl = root.getAttribute("data-period-runs-url");
  var WAIT_LIMIT = 60; // seconds to wait for a queued calculation's run before saying so

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function follow(row) {
    var id = row.getAttribute("data-run-id");
    var url = progressUrl.replace("/0/", "/" + id + "/");
    var bar = row.querySelector("progress");
    var text = row.querySelector(".progress-text");
    var status = row.querySelector(".run-status");
    var timer = window.setInterval(function () {
      getJSON(url).then(function (data) {
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
        if (text) { text.textContent = data.progress + "%"; }
        if (status) { status.textContent = data.status; }
        row.setAttribute("data-run-status", data.status);
        if (data.status !== "running") {
          window.clearInterval(timer);
          window.location.reload();
        }
      }).catch(function () { /* a missed poll is retried on the next tick */ });
    }, 1000);
  }

  document.querySelectorAll("tr[data-run-status='running']").forEach(follow);

  var after = root.getAttribute("data-waiting-after");
  if (after !== null) {
    var since = parseInt(after, 10);
    var ticks = 0;
    var waiting = window.setInterval(function () {
      ticks += 1;
      if (ticks > WAIT_LIMIT) {
        window.clearInterval(waiting);
        var note = document.getElementById("waiting");
        if (note) {
          note.textContent = "No new run yet: the inputs may be unchanged since the last run (no new run is " +
            "made then), or the worker is busy. Reload the page to check again.";
        }
        return;
      }
      getJSON(periodRunsUrl).then(function (data) {
        if (data.runs.some(function (run) { return run.id > since; })) {
          window.clearInterval(waiting);
          window.location.reload();
        }
      }).catch(function () { /* retried on the next tick */ });
    }, 1000);
  }
})();
