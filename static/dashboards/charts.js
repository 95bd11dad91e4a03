// Draws every plotly figure on the page from its JSON (a <script type="application/json"> beside a div).
// No mode bar: its buttons would be Tab stops inside an element that is an image to a screen reader
// (role="img"), and one of them would offer to send the data to a cloud service. The figure's numbers
// are in the table under it ("Data behind …").
(function () {
  "use strict";
  document.querySelectorAll("[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var config = { responsive: true, displayModeBar: false, displaylogo: false, showLink: false };
    window.Plotly.newPlot(div, figure.data, figure.layout || {}, config);
  });
})();
