/* On a phone, each row of a table reads as a card: every cell is labelled with its column's
   heading. The headings are copied into data-label attributes, which operator.css shows before
   each cell below 576 px; without this script the table scrolls within itself instead.
   A table marked .table-scroll (wide figures best read across) is left as a table. */
(function () {
  "use strict";
  function label(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return; }
    var names = [];
    Array.prototype.forEach.call(head.rows[head.rows.length - 1].cells, function (cell) {
      for (var span = 0; span < (cell.colSpan || 1); span += 1) { names.push(cell.textContent.trim()); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[column]) { cell.setAttribute("data-label", names[column]); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("table-cards");
  }
  document.querySelectorAll("main table:not(.table-scroll)").forEach(label);
})();
