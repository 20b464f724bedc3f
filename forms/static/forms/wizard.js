/* Show and hide fields live with the same JSON Logic the server applies (forms/validation.py).
   The server stays the authority: it drops hidden answers whatever the browser did. */
(function () {
  "use strict";
  var dataNode = document.getElementById("logic-data");
  var base = dataNode ? JSON.parse(dataNode.textContent) : {};

  // Italian input as the server reads it (forms/validation.py): "4.500,00", "4500,5", "4.5".
  function number(text) {
    if (text === "" || text === null) return null;
    var typed = String(text).replace(/[\s\u00a0]/g, "");
    if (/^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(typed)) {
      typed = typed.replace(/\./g, "").replace(",", ".");
    } else if (!/^[+-]?\d*\.\d+$/.test(typed)) {
      return null;
    }
    var value = Number(typed);
    return isNaN(value) ? null : value;
  }

  function valueOf(box) {
    var kind = box.getAttribute("data-kind");
    var inputs = box.querySelectorAll("input, select, textarea");
    if (kind === "multichoice") {
      var picked = [];
      inputs.forEach(function (i) { if (i.checked) picked.push(i.value); });
      return picked.length ? picked : null;
    }
    if (kind === "choice" || kind === "boolean") {
      var chosen = null;
      inputs.forEach(function (i) {
        if ((i.type === "radio" && i.checked) || (i.tagName === "SELECT" && i.value)) chosen = i.value;
      });
      if (kind === "boolean" && chosen !== null) return chosen === "true";
      return chosen;
    }
    if (kind === "address") {
      var parts = {};
      inputs.forEach(function (i) { if (i.value) parts[i.name.split("__").pop()] = i.value; });
      return Object.keys(parts).length ? parts : null;
    }
    var input = inputs[0];
    if (!input || input.type === "file") return null;
    var text = input.value.trim();
    if (kind === "integer" || kind === "decimal") return number(text);
    if (kind === "tax_code") return text ? text.toUpperCase() : null;
    return text || null;
  }

  function fieldsIn(scope, rowScoped) {
    var values = {};
    scope.querySelectorAll("[data-key][data-kind]").forEach(function (box) {
      var inRow = box.parentElement.closest("[data-row]");
      if (!!inRow !== rowScoped) return;
      if (rowScoped && inRow !== scope) return;
      if (box.getAttribute("data-kind") === "group" || box.getAttribute("data-kind") === "note") return;
      values[box.getAttribute("data-key")] = box.hidden ? null : valueOf(box);
    });
    return values;
  }

  function update() {
    var form = document.getElementById("wizard-form") || document.querySelector("main form");
    if (!form) return;
    var data = Object.assign({}, base, fieldsIn(form, false));
    form.querySelectorAll("[data-group]").forEach(function (row) {
      var key = row.getAttribute("data-group");
      (data[key] = data[key] || []).push(fieldsIn(row, true));
    });
    form.querySelectorAll("[data-visible-if]").forEach(function (box) {
      var rule = box.getAttribute("data-visible-if");
      if (!rule) return;
      var scope = data;
      var row = box.closest("[data-row]");
      if (row && row !== box) {
        scope = Object.assign({}, data, { row: fieldsIn(row, true), row_index: Number(row.getAttribute("data-row")) });
      }
      var shown;
      try { shown = jsonLogic.truthy(jsonLogic.apply(JSON.parse(rule), scope)); } catch (e) { shown = true; }
      box.hidden = !shown;
    });
    // computed values shown read-only, e.g. an age from the birth date
    form.querySelectorAll("[data-computed]").forEach(function (box) {
      var input = box.querySelector("input");
      var row = box.closest("[data-row]");
      var scope = row ? Object.assign({}, data, { row: fieldsIn(row, true) }) : data;
      try {
        var value = jsonLogic.apply(JSON.parse(box.getAttribute("data-computed")), scope);
        var none = value === null || value === undefined || (typeof value === "number" && !isFinite(value));
        input.value = none ? "" : value;  // NaN or Infinity is no answer, as on the server
      } catch (e) { /* the server computes it anyway */ }
    });
  }

  document.addEventListener("input", update);
  document.addEventListener("change", update);
  document.addEventListener("DOMContentLoaded", update);
  update();
})();
