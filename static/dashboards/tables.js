// Sorting and filtering for every table.sortable on the page; no dependencies.
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.children[index];
    return cell ? cell.getAttribute("data-sort") || "" : "";
  }
  function compare(a, b, numeric) {
    if (numeric) {
      var x = a === "" ? -Infinity : parseFloat(a), y = b === "" ? -Infinity : parseFloat(b);
      return x - y;
    }
    return a.localeCompare(b);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var index = parseInt(button.getAttribute("data-column"), 10);
        var th = button.parentElement;
        var numeric = /(number|money|change|exact|ratio|percent|points|score|weight)/.test(th.className);
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(cellValue(r1, index), cellValue(r2, index), numeric);
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  // Filtering: each keystroke hides the rows that do not contain the text, and a polite live region says
  // how many rows are left, so a screen reader hears the result without leaving the field.
  document.querySelectorAll("input[data-filter-for]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-for"));
    if (!table) { return; }
    var rows = Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return !row.querySelector("td[colspan]");  // "Nothing to show." is not a row of data
    });
    var status = document.createElement("p");
    status.className = "table-count";
    status.id = table.id + "-count";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var head = input.closest(".table-head") || input.parentElement;
    head.appendChild(status);
    input.setAttribute("aria-describedby", status.id);
    function count(shown) {
      status.textContent = shown + " of " + rows.length + " row" + (rows.length === 1 ? "" : "s") + " shown";
    }
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
        if (!row.hidden) { shown += 1; }
      });
      count(shown);
    });
  });
})();
