// The report's only script: sortable tables and the clause filter. The page reads fine
// without it; it writes nothing to the console (the browser test fails on any console line).
(function () {
  "use strict";
  function cellValue(row, i) {
    var c = row.cells[i];
    if (!c) return "";
    var v = c.getAttribute("data-value");
    return v === null ? c.textContent.trim() : v;
  }
  function sortBy(table, i, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a, i), y = cellValue(b, i);
      var nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (t) {
    if (!t.tHead) return;
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
      th.title = "sort by this column";
      th.addEventListener("click", function () { sortBy(t, i, th); });
    });
  });
  var only = document.getElementById("only-gaps");
  if (only) {
    only.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll("#clause-table tbody tr"), function (r) {
        r.hidden = only.checked && !r.classList.contains("gap");
      });
    });
  }
  document.body.setAttribute("data-ready", "1");
})();
