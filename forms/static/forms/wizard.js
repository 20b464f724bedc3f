/* Show and hide fields live with the same JSON Logic the server applies (forms/validation.py).
   The server stays the authority: it drops hidden answers whatever the browser did. */
(function () {
  "use strict";
  var dataNode = document.getElementById("logic-data");
  var base = dataNode ? JSON.parse(dataNode.textContent) : {};

  var number = SisoLogic.number;  // logic-run.js: the app applies the same rules

  function valueOf(box) {
    var kind = box.getAttribute("data-kind");
    var inputs = box.querySelectorAll("input, select, textarea");
    if (kind === "multichoice" || kind === "rank") {
      if (kind === "rank") {  // an order nobody moved nor accepted is no answer (as in ODK)
        var accepted = box.querySelector("[data-ranked]");
        if (accepted && !accepted.checked) return null;
        var order = [];
        inputs.forEach(function (i) { if (i.type === "hidden") order.push(i.value); });
        return order.length ? order : null;
      }
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
    if (kind === "geopoint") {
      var point = {};
      inputs.forEach(function (i) {
        var value = number(i.value);
        if (value !== null) point[i.getAttribute("data-geo")] = value;
      });
      return point.lat !== undefined && point.lon !== undefined ? point : null;
    }
    if (kind === "address") {
      var parts = {};
      inputs.forEach(function (i) { if (i.value) parts[i.name.split("__").pop()] = i.value; });
      return Object.keys(parts).length ? parts : null;
    }
    var input = inputs[0];
    if (!input || input.type === "file") return null;
    var text = input.value.trim();
    if (kind === "integer" || kind === "decimal" || kind === "range") return number(text);
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

  // Cascading selects: an option whose columns the field's choice_filter leaves out is hidden
  // (and unpicked); the server checks the same filter again.
  function filterChoices(form, data) {
    form.querySelectorAll("[data-choice-filter]").forEach(function (box) {
      var rule = JSON.parse(box.getAttribute("data-choice-filter"));
      box.querySelectorAll("[data-choice]").forEach(function (option) {
        var scope = Object.assign({}, data, { choice: JSON.parse(option.getAttribute("data-choice")) });
        var keep;
        try { keep = jsonLogic.truthy(jsonLogic.apply(rule, scope)); } catch (e) { keep = true; }
        var holder = option.tagName === "OPTION" ? option : option.closest("div") || option;
        holder.hidden = !keep;
        option.disabled = !keep;
        if (!keep && (option.checked || option.selected)) {
          option.checked = false;
          option.selected = false;
        }
      });
    });
  }

  function update() {
    var form = document.getElementById("wizard-form") || document.querySelector("main form");
    if (!form) return;
    var data = Object.assign({}, base, fieldsIn(form, false));
    filterChoices(form, data);
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
      box.hidden = !SisoLogic.visible(rule, scope);
    });
    // computed values shown read-only, e.g. an age from the birth date
    form.querySelectorAll("[data-computed]").forEach(function (box) {
      var input = box.querySelector("input");
      var row = box.closest("[data-row]");
      var scope = row ? Object.assign({}, data, { row: fieldsIn(row, true) }) : data;
      var value = SisoLogic.computed(box.getAttribute("data-computed"), scope);
      if (value !== undefined) input.value = value === null ? "" : value;  // NaN or Infinity is no answer
    });
  }

  // A range: the hidden answer and the number shown follow the slider.
  document.addEventListener("input", function (event) {
    var slider = event.target;
    if (!slider.matches || !slider.matches("[data-range]")) return;
    var box = slider.closest("[data-kind]");
    box.querySelector("[data-range-value]").value = slider.value;
    box.querySelector("output").textContent = slider.value.replace(".", ",");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-move], [data-geolocate]");
    if (!button) return;
    if (button.hasAttribute("data-move")) {  // rank: move the choice up or down
      var item = button.closest("li");
      var other = button.getAttribute("data-move") === "-1" ? item.previousElementSibling : item.nextElementSibling;
      if (!other) return;
      if (button.getAttribute("data-move") === "-1") item.parentNode.insertBefore(item, other);
      else item.parentNode.insertBefore(other, item);
      var accepted = button.closest("[data-kind]").querySelector("[data-ranked]");
      if (accepted) accepted.checked = true;  // moving a choice is ranking
      button.focus();
      update();
      return;
    }
    var box = button.closest("[data-kind]");  // geopoint: the device's position
    var status = box.querySelector("[data-geo-status]");
    if (!navigator.geolocation) { status.textContent = box.getAttribute("data-geo-failed"); return; }
    status.textContent = box.getAttribute("data-geo-searching");
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      var values = { lat: c.latitude, lon: c.longitude, alt: c.altitude, accuracy: c.accuracy };
      box.querySelectorAll("[data-geo]").forEach(function (input) {
        var value = values[input.getAttribute("data-geo")];
        input.value = value === null || value === undefined ? "" : String(value).replace(".", ",");
      });
      status.textContent = box.getAttribute("data-geo-found");
      update();
    }, function () {
      status.textContent = box.getAttribute("data-geo-failed");
    }, { enableHighAccuracy: true, timeout: 20000 });
  });

  document.addEventListener("input", update);
  document.addEventListener("change", update);
  document.addEventListener("DOMContentLoaded", update);
  update();
})();
