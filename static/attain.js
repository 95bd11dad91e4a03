// Keyboard access to wide tables: a table's scroll box (.table-scroll) that is narrower than its table
// becomes a named, focusable region, so that someone without a mouse can Tab to it and scroll it with the
// arrow keys (WCAG 2.1.1; axe-core's "scrollable-region-focusable"). Boxes holding a link or button of
// their own are left alone: focusing that already scrolls the box.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function label(box) {
    var table = box.querySelector("table");
    var caption = table && table.caption;
    if (caption) { return caption.textContent.trim(); }
    var section = box.closest("section, details, figure");
    var heading = section && section.querySelector("h1, h2, h3, h4, summary, figcaption");
    return heading ? heading.textContent.trim() : "Table";
  }
  function update() {
    var used = {};
    document.querySelectorAll(".table-scroll[data-scroll-focus]").forEach(function (box) {
      used[box.getAttribute("aria-label")] = true;
    });
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      var own = box.getAttribute("data-scroll-focus") === "1";
      var overflows = box.scrollWidth > box.clientWidth + 1;
      var reachable = !own && box.querySelector(FOCUSABLE) !== null;
      if (overflows && !reachable && !own) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var name = label(box) + " (scrolls sideways)";
        for (var n = 2; used[name]; n += 1) { name = label(box) + " (table " + n + ", scrolls sideways)"; }
        used[name] = true;
        box.setAttribute("aria-label", name);
        box.setAttribute("data-scroll-focus", "1");
      } else if (!overflows && own) {
        ["tabindex", "role", "aria-label", "data-scroll-focus"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  });
  document.addEventListener("toggle", update, true);  // a <details> opened shows its table
  // Once the page is laid out and idle: measuring earlier would force a layout of its own.
  function soon() { (window.requestIdleCallback || window.setTimeout)(update); }
  if (document.readyState === "complete") { soon(); } else { window.addEventListener("load", soon); }
})();
