// Draws each plotly figure on the page from its JSON (a <script type="application/json"> beside a div),
// when the figure comes near the screen: plotly.js (data-plotly, our own static file) is loaded on the
// first one, so a page whose charts are further down is usable before any chart is drawn. Each box keeps
// the figure's height from the start (min-height), so nothing moves when a chart appears.
// No mode bar: its buttons would be Tab stops inside an element that is an image to a screen reader
// (role="img"), and one of them would offer to send the data to a cloud service. The figure's numbers
// are in the table under it ("Data behind …").
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
  if (!boxes.length) { return; }
  var loading = null;

  function plotly(src) {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source) { return; }
    plotly(div.getAttribute("data-plotly")).then(function (Plotly) {
      var figure = JSON.parse(source.textContent);
      var config = { responsive: true, displayModeBar: false, displaylogo: false, showLink: false };
      Plotly.newPlot(div, figure.data, figure.layout || {}, config);
    });
  }

  if (!("IntersectionObserver" in window)) { boxes.forEach(draw); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        // One chart per task: the page stays responsive while several are drawn.
        window.setTimeout(function () { draw(entry.target); }, 0);
      }
    });
  }, { rootMargin: "300px 0px" });
  boxes.forEach(function (div) { observer.observe(div); });
})();
