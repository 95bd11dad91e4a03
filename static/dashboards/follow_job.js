// A background job's page (an import job, a statement archive): while a worker runs its step, polls the
// job's progress (the root's data-progress-url) every second, writes each answered field into the
// elements that name it (data-progress-field="label" | "stage" | "count"; a <progress> takes "percent"),
// and reloads the page once the step is done (the page alone, reloaded by hand, shows the same without
// JavaScript). The root is the element with data-follow-job; it polls only with data-waiting="1".
(function () {
  "use strict";
  var root = document.querySelector("[data-follow-job]");
  if (!root || !window.fetch || root.getAttribute("data-waiting") !== "1") { return; }
  var url = root.getAttribute("data-progress-url");
  var fields = root.querySelectorAll("[data-progress-field]");

  function show(data) {
    fields.forEach(function (element) {
      var name = element.getAttribute("data-progress-field");
      if (name === "percent") {
        element.value = data.percent;
        element.textContent = data.percent + "%";
      } else if (name === "count") {
        element.textContent = data.done + " of " + data.total;
      } else if (data[name] !== undefined) {
        element.textContent = data[name];
      }
    });
  }

  var timer = window.setInterval(function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        root.setAttribute("data-status", data.status);
        if (!data.waiting) {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () { /* a missed poll is retried on the next tick */ });
  }, 1000);
})();
