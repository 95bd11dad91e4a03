// Draws every plotly figure on the page from its JSON (a <script type="application/json"> beside a div).
(function () {
  "use strict";
  document.querySelectorAll("[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var config = { responsive: true, displaylogo: false };
    window.Plotly.newPlot(div, figure.data, figure.layout || {}, config);
  });
})();
