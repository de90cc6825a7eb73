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
  // Tooltips, shown at once next to the pointer: a mark's own SVG <title>, or, for a mark
  // that links to a response, what that response's row of the turns table says.
  var tip = document.getElementById("tip");
  function clip(s, n) { s = s.replace(/\s+/g, " ").trim(); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function rowTip(href) {
    var tr = document.getElementById(href.slice(1));
    if (!tr || tr.cells.length < 8) { return ""; }
    var c = tr.cells, out = [];
    var rid = c[2].querySelector("code.rid");
    if (rid) { out.push(rid.textContent); }
    out.push(clip(c[3].textContent, 160));
    out.push("latency " + (clip(c[4].textContent, 40) || "\u2013"));
    if (clip(c[5].textContent, 40)) { out.push("tokens in / out " + clip(c[5].textContent, 40)); }
    if (clip(c[6].textContent, 40)) { out.push("cost " + clip(c[6].textContent, 40)); }
    out.push("lines " + clip(c[7].textContent, 40));
    var said = Array.prototype.map.call(c[2].querySelectorAll("div"), function (d) { return d.textContent; }).join(" ");
    if (clip(said, 160)) { out.push("\u201c" + clip(said, 160) + "\u201d"); }
    return out.join("\n");
  }
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target;
    if (!(el instanceof SVGElement)) { tip.hidden = true; return; }
    var title = el.querySelector(":scope > title");
    if (title) { el.dataset.tip = title.textContent; title.remove(); }
    var text = el.dataset.tip;
    if (!text) {
      var a = el.closest("a");
      var href = a && a.getAttribute("href");
      if (href && href.charAt(0) === "#") { text = rowTip(href); }
    }
    if (text) { tip.textContent = text; tip.hidden = false; } else { tip.hidden = true; }
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
