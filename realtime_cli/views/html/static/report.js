// rtcheck report: folded sessions, sortable sessions table, instant tooltips.
// Log text is only ever read and written as textContent: nothing from the log becomes markup.
(function () {
  "use strict";
  // Folded sessions keep their charts in a <template> until opened (a log of hundreds of
  // sessions must not lay out hundreds of charts).
  function unfold(details) {
    var tpl = details.querySelector(":scope > .body > template.charts");
    if (tpl) { tpl.replaceWith(tpl.content.cloneNode(true)); }
  }
  document.querySelectorAll("details.session").forEach(function (d) {
    if (d.open) { unfold(d); }
    d.addEventListener("toggle", function () { if (d.open) { unfold(d); } });
  });
  // Following a link into a folded session opens it first.
  function reveal(hash) {
    if (!hash || hash.length < 2) { return; }
    var el = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!el) { return; }
    var d = el.closest("details.session");
    if (d && !d.open) { d.open = true; unfold(d); }
    el.scrollIntoView({block: "center"});
  }
  window.addEventListener("hashchange", function () { reveal(location.hash); });
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[href^='#']");
    if (a) { var h = a.getAttribute("href"); if (h === location.hash) { reveal(h); } }
  });
  reveal(location.hash);
  // Sortable tables: a header click sorts by the cells' data-v (numbers) or their text.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.dataset.sort === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (tr) {
          var td = tr.cells[col];
          var v = td.dataset.v !== undefined ? td.dataset.v : td.textContent;
          return num ? parseFloat(v) || 0 : v.toLowerCase();
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  });
  // Tooltips: the SVG <title> of a mark, shown at once next to the pointer.
  var tip = document.getElementById("tip");
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target;
    if (!(el instanceof SVGElement)) { tip.hidden = true; return; }
    var title = el.querySelector(":scope > title");
    if (title) { el.dataset.tip = title.textContent; title.remove(); }
    if (el.dataset.tip) { tip.textContent = el.dataset.tip; tip.hidden = false; } else { tip.hidden = true; }
  });
  document.addEventListener("mousemove", function (ev) {
    if (tip.hidden) { return; }
    var x = ev.clientX + 14, y = ev.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = ev.clientX - w - 10; }
    if (y + h > window.innerHeight - 4) { y = ev.clientY - h - 10; }
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  });
})();
