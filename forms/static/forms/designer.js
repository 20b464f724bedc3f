/* The questionnaire designer (forms/designer.py): edits the canonical schema in memory, shows a
   live preview evaluated with the wizard's JSON Logic (vendor/logic.js + logic-ops.js) and
   posts the whole schema back. The server checks it before saving anything.
   Texts come from the page (#qd-text), never from this file. No build step. */
(function () {
  "use strict";
  // wagtail's admin loads page scripts in <head>: start once the page is parsed.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  function start() {
  function data(id) { var node = document.getElementById(id); return node ? JSON.parse(node.textContent) : null; }
  var schema = data("qd-schema");
  var setup = data("qd-setup");
  var T = data("qd-text");
  if (!schema || !setup) return;

  var KIND_NAMES = {};
  setup.kinds.forEach(function (k) { KIND_NAMES[k.kind] = k.label; });
  var NUMBERS = ["integer", "decimal", "range"];
  var WITH_CHOICES = setup.with_choices || ["choice", "multichoice"];
  var SELECTS = ["choice", "multichoice"]; // may offer "Altro" and depend on another answer
  var OTHER = setup.other || { value: "other", label: { it: "Altro" }, text: { it: "Specificare altro" } };
  // The kinds the condition builder knows by name; others compare as the kind they resemble.
  var BUILDER_TYPES = ["integer", "decimal", "text", "date", "boolean", "choice", "multichoice"];
  var BUILDER_ALIASES = { range: "decimal", rank: "multichoice" };
  // Kinds whose default answer the panel offers, and the input it is typed in.
  var DEFAULT_INPUTS = { text: "text", textarea: "text", email: "email", phone: "text", tax_code: "text", date: "date", time: "time", datetime: "datetime-local" };
  var WITH_MIN_MAX = ["integer", "decimal", "date", "multichoice", "group"];
  var nextId = 1;
  var state = { selected: null, dirty: false, errors: [], revision: setup.revision, previewStep: 0, answers: {}, addKind: {} };

  // ---- model ------------------------------------------------------------------------------
  function it(pair) { return pair && typeof pair === "object" ? (pair.it || "") : (pair || ""); }
  function pair(text, old) { return { it: text, en: (old && old.en) || "" }; }

  function prepare(spec) {
    spec._id = nextId++;
    spec._keyLocked = true; // keys already saved are referenced elsewhere: never renamed silently
    (spec.fields || []).forEach(prepare);
  }
  schema.steps.forEach(function (step) { step._id = nextId++; step._keyLocked = true; step.fields = step.fields || []; step.fields.forEach(prepare); });

  function slug(text) {
    var s = String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40).replace(/_+$/, "");
    if (!s || !/^[a-z]/.test(s)) s = "campo" + (s ? "_" + s : "");
    return s;
  }
  function allFields() {
    var out = [];
    schema.steps.forEach(function (step) {
      step.fields.forEach(function (f) { out.push(f); (f.fields || []).forEach(function (c) { out.push(c); }); });
    });
    return out;
  }
  function uniqueKey(base, except, taken) {
    var used = {};
    (taken || allFields()).forEach(function (f) { if (f !== except) used[f.key] = true; });
    var key = base, n = 2;
    while (used[key]) { key = base + "_" + n; n += 1; }
    return key;
  }
  function renameVar(expression, from, to) {
    if (Array.isArray(expression)) return expression.map(function (e) { return renameVar(e, from, to); });
    if (expression && typeof expression === "object") {
      var out = {};
      Object.keys(expression).forEach(function (op) {
        var arg = expression[op];
        if (op === "var") {
          var name = Array.isArray(arg) ? arg[0] : arg;
          if (typeof name === "string" && (name === from || name.indexOf(from + ".") === 0)) {
            name = to + name.slice(from.length);
            arg = Array.isArray(arg) ? [name].concat(arg.slice(1)) : name;
          }
          out[op] = arg;
        } else {
          out[op] = renameVar(arg, from, to);
        }
      });
      return out;
    }
    return expression;
  }
  function setKey(spec, key) {
    var old = spec.key;
    if (old === key) return;
    spec.key = key;
    if (!old) return;
    var rename = function (holder) {
      ["visible_if", "computed"].forEach(function (name) { if (holder[name] != null) holder[name] = renameVar(holder[name], old, key); });
      if (holder.required && typeof holder.required === "object") holder.required = renameVar(holder.required, old, key);
      ((holder.validations || {}).rules || []).forEach(function (r) { if (r.rule != null) r.rule = renameVar(r.rule, old, key); });
      if (holder.choice_filter != null) {
        // a cascade reads the parent's answer and the choices' column named after it
        holder.choice_filter = renameVar(renameVar(holder.choice_filter, old, key), "choice." + old, "choice." + key);
        (holder.choices || []).forEach(function (c) {
          if (c.columns && Object.prototype.hasOwnProperty.call(c.columns, old)) { c.columns[key] = c.columns[old]; delete c.columns[old]; }
        });
      }
    };
    schema.steps.forEach(rename);
    allFields().forEach(rename);
  }
  function newField(kind) {
    var spec = { _id: nextId++, key: "", kind: kind, label: { it: "", en: "" } };
    if (kind === "hidden") {
      spec.default = "";
      spec.computed = null;
    } else if (kind !== "note") {
      Object.assign(spec, { help: { it: "", en: "" }, required: false, visible_if: null, computed: null, prefill: null, validations: {} });
    } else {
      spec.visible_if = null;
    }
    if (WITH_CHOICES.indexOf(kind) >= 0) spec.choices = [];
    if (kind === "decimal") spec.decimal_places = 2;
    if (kind === "range") { spec.start = 0; spec.end = 10; spec.step = 1; }
    if (kind === "group") { spec.fields = []; spec.min_rows = null; spec.max_rows = null; }
    spec.label.it = KIND_NAMES[kind] || kind;
    spec.key = uniqueKey(slug(spec.label.it));
    return spec;
  }
  function locate(id) {
    for (var s = 0; s < schema.steps.length; s++) {
      var step = schema.steps[s];
      if (step._id === id) return { step: step, list: schema.steps, index: s, isStep: true };
      for (var i = 0; i < step.fields.length; i++) {
        var f = step.fields[i];
        if (f._id === id) return { step: step, list: step.fields, index: i, field: f, group: null };
        var children = f.fields || [];
        for (var j = 0; j < children.length; j++) {
          if (children[j]._id === id) return { step: step, list: children, index: j, field: children[j], group: f };
        }
      }
    }
    return null;
  }
  function changed() {
    state.dirty = true;
    status(T.unsaved);
  }

  // ---- small DOM helpers ------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), value);
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return node;
  }
  function fmt(template, values) { return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; }); }
  function status(text) { document.getElementById("qd-status").textContent = text || ""; }
  var uid = 0;
  function fieldId() { uid += 1; return "qd-input-" + uid; }

  // ---- palette ----------------------------------------------------------------------------
  function renderPalette() {
    var list = document.getElementById("qd-kinds");
    setup.kinds.forEach(function (k) {
      var button = el("button", {
        type: "button", class: "qd-kind", draggable: "true", "data-kind": k.kind,
        "aria-label": fmt(T.add_kind, { kind: k.label }),
        onclick: function () { addField(k.kind); },
        ondragstart: function (event) { event.dataTransfer.setData("text/x-qd-kind", k.kind); event.dataTransfer.effectAllowed = "copy"; }
      }, [k.label]);
      list.appendChild(el("li", {}, [button]));
    });
  }

  // Where a new field goes: after the selected field (in its list), else at the end of the
  // selected step, else at the end of the last step.
  function addField(kind, target) {
    var spec = newField(kind);
    var place = target;
    if (!place) {
      var where = state.selected ? locate(state.selected) : null;
      if (where && where.isStep) place = { list: where.step.fields, index: where.step.fields.length };
      else if (where && kind !== "group" && where.field.kind === "group") place = { list: where.field.fields, index: where.field.fields.length };
      else if (where && !(kind === "group" && where.group)) place = { list: where.list, index: where.index + 1 };
      else if (where) place = { list: where.step.fields, index: where.step.fields.length };
      else {
        if (!schema.steps.length) addStep(true);
        var last = schema.steps[schema.steps.length - 1];
        place = { list: last.fields, index: last.fields.length };
      }
    }
    place.list.splice(place.index, 0, spec);
    state.selected = spec._id;
    changed();
    render();
    status(fmt(T.added, { label: it(spec.label) }));
    focusPanel();
  }
  function addStep(silent) {
    var n = schema.steps.length + 1;
    var title = fmt(T.step_n, { n: n });
    var keys = schema.steps.map(function (s) { return { key: s.key }; });
    var step = { _id: nextId++, key: uniqueKey(slug(title), null, keys), title: { it: title, en: "" }, visible_if: null, fields: [] };
    schema.steps.push(step);
    state.selected = step._id;
    if (silent === true) return;
    changed();
    render();
  }
  function focusPanel() {
    var first = document.querySelector("#qd-panel-body input, #qd-panel-body select");
    if (first) first.focus();
  }

  // ---- canvas -----------------------------------------------------------------------------
  function errorsFor(stepKey, fieldKey) {
    return state.errors.filter(function (e) { return e.step === stepKey && e.field === fieldKey; });
  }
  function errorList(found) {
    if (!found.length) return null;
    return el("ul", { class: "qd-error" }, found.map(function (e) { return el("li", { text: e.message }); }));
  }
  function badges(spec) {
    var out = [KIND_NAMES[spec.kind] || spec.kind];
    if (spec.required === true) out.push(T.badge_required);
    else if (spec.required) out.push(T.badge_required_when);
    if (spec.visible_if) out.push(T.badge_conditional);
    if (spec.computed) out.push(T.badge_computed);
    return out.join(" · ");
  }
  function moveButtons(list, index, name, onmove) {
    return [
      el("button", { type: "button", class: "button button-small button-secondary", "aria-label": fmt(T.move_up_named, { name: name }), disabled: index === 0 ? true : null, onclick: function () { onmove(-1); } }, [T.move_up]),
      el("button", { type: "button", class: "button button-small button-secondary", "aria-label": fmt(T.move_down_named, { name: name }), disabled: index === list.length - 1 ? true : null, onclick: function () { onmove(1); } }, [T.move_down])
    ];
  }
  function move(list, index, delta) {
    var to = index + delta;
    if (to < 0 || to >= list.length) return;
    var item = list.splice(index, 1)[0];
    list.splice(to, 0, item);
    changed();
    render();
    var card = document.querySelector('[data-id="' + item._id + '"] .qd-card__select');
    if (card) card.focus();
  }
  function remove(list, index, name) {
    if (!window.confirm(fmt(T.confirm_remove, { name: name }))) return;
    list.splice(index, 1);
    state.selected = null;
    changed();
    render();
  }

  function fieldCard(spec, list, index, step) {
    var name = it(spec.label) || spec.key;
    var card = el("li", { class: "qd-card" + (state.selected === spec._id ? " is-selected" : ""), "data-id": spec._id, "data-key": spec.key, draggable: "true",
      ondragstart: function (event) { event.stopPropagation(); event.dataTransfer.setData("text/x-qd-move", String(spec._id)); event.dataTransfer.effectAllowed = "move"; }
    }, [
      el("button", { type: "button", class: "qd-card__select", "aria-pressed": state.selected === spec._id ? "true" : "false", onclick: function () { select(spec._id); } }, [
        el("span", { class: "qd-card__label", text: name }),
        el("span", { class: "qd-card__meta", text: badges(spec) })
      ]),
      el("div", { class: "qd-card__actions" }, moveButtons(list, index, name, function (d) { move(list, index, d); }).concat([
        el("button", { type: "button", class: "button button-small button-secondary no", "aria-label": fmt(T.remove_named, { name: name }), onclick: function () { remove(list, index, name); } }, [T.remove])
      ])),
      errorList(errorsFor(step.key, spec.key))
    ]);
    if (spec.kind === "group") {
      card.appendChild(fieldList(spec.fields, step, spec));
    }
    return card;
  }
  function fieldList(list, step, group) {
    var ul = el("ul", { class: "qd-fields" + (group ? " qd-fields--group" : ""), "aria-label": group ? fmt(T.fields_of_group, { name: it(group.label) }) : fmt(T.fields_of_step, { name: it(step.title) }) });
    list.forEach(function (spec, index) { ul.appendChild(fieldCard(spec, list, index, step)); });
    ul.appendChild(el("li", { class: "qd-fields__add" }, [addFieldControl(list, step, group)]));
    dropTarget(ul, list, !!group);
    return ul;
  }
  // "Aggiungi campo" without dragging: choose a kind, then add it at the end of this list.
  function addFieldControl(list, step, group) {
    var id = fieldId();
    var owner = (group || step)._id;
    var chosen = state.addKind[owner];
    // the choice survives the canvas being redrawn while the user edits elsewhere
    var select = el("select", { id: id, onchange: function (event) { state.addKind[owner] = event.target.value; } }, setup.kinds.filter(function (k) { return !group || k.kind !== "group"; }).map(function (k) {
      return el("option", { value: k.kind, text: k.label, selected: k.kind === chosen ? true : null });
    }));
    return el("div", { class: "qd-add" }, [
      el("label", { for: id, class: "qd-add__label", text: group ? fmt(T.kind_in_group, { name: it(group.label) }) : fmt(T.kind_in_step, { name: it(step.title) }) }),
      select,
      el("button", { type: "button", class: "button button-small", "data-action": "add-field", onclick: function () { addField(select.value, { list: list, index: list.length }); } }, [T.add_field])
    ]);
  }
  function dropIndex(ul, y) {
    var cards = Array.prototype.filter.call(ul.children, function (c) { return c.classList.contains("qd-card"); });
    for (var i = 0; i < cards.length; i++) {
      var box = cards[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) return i;
    }
    return cards.length;
  }
  function dropTarget(ul, list, inGroup) {
    ul.addEventListener("dragover", function (event) {
      var types = Array.prototype.slice.call(event.dataTransfer.types || []);
      if (types.indexOf("text/x-qd-kind") < 0 && types.indexOf("text/x-qd-move") < 0) return;
      event.preventDefault();
      event.stopPropagation();
      ul.classList.add("is-drop");
    });
    ul.addEventListener("dragleave", function () { ul.classList.remove("is-drop"); });
    ul.addEventListener("drop", function (event) {
      event.preventDefault();
      event.stopPropagation();
      ul.classList.remove("is-drop");
      var index = dropIndex(ul, event.clientY);
      var kind = event.dataTransfer.getData("text/x-qd-kind");
      if (kind) {
        if (inGroup && kind === "group") return;
        addField(kind, { list: list, index: index });
        return;
      }
      var where = locate(Number(event.dataTransfer.getData("text/x-qd-move")));
      if (!where || where.isStep || (inGroup && where.field.kind === "group")) return;
      var item = where.list.splice(where.index, 1)[0];
      if (where.list === list && where.index < index) index -= 1;
      list.splice(index, 0, item);
      changed();
      render();
    });
  }

  function renderSteps() {
    var box = document.getElementById("qd-steps");
    box.textContent = "";
    schema.steps.forEach(function (step, index) {
      var title = it(step.title) || step.key;
      var section = el("section", { class: "qd-step" + (state.selected === step._id ? " is-selected" : ""), "data-id": step._id, "aria-label": title }, [
        el("div", { class: "qd-step__head" }, [
          el("h3", {}, [el("button", { type: "button", class: "qd-card__select qd-step__select", "aria-pressed": state.selected === step._id ? "true" : "false", onclick: function () { select(step._id); } }, [
            el("span", { class: "qd-card__label", text: title }),
            el("span", { class: "qd-card__meta", text: step.visible_if ? T.badge_conditional : "" })
          ])]),
          el("div", { class: "qd-card__actions" }, moveButtons(schema.steps, index, title, function (d) { move(schema.steps, index, d); }).concat([
            el("button", { type: "button", class: "button button-small button-secondary no", "aria-label": fmt(T.remove_named, { name: title }), onclick: function () { remove(schema.steps, index, title); } }, [T.remove])
          ]))
        ]),
        errorList(errorsFor(step.key, null)),
        fieldList(step.fields, step, null)
      ]);
      box.appendChild(section);
    });
  }

  function select(id) {
    state.selected = id;
    var where = locate(id);
    if (where) state.previewStep = schema.steps.indexOf(where.step);
    render();
    focusPanel();
  }

  // ---- side panel -------------------------------------------------------------------------
  function row(labelText, control, help) {
    if (!control.id) control.id = fieldId();
    return el("div", { class: "qd-prop" }, [el("label", { for: control.id, text: labelText }), control, help ? el("p", { class: "help", text: help }) : null]);
  }
  function input(value, oninput, attrs) {
    return el("input", Object.assign({ type: "text", value: value == null ? "" : String(value), oninput: function (event) { oninput(event.target.value); } }, attrs || {}));
  }
  function selectBox(options, value, onchange) {
    var box = el("select", { onchange: function (event) { onchange(event.target.value); } }, options.map(function (o) {
      return el("option", { value: o[0], text: o[1], selected: String(o[0]) === String(value || "") ? true : null });
    }));
    return box;
  }
  // The canvas is redrawn a moment after the panel changes. Never between a press and its
  // release: the redraw would replace the node under the pointer and the click would be lost
  // (a slow tablet shows it). A redraw due meanwhile waits for the click to be handled.
  // A drag may end without a pointerup: a press counts for a second at most.
  var pointerHeld = false, pressedAt = 0, redrawWaiting = false;
  function redrawCanvas() {
    if (pointerHeld && Date.now() - pressedAt < 1000) { redrawWaiting = true; setTimeout(redrawCanvas, 200); return; }
    pointerHeld = false; redrawWaiting = false;
    renderSteps(); renderPreview();
  }
  document.addEventListener("pointerdown", function () { pointerHeld = true; pressedAt = Date.now(); }, true);
  ["pointerup", "pointercancel", "dragend", "drop"].forEach(function (type) {
    document.addEventListener(type, function () {
      pointerHeld = false;
      if (redrawWaiting) setTimeout(redrawCanvas, 0); // after the click that follows
    }, true);
  });
  function refreshCanvasSoon() {
    clearTimeout(refreshCanvasSoon.timer);
    refreshCanvasSoon.timer = setTimeout(redrawCanvas, 150);
  }
  function vocabulary(except, group) {
    var out = [];
    schema.steps.forEach(function (step) {
      step.fields.forEach(function (f) {
        if (f === except || f.kind === "note" || f.kind === "group") return;
        out.push(term(f.key, f));
      });
    });
    if (group) {
      group.fields.forEach(function (f) { if (f !== except && f.kind !== "note") out.push(term("row." + f.key, f)); });
    }
    return out;
  }
  function builderType(kind) { return BUILDER_TYPES.indexOf(kind) >= 0 ? kind : BUILDER_ALIASES[kind] || "text"; }
  function choicesOf(f) {
    var out = (f.choices || []).slice();
    if (f.or_other && SELECTS.indexOf(f.kind) >= 0 && !out.some(function (c) { return String(c.value) === OTHER.value; })) {
      out.push({ value: OTHER.value, label: OTHER.label });
    }
    return out;
  }
  function term(name, f) {
    var entry = { name: name, label: it(f.label) || f.key, type: builderType(f.kind) };
    if (f.choices) entry.choices = choicesOf(f).map(function (c) { return { value: c.value, label: it(c.label) || c.value }; });
    return entry;
  }
  // A logic property: a textarea the condition builder drives (raw JSON stays editable).
  function logicBox(name, labelText, value, mode, onvalue, vocab, lead) {
    var area = el("textarea", { rows: "3", class: "qd-logic", "data-mode": mode });
    area.id = fieldId();
    area.value = value == null ? "" : JSON.stringify(value);
    var problem = el("p", { class: "qd-error", hidden: true, role: "alert" });
    function read() {
      var text = area.value.trim();
      if (!text) { problem.hidden = true; onvalue(null); return; }
      try { var parsed = JSON.parse(text); problem.hidden = true; onvalue(parsed); } catch (e) { problem.hidden = false; problem.textContent = T.invalid_logic; }
    }
    area.addEventListener("input", read);
    area.addEventListener("change", read);
    var wrap = el("div", { class: "qd-prop qd-prop--logic", "data-logic": name }, [el("label", { for: area.id, text: labelText }), area, problem]);
    setTimeout(function () {
      if (window.SisoConditions && window.SisoConditions.mount && area.isConnected) {
        try { window.SisoConditions.mount(area, { vocabulary: vocab, mode: mode, lead: lead }); } catch (e) { /* the textarea stays usable */ }
      }
    }, 0);
    return wrap;
  }

  function renderPanel() {
    var body = document.getElementById("qd-panel-body");
    body.textContent = "";
    var where = state.selected ? locate(state.selected) : null;
    if (!where) { body.appendChild(el("p", { class: "help", text: T.select_hint })); return; }
    // On a phone the panel sits below the steps: a way back to the selected card.
    body.appendChild(el("button", { type: "button", class: "button button-small button-secondary qd-back", onclick: function () {
      var card = document.querySelector('[data-id="' + state.selected + '"] .qd-card__select');
      if (card) card.focus();
    } }, [T.back_to_list]));
    if (where.isStep) { stepPanel(body, where.step); return; }
    fieldPanel(body, where.field, where.group, where.step);
  }

  function stepPanel(body, step) {
    body.appendChild(el("p", { class: "qd-panel__what", text: T.step }));
    body.appendChild(errorList(errorsFor(step.key, null)) || el("span"));
    body.appendChild(row(T.title, input(it(step.title), function (v) {
      step.title = pair(v, step.title);
      if (!step._keyLocked) step.key = uniqueKey(slug(v), step, schema.steps.map(function (s) { return s === step ? { key: "" } : s; }));
      changed(); refreshCanvasSoon();
    })));
    body.appendChild(logicBox("visible_if", T.step_visible_if, step.visible_if, "condition", function (v) { step.visible_if = v; changed(); refreshCanvasSoon(); }, vocabulary(null, null)));
    body.appendChild(advanced([
      row(T.key, input(step.key, function (v) { step.key = v.trim(); step._keyLocked = true; changed(); refreshCanvasSoon(); }), T.key_help),
      row(T.title_en, input((step.title || {}).en, function (v) { step.title = { it: it(step.title), en: v }; changed(); }))
    ]));
  }

  function advanced(children) {
    return el("details", { class: "qd-advanced" }, [el("summary", { text: T.advanced })].concat(children));
  }

  function fieldPanel(body, spec, group, step) {
    body.appendChild(el("p", { class: "qd-panel__what", text: KIND_NAMES[spec.kind] || spec.kind }));
    var errs = errorList(errorsFor(step.key, spec.key));
    if (errs) body.appendChild(errs);
    var keyInput;
    body.appendChild(row(spec.kind === "note" ? T.note_text : T.label, input(it(spec.label), function (v) {
      spec.label = pair(v, spec.label);
      if (!spec._keyLocked) {
        setKey(spec, uniqueKey(slug(v), spec));
        if (keyInput) keyInput.value = spec.key;
      }
      changed(); refreshCanvasSoon();
    }, { "data-prop": "label" })));
    var extra = [];
    if (spec.kind === "hidden") {
      // a value recorded with the answers and never shown: a constant, or computed
      if (spec.default && typeof spec.default === "object") { // computed when sent
        body.appendChild(logicBox("default", T.hidden_value, spec.default, "value", function (v) { spec.default = v == null ? "" : v; changed(); }, vocabulary(spec, group)));
      } else {
        body.appendChild(row(T.hidden_value, input(spec.default, function (v) { spec.default = v; changed(); }, { "data-prop": "default" })));
      }
      body.appendChild(logicBox("computed", T.computed, spec.computed, "value", function (v) { spec.computed = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
    } else if (spec.kind !== "note") {
      body.appendChild(row(T.help, input(it(spec.help), function (v) { spec.help = pair(v, spec.help); changed(); refreshCanvasSoon(); })));
      requiredControl(body, spec, group);
      if (WITH_CHOICES.indexOf(spec.kind) >= 0) choicesEditor(body, spec);
      if (SELECTS.indexOf(spec.kind) >= 0) selectExtras(body, spec, group, extra);
      limits(body, spec);
      defaultControl(body, spec, group);
      body.appendChild(logicBox("visible_if", T.visible_if, spec.visible_if, "condition", function (v) { spec.visible_if = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
      if (["group", "file", "image", "geopoint", "address", "rank"].indexOf(spec.kind) < 0) {
        body.appendChild(logicBox("computed", T.computed, spec.computed, "value", function (v) { spec.computed = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
      }
      if (spec.kind !== "group") rulesEditor(body, spec, group, extra);
      messagesControl(body, spec, extra);
      body.appendChild(row(T.prefill, selectBox(setup.prefill, spec.prefill, function (v) { spec.prefill = v || null; changed(); })));
      if (!group) {
        body.appendChild(row(T.fact, selectBox(setup.facts, spec.fact, function (v) { if (v) spec.fact = v; else delete spec.fact; changed(); })));
      }
    } else {
      body.appendChild(logicBox("visible_if", T.visible_if, spec.visible_if, "condition", function (v) { spec.visible_if = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
    }
    keyInput = input(spec.key, function (v) { setKey(spec, v.trim()); spec._keyLocked = true; changed(); refreshCanvasSoon(); }, { "data-prop": "key" });
    extra.unshift(row(T.key, keyInput, T.key_help), row(T.label_en, input((spec.label || {}).en, function (v) { spec.label = { it: it(spec.label), en: v }; changed(); })));
    if (spec.kind !== "note" && spec.kind !== "hidden") {
      var checks = spec.validations = spec.validations || {};
      extra.splice(2, 0, row(T.help_en, input((spec.help || {}).en, function (v) { spec.help = { it: it(spec.help), en: v }; changed(); })));
      if (["text", "textarea", "email", "phone", "tax_code"].indexOf(spec.kind) >= 0) {
        extra.push(row(T.min_length, numberInput(checks.min_length, function (v) { setCheck(spec, "min_length", v); })));
        extra.push(row(T.max_length, numberInput(checks.max_length, function (v) { setCheck(spec, "max_length", v); })));
        extra.push(row(T.pattern, input(checks.pattern, function (v) { setCheck(spec, "pattern", v || null); })));
      }
    }
    body.appendChild(advanced(extra));
  }
  function numberInput(value, onvalue, attrs) {
    return input(value, function (v) {
      var text = v.trim().replace(",", ".");
      onvalue(text === "" || isNaN(Number(text)) ? null : Number(text));
    }, Object.assign({ inputmode: "decimal" }, attrs || {}));
  }
  function setCheck(spec, name, value) {
    spec.validations = spec.validations || {};
    if (value === null || value === undefined || value === "") delete spec.validations[name];
    else spec.validations[name] = value;
    changed(); refreshCanvasSoon();
  }
  // {it, en} texts that are left out when both are empty
  function setPair(holder, name, language, text) {
    var value = Object.assign({ it: "", en: "" }, holder[name] || {});
    value[language] = text;
    if (!value.it && !value.en) delete holder[name];
    else holder[name] = value;
    changed();
  }
  function requiredControl(body, spec, group) {
    var current = spec.required === true ? "yes" : spec.required ? "when" : "no";
    var name = "qd-required-" + spec._id;
    var when = el("div", { class: "qd-when" });
    function showWhen() {
      when.textContent = "";
      if (current !== "when") return;
      when.appendChild(logicBox("required_if", T.required_if, typeof spec.required === "object" ? spec.required : null, "condition", function (v) {
        spec.required = v || null; changed(); refreshCanvasSoon();
      }, vocabulary(spec, group)));
    }
    var options = [["no", T.no], ["yes", T.yes], ["when", T.when]].map(function (o) {
      var id = fieldId();
      return el("span", { class: "qd-radio" }, [
        el("input", { type: "radio", name: name, id: id, value: o[0], "data-prop": "required", checked: current === o[0] ? true : null, onchange: function () {
          current = o[0];
          spec.required = current === "yes" ? true : current === "no" ? false : (typeof spec.required === "object" ? spec.required : null);
          showWhen(); changed(); refreshCanvasSoon();
        } }),
        el("label", { for: id, text: o[1] })
      ]);
    });
    body.appendChild(el("fieldset", { class: "qd-prop" }, [el("legend", { text: T.required })].concat(options)));
    body.appendChild(when);
    showWhen();
  }

  // ---- choices, "Altro" and cascading selects ----------------------------------------------
  // The field a select's choices depend on, when its filter is the plain cascade (as
  // designer_rules.cascade_parent reads it): {"==": [{"var": "choice.P"}, {"var": "P"}]}.
  function cascadeParent(spec) {
    var rule = spec.choice_filter;
    if (!rule || typeof rule !== "object" || Array.isArray(rule) || Object.keys(rule).length !== 1 || !Array.isArray(rule["=="]) || rule["=="].length !== 2) return null;
    var column = rule["=="][0] && rule["=="][0].var, answer = rule["=="][1] && rule["=="][1].var;
    return typeof answer === "string" && column === "choice." + answer ? answer : null;
  }
  function topField(key) {
    var found = null;
    schema.steps.forEach(function (step) { step.fields.forEach(function (f) { if (f.key === key) found = f; }); });
    return found;
  }
  function choicesEditor(body, spec) {
    var list = el("ol", { class: "qd-choices" });
    var parent = SELECTS.indexOf(spec.kind) >= 0 ? topField(cascadeParent(spec)) : null;
    function draw() {
      list.textContent = "";
      spec.choices.forEach(function (choice, index) {
        var id = fieldId();
        var text = el("input", { type: "text", id: id, "data-prop": "choice", value: it(choice.label), oninput: function (event) {
          choice.label = pair(event.target.value, choice.label);
          if (choice._new) {
            var taken = spec.choices.filter(function (c) { return c !== choice; }).map(function (c) { return c.value; });
            var value = slug(event.target.value).replace(/^campo_?/, "") || "scelta";
            var candidate = value, n = 2;
            while (taken.indexOf(candidate) >= 0) { candidate = value + "_" + n; n += 1; }
            choice.value = candidate;
          }
          changed(); refreshCanvasSoon();
        } });
        var item = el("li", {}, [
          el("label", { for: id, class: "qd-choice__label", text: fmt(T.choice_n, { n: index + 1 }) }), text,
          el("button", { type: "button", class: "button button-small button-secondary no", "aria-label": fmt(T.remove_choice_named, { n: index + 1 }), onclick: function () {
            spec.choices.splice(index, 1); changed(); draw(); refreshCanvasSoon();
          } }, [T.remove])
        ]);
        if (parent) item.appendChild(parentAnswer(choice, parent));
        list.appendChild(item);
      });
    }
    // With a cascade, each choice says with which answer of the other field it is offered.
    function parentAnswer(choice, parentSpec) {
      var id = fieldId(), warnId = id + "-warn";
      var current = (choice.columns || {})[parentSpec.key];
      var warn = el("p", { id: warnId, class: "qd-error qd-choice__warn", text: T.never_offered });
      var box = selectBox([["", T.choose]].concat(choicesOf(parentSpec).map(function (c) { return [String(c.value), it(c.label) || String(c.value)]; })), current, function (v) {
        choice.columns = Object.assign({}, choice.columns || {});
        if (v) choice.columns[parentSpec.key] = v; else delete choice.columns[parentSpec.key];
        if (!Object.keys(choice.columns).length) delete choice.columns;
        warn.hidden = !!v;
        box.setAttribute("aria-invalid", v ? "false" : "true");
        changed(); refreshCanvasSoon();
      });
      box.id = id;
      box.setAttribute("data-prop", "choice-parent");
      box.setAttribute("aria-describedby", warnId);
      box.setAttribute("aria-invalid", current ? "false" : "true");
      warn.hidden = !!current;
      return el("div", { class: "qd-choice__parent" }, [el("label", { for: id, class: "qd-choice__label", text: fmt(T.shown_with, { name: it(parentSpec.label) || parentSpec.key }) }), box, warn]);
    }
    draw();
    body.appendChild(el("fieldset", { class: "qd-prop" }, [el("legend", { text: T.choices }), list,
      el("button", { type: "button", class: "button button-small", "data-action": "add-choice", onclick: function () {
        spec.choices.push({ value: "scelta_" + (spec.choices.length + 1), label: { it: "", en: "" }, _new: true });
        changed(); draw(); refreshCanvasSoon();
        var inputs = list.querySelectorAll('input[data-prop="choice"]'); inputs[inputs.length - 1].focus();
      } }, [T.add_choice])
    ]));
  }
  // "Altro" and the cascade: which other answer the offered choices depend on.
  // The two exclude each other (as in pyxform): "Altro" belongs to no answer of the other field.
  function selectExtras(body, spec, group, extra) {
    var id = fieldId();
    if (spec.or_other || spec.choice_filter == null) {
      body.appendChild(el("div", { class: "qd-prop qd-check" }, [
        el("input", { type: "checkbox", id: id, "data-prop": "or_other", checked: spec.or_other ? true : null, onchange: function (event) {
          if (event.target.checked) spec.or_other = true; else delete spec.or_other;
          changed(); renderPanel(); refreshCanvasSoon();
          var again = document.querySelector('#qd-panel-body [data-prop="or_other"]');
          if (again) again.focus();
        } }),
        el("label", { for: id, text: T.or_other })
      ]));
    }
    if (spec.or_other && spec.choice_filter == null) return;
    var parent = cascadeParent(spec);
    if (spec.choice_filter != null && !parent) {
      // a filter of another shape (an XLSForm's): kept, and edited with the builder
      var columns = {};
      (spec.choices || []).forEach(function (c) { Object.keys(c.columns || {}).forEach(function (name) { columns[name] = true; }); });
      var vocab = vocabulary(spec, group).concat(Object.keys(columns).map(function (name) { return { name: "choice." + name, label: name, type: "text" }; }));
      extra.push(logicBox("choice_filter", T.choice_filter, spec.choice_filter, "condition", function (v) { spec.choice_filter = v; changed(); refreshCanvasSoon(); }, vocab));
      return;
    }
    var candidates = [];
    schema.steps.forEach(function (step) { step.fields.forEach(function (f) { if (f !== spec && f.kind === "choice") candidates.push(f); }); });
    if (!candidates.length && !parent) return;
    var options = [["", T.no_filter]].concat(candidates.map(function (f) { return [f.key, it(f.label) || f.key]; }));
    var box = selectBox(options, parent, function (v) {
      (spec.choices || []).forEach(function (c) {
        if (parent && c.columns) { delete c.columns[parent]; if (!Object.keys(c.columns).length) delete c.columns; }
      });
      if (v) spec.choice_filter = { "==": [{ "var": "choice." + v }, { "var": v }] };
      else delete spec.choice_filter;
      changed(); renderPanel(); refreshCanvasSoon();
      var again = document.querySelector('#qd-panel-body [data-prop="choice_filter"]');
      if (again) again.focus();
    });
    box.setAttribute("data-prop", "choice_filter");
    body.appendChild(row(T.filter_by, box));
  }

  // ---- limits, range, files ----------------------------------------------------------------
  function limits(body, spec) {
    var checks = spec.validations = spec.validations || {};
    if (WITH_MIN_MAX.indexOf(spec.kind) >= 0 && spec.kind !== "group") {
      var date = spec.kind === "date";
      var make = function (name) {
        if (date) return el("input", { type: "date", value: checks[name] || "", onchange: function (e) { setCheck(spec, name, e.target.value || null); } });
        return numberInput(checks[name], function (v) { setCheck(spec, name, v); });
      };
      var labels = spec.kind === "multichoice" ? [T.min_count, T.max_count] : [T.minimum, T.maximum];
      body.appendChild(row(labels[0], make("min")));
      body.appendChild(row(labels[1], make("max")));
    }
    if (spec.kind === "range") rangeControls(body, spec);
    if (spec.kind === "decimal") {
      body.appendChild(row(T.decimal_places, selectBox([0, 1, 2, 3, 4, 5, 6].map(function (n) { return [n, String(n)]; }), spec.decimal_places == null ? 2 : spec.decimal_places, function (v) { spec.decimal_places = Number(v); changed(); })));
    }
    if (spec.kind === "group") {
      body.appendChild(row(T.min_rows, numberInput(spec.min_rows, function (v) { spec.min_rows = v; changed(); refreshCanvasSoon(); })));
      body.appendChild(row(T.max_rows, numberInput(spec.max_rows, function (v) { spec.max_rows = v; changed(); refreshCanvasSoon(); })));
    }
    if (spec.kind === "file" || spec.kind === "image") {
      body.appendChild(row(spec.kind === "image" ? T.image_extensions : T.extensions, input((checks.extensions || []).join(", "), function (v) {
        var list = v.split(",").map(function (s) { return s.trim().replace(/^\./, "").toLowerCase(); }).filter(Boolean);
        setCheck(spec, "extensions", list.length ? list : null);
      })));
      body.appendChild(row(T.max_size_kb, numberInput(checks.max_size ? checks.max_size / 1024 : null, function (v) { setCheck(spec, "max_size", v ? Math.round(v * 1024) : null); })));
    }
  }
  // What is wrong with a range's numbers (as designer_rules checks them), or "".
  function rangeProblem(spec) {
    if (typeof spec.start !== "number" || typeof spec.end !== "number") return T.range_missing;
    if (spec.start === spec.end) return T.range_order;
    if (spec.step != null && !(spec.step > 0)) return T.range_step_positive;
    return "";
  }
  function rangeControls(body, spec) {
    var problemId = fieldId();
    var problem = el("p", { id: problemId, class: "qd-error", "data-problem": "range", "aria-live": "polite" });
    var boxes = [];
    function check() {
      var message = rangeProblem(spec);
      problem.textContent = message;
      problem.hidden = !message;
      boxes.forEach(function (box) { box.setAttribute("aria-invalid", message ? "true" : "false"); });
    }
    [["start", T.range_start], ["end", T.range_end], ["step", T.range_step]].forEach(function (part) {
      var box = numberInput(spec[part[0]], function (v) {
        spec[part[0]] = v;
        check(); changed(); refreshCanvasSoon();
      }, { "data-prop": part[0], "aria-describedby": problemId });
      boxes.push(box);
      body.appendChild(row(part[1], box));
    });
    body.appendChild(problem);
    check();
  }

  // ---- default answer, validation rules, messages -----------------------------------------
  function defaultControl(body, spec, group) {
    var kind = spec.kind, control;
    var set = function (v) { if (v === null || v === undefined || v === "") delete spec.default; else spec.default = v; changed(); refreshCanvasSoon(); };
    if (spec.default && typeof spec.default === "object") { // a default computed when first shown
      body.appendChild(logicBox("default", T.default, spec.default, "value", set, vocabulary(spec, group)));
      return;
    }
    if (DEFAULT_INPUTS[kind]) {
      control = input(spec.default, function (v) { set(v.trim()); }, { type: DEFAULT_INPUTS[kind], "data-prop": "default" });
    } else if (NUMBERS.indexOf(kind) >= 0) {
      control = numberInput(spec.default, set, { "data-prop": "default" });
    } else if (kind === "boolean") {
      var now = spec.default == null ? "" : String(spec.default) === "true" || spec.default === true ? "true" : "false";
      control = selectBox([["", T.no_default], ["true", T.yes], ["false", T.no]], now, set);
    } else if (kind === "choice") {
      control = selectBox([["", T.no_default]].concat(choicesOf(spec).map(function (c) { return [String(c.value), it(c.label) || String(c.value)]; })), spec.default, set);
    } else if (kind === "multichoice") {
      var picked = String(spec.default || "").split(/\s+/).filter(Boolean);
      var name = "qd-default-" + spec._id;
      var boxes = choicesOf(spec).map(function (c) {
        var id = fieldId();
        return el("span", { class: "qd-radio" }, [
          el("input", { type: "checkbox", id: id, name: name, value: String(c.value), checked: picked.indexOf(String(c.value)) >= 0 ? true : null, onchange: function () {
            var now = Array.prototype.filter.call(document.getElementsByName(name), function (b) { return b.checked; }).map(function (b) { return b.value; });
            set(now.join(" "));
          } }),
          el("label", { for: id, text: it(c.label) || String(c.value) })
        ]);
      });
      if (!boxes.length) return;
      body.appendChild(el("fieldset", { class: "qd-prop" }, [el("legend", { text: T.default })].concat(boxes, [el("p", { class: "help", text: T.default_help })])));
      return;
    } else {
      return; // files, images, positions, addresses, rankings and groups start empty
    }
    if (!control.getAttribute("data-prop")) control.setAttribute("data-prop", "default");
    body.appendChild(row(T.default, control, T.default_help));
  }
  // The field's validation rules: each a condition built by clicking and its message.
  function rulesEditor(body, spec, group, extra) {
    var checks = spec.validations = spec.validations || {};
    var list = el("ol", { class: "qd-rules" });
    var english = el("div", { class: "qd-rules__en" });
    function draw() {
      list.textContent = "";
      english.textContent = "";
      (checks.rules || []).forEach(function (rule, index) {
        var n = index + 1;
        var item = el("li", { class: "qd-rule", "data-rule": String(index) }, [
          logicBox("rule", fmt(T.rule_n, { n: n }), rule.rule, "condition", function (v) { rule.rule = v; changed(); }, vocabulary(null, group), T.valid_if),
          row(T.rule_message, input(it(rule.message), function (v) { rule.message = pair(v, rule.message); changed(); }, { "data-prop": "rule-message" })),
          el("button", { type: "button", class: "button button-small button-secondary no", "data-action": "remove-rule", "aria-label": fmt(T.remove_rule_named, { n: n }), onclick: function () {
            checks.rules.splice(index, 1);
            if (!checks.rules.length) delete checks.rules;
            changed(); draw();
            add.focus();
          } }, [T.remove])
        ]);
        list.appendChild(item);
        english.appendChild(row(fmt(T.rule_message_en, { n: n }), input((rule.message || {}).en, function (v) { rule.message = { it: it(rule.message), en: v }; changed(); })));
      });
    }
    var add = el("button", { type: "button", class: "button button-small", "data-action": "add-rule", onclick: function () {
      checks.rules = checks.rules || [];
      checks.rules.push({ rule: null, message: { it: "", en: "" } });
      changed(); draw();
      // the new rule's builder is mounted right after: its first button gets the focus
      setTimeout(function () {
        var last = list.querySelector('.qd-rule:last-child [data-ref="c:add"]');
        if (last) last.focus();
      }, 0);
    } }, [T.add_rule]);
    draw();
    body.appendChild(el("fieldset", { class: "qd-prop qd-rules-box", "data-prop": "rules" }, [el("legend", { text: T.rules }), el("p", { class: "help", text: T.rules_help }), list, add]));
    extra.push(english);
  }
  function messagesControl(body, spec, extra) {
    var names = spec.kind === "group" ? ["required_message"] : ["required_message", "constraint_message"];
    body.appendChild(el("fieldset", { class: "qd-prop" }, [el("legend", { text: T.messages })].concat(names.map(function (name) {
      return row(T[name], input(it(spec[name]), function (v) { setPair(spec, name, "it", v); }, { "data-prop": name }));
    }))));
    names.forEach(function (name) {
      extra.push(row(T[name + "_en"], input((spec[name] || {}).en, function (v) { setPair(spec, name, "en", v); })));
    });
  }

  // ---- preview ----------------------------------------------------------------------------
  function number(text) {
    if (text === "" || text == null) return null;
    if (typeof text === "number") return isFinite(text) ? text : null;
    var typed = String(text).replace(/[\s\u00a0]/g, "");
    if (/^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(typed)) typed = typed.replace(/\./g, "").replace(",", ".");
    else if (!/^[+-]?\d*\.\d+$/.test(typed)) return null;
    var value = Number(typed);
    return isNaN(value) ? null : value;
  }
  var BROKEN = {};
  function apply(rule, scope) {
    try { return jsonLogic.apply(rule, scope); } catch (e) { return BROKEN; }
  }
  // As the wizard: a condition that cannot be evaluated (yet) leaves the field shown.
  function holds(rule, scope) {
    var result = apply(rule, scope);
    return result === BROKEN ? true : jsonLogic.truthy(result);
  }
  function computedValue(rule, scope) {
    var value = apply(rule, scope);
    return value === BROKEN || value === undefined || (typeof value === "number" && !isFinite(value)) ? null : value;
  }
  function typed(spec, raw) {
    if (raw == null || raw === "") return null;
    if (NUMBERS.indexOf(spec.kind) >= 0) return number(raw);
    if (spec.kind === "boolean") return raw === true || raw === "true";
    if (spec.kind === "tax_code") return String(raw).toUpperCase();
    if (spec.kind === "multichoice" || spec.kind === "rank") return raw.length ? raw : null;
    if (spec.kind === "geopoint") {
      var lat = number(raw.lat), lon = number(raw.lon);
      return lat === null || lon === null ? null : { lat: lat, lon: lon };
    }
    return raw;
  }
  // The preview's answers: `holder` is state.answers, or one row of a group (state.answers[group]).
  function rawOf(spec, holder) {
    if (Object.prototype.hasOwnProperty.call(holder, spec.key)) return holder[spec.key];
    var given = spec.default;
    if (given && typeof given === "object") given = null; // computed by the wizard when shown
    if (given == null || given === "") return spec.kind === "rank" ? (spec.choices || []).map(function (c) { return String(c.value); }) : null;
    if (spec.kind === "multichoice") return String(given).split(/\s+/).filter(Boolean);
    if (spec.kind === "boolean") return String(given) === "true" ? "true" : "false";
    return String(given);
  }
  function rowsOf(group) {
    var rows = state.answers[group.key];
    if (!Array.isArray(rows)) {
      rows = state.answers[group.key] = [];
      var count = Math.max(1, Number(group.min_rows) || 0);
      for (var i = 0; i < count; i++) rows.push({});
    }
    return rows;
  }
  // One field's value as the wizard's logic sees it: empty when hidden, computed when computed.
  function valueOf(spec, holder, scope, shown) {
    var visible = spec.visible_if == null || holds(spec.visible_if, scope);
    shown[spec.key] = visible;
    if (!visible || spec.kind === "note") return null;
    if (spec.computed != null) return computedValue(spec.computed, scope);
    return typed(spec, rawOf(spec, holder));
  }
  function otherValue(spec, value, holder) {
    var picked = Array.isArray(value) ? value.indexOf(OTHER.value) >= 0 : value === OTHER.value;
    return picked ? typed({ kind: "text" }, holder[spec.key + "_other"]) : null;
  }
  // A group's rows: each row's fields read the form's answers and their own row ("row.x").
  function evaluateRows(group, scope) {
    return rowsOf(group).map(function (holder, index) {
      var values = {}, shown = {};
      group.fields.forEach(function (c) { values[c.key] = typed(c, rawOf(c, holder)); });
      for (var pass = 0; pass < 3; pass++) {
        group.fields.forEach(function (c) {
          var inRow = Object.assign({}, scope, { row: values, row_index: index });
          values[c.key] = valueOf(c, holder, inRow, shown);
          if (c.or_other) values[c.key + "_other"] = otherValue(c, values[c.key], holder);
        });
      }
      return { values: values, shown: shown, scope: Object.assign({}, scope, { row: values, row_index: index }) };
    });
  }
  // The answers as the wizard's logic sees them: hidden fields empty, computed values filled.
  function evaluate() {
    var scope = {}, shown = {}, rows = {};
    var tops = [];
    schema.steps.forEach(function (step) { step.fields.forEach(function (f) { tops.push({ step: step, spec: f }); }); });
    tops.forEach(function (t) { scope[t.spec.key] = t.spec.kind === "group" ? null : typed(t.spec, rawOf(t.spec, state.answers)); });
    for (var pass = 0; pass < 4; pass++) { // computed values may read each other (no cycles: the server checks)
      tops.forEach(function (t) {
        var spec = t.spec;
        if (t.step.visible_if != null && !holds(t.step.visible_if, scope)) { shown[spec.key] = false; scope[spec.key] = null; return; }
        if (spec.kind === "group") {
          shown[spec.key] = spec.visible_if == null || holds(spec.visible_if, scope);
          rows[spec.key] = shown[spec.key] ? evaluateRows(spec, scope) : [];
          scope[spec.key] = shown[spec.key] ? rows[spec.key].map(function (r) { return r.values; }) : null;
          return;
        }
        scope[spec.key] = valueOf(spec, state.answers, scope, shown);
        if (spec.or_other) scope[spec.key + "_other"] = otherValue(spec, scope[spec.key], state.answers);
      });
    }
    return { scope: scope, shown: shown, rows: rows };
  }
  function shownValue(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return String(value).replace(".", ",");
    if (typeof value === "boolean") return value ? T.yes : T.no;
    return String(value);
  }
  // One field of the preview; `holder` keeps its answer, `prefix` makes its ids unique in a row.
  function previewControl(spec, holder, prefix) {
    var id = "qd-preview-" + prefix + spec._id;
    var answer = rawOf(spec, holder);
    var set = function (v) { holder[spec.key] = v; updatePreview(); };
    if (spec.kind === "note") return el("p", { class: "qd-note", "data-preview": spec.key, text: it(spec.label) });
    if (spec.kind === "hidden") return null;
    var labelText = it(spec.label) || spec.key;
    var required = el("span", { class: "qd-required", "data-required": spec.key });
    var help = it(spec.help) ? el("p", { class: "help", text: it(spec.help) }) : null;
    if (spec.kind === "choice" || spec.kind === "boolean" || spec.kind === "multichoice") {
      var options = spec.kind === "boolean" ? [{ value: "true", label: { it: T.yes } }, { value: "false", label: { it: T.no } }] : choicesOf(spec);
      var multi = spec.kind === "multichoice";
      var box = el("fieldset", { class: "qd-preview__field", "data-preview": spec.key }, [el("legend", {}, [labelText, required])].concat(options.map(function (c, i) {
        var oid = id + "-" + i;
        var checked = multi ? (answer || []).indexOf(String(c.value)) >= 0 : answer === String(c.value);
        return el("span", { class: "qd-radio", "data-option": String(c.value) }, [
          el("input", { type: multi ? "checkbox" : "radio", name: id, id: oid, value: String(c.value), checked: checked ? true : null, onchange: function (event) {
            if (!multi) { set(event.target.value); return; }
            var picked = Array.prototype.filter.call(document.getElementsByName(id), function (b) { return b.checked; }).map(function (b) { return b.value; });
            set(picked);
          } }),
          el("label", { for: oid, text: it(c.label) || String(c.value) })
        ]);
      })).concat([help]));
      if (spec.or_other && SELECTS.indexOf(spec.kind) >= 0) {
        var otherId = id + "-other";
        var other = el("input", { type: "text", id: otherId, "data-input": spec.key + "_other", value: holder[spec.key + "_other"] || "", oninput: function (event) { holder[spec.key + "_other"] = event.target.value; updatePreview(); } });
        box.appendChild(el("div", { class: "qd-preview__other", "data-preview": spec.key + "_other" }, [el("label", { for: otherId, text: it(OTHER.text) }), other]));
      }
      return box;
    }
    if (spec.kind === "group") return previewGroup(spec, labelText, help);
    if (spec.kind === "rank") {
      var order = (answer || []).map(function (v) { return (spec.choices || []).filter(function (c) { return String(c.value) === v; })[0]; }).filter(Boolean);
      return el("fieldset", { class: "qd-preview__field", "data-preview": spec.key }, [el("legend", {}, [labelText, required]), el("p", { class: "help", text: T.rank_help }),
        el("ol", { class: "qd-rank" }, order.map(function (c) { return el("li", { text: it(c.label) || String(c.value) }); })), help]);
    }
    if (spec.kind === "geopoint") {
      var point = answer && typeof answer === "object" ? answer : {};
      var parts = [["lat", T.latitude], ["lon", T.longitude]].map(function (part) {
        var pid = id + "-" + part[0];
        return el("span", { class: "qd-preview__part" }, [el("label", { for: pid, text: part[1] }), el("input", { type: "text", id: pid, inputmode: "decimal", value: point[part[0]] || "", oninput: function (event) {
          var now = Object.assign({}, rawOf(spec, holder) || {}); now[part[0]] = event.target.value; set(now);
        } })]);
      });
      return el("fieldset", { class: "qd-preview__field", "data-preview": spec.key }, [el("legend", {}, [labelText, required])].concat(parts, [help]));
    }
    if (spec.kind === "range") {
      var low = Math.min(Number(spec.start) || 0, Number(spec.end) || 0), high = Math.max(Number(spec.start) || 0, Number(spec.end) || 0);
      var shownNumber = el("output", { for: id, class: "qd-range__value", text: answer == null || answer === "" ? "—" : shownValue(number(answer)) });
      var slider = el("input", { type: "range", id: id, "data-input": spec.key, min: String(low), max: String(high), step: String(spec.step > 0 ? spec.step : 1) });
      slider.value = answer == null || answer === "" ? String(spec.start != null ? spec.start : low) : String(number(answer));
      slider.addEventListener("input", function (event) { shownNumber.textContent = shownValue(Number(event.target.value)); set(event.target.value); });
      return el("div", { class: "qd-preview__field qd-range", "data-preview": spec.key }, [el("label", { for: id }, [labelText, required]), slider, shownNumber, help]);
    }
    var types = { date: "date", time: "time", datetime: "datetime-local", email: "email", file: "file", image: "file" };
    var attrs = { id: id, type: types[spec.kind] || "text", "data-input": spec.key };
    if (spec.kind === "image") attrs.accept = "image/*";
    if (NUMBERS.indexOf(spec.kind) >= 0) attrs.inputmode = "decimal";
    if (spec.computed != null) attrs.readonly = true;
    var field = spec.kind === "textarea" ? el("textarea", { id: id, rows: "2", "data-input": spec.key }) : el("input", attrs);
    if (attrs.type !== "file") field.value = answer == null ? "" : answer;
    field.addEventListener("input", function (event) { if (spec.computed == null) set(event.target.value); });
    return el("div", { class: "qd-preview__field", "data-preview": spec.key }, [el("label", { for: id }, [labelText, required]), field, help]);
  }
  // A repeatable group: its rows, each with the group's fields, and "Aggiungi una riga".
  function previewGroup(spec, labelText, help) {
    var rows = rowsOf(spec);
    var least = Number(spec.min_rows) || 0, most = Number(spec.max_rows) || 0;
    var box = el("fieldset", { class: "qd-preview__field qd-preview__group", "data-preview": spec.key }, [el("legend", { text: labelText }), help]);
    rows.forEach(function (holder, index) {
      var legend = fmt(T.row_n, { number: index + 1 });
      var item = el("fieldset", { class: "qd-preview__row", "data-row": String(index) }, [el("legend", { text: legend })]);
      spec.fields.forEach(function (child) { var control = previewControl(child, holder, spec._id + "-" + index + "-"); if (control) item.appendChild(control); });
      item.appendChild(el("button", { type: "button", class: "button button-small button-secondary", "data-action": "remove-row", "aria-label": T.remove_row + " (" + legend + ")", disabled: rows.length <= Math.max(least, 1) ? true : null, onclick: function () {
        rows.splice(index, 1); renderPreview();
        var again = document.querySelector('#qd-preview-body [data-preview="' + spec.key + '"] [data-action="add-row"]');
        if (again) again.focus();
      } }, [T.remove_row]));
      box.appendChild(item);
    });
    box.appendChild(el("button", { type: "button", class: "button button-small", "data-action": "add-row", disabled: most && rows.length >= most ? true : null, onclick: function () {
      rows.push({}); renderPreview();
      var added = document.querySelector('#qd-preview-body [data-preview="' + spec.key + '"] [data-row="' + (rows.length - 1) + '"] input, #qd-preview-body [data-preview="' + spec.key + '"] [data-row="' + (rows.length - 1) + '"] textarea');
      if (added) added.focus();
    } }, [T.add_row]));
    return box;
  }
  function renderPreview() {
    var picker = document.getElementById("qd-preview-step");
    picker.textContent = "";
    if (state.previewStep >= schema.steps.length) state.previewStep = 0;
    schema.steps.forEach(function (step, index) {
      picker.appendChild(el("option", { value: String(index), text: it(step.title) || step.key, selected: index === state.previewStep ? true : null }));
    });
    var body = document.getElementById("qd-preview-body");
    body.textContent = "";
    var step = schema.steps[state.previewStep];
    if (!step) return;
    step.fields.forEach(function (spec) { var control = previewControl(spec, state.answers, ""); if (control) body.appendChild(control); });
    updatePreview();
  }
  // Show, hide and fill one field's box of the preview from the evaluated answers.
  function showField(box, spec, values, shown, scope) {
    if (!box) return;
    box.hidden = shown[spec.key] === false;
    if (spec.computed != null) {
      var field = box.querySelector("[data-input]");
      if (field) field.value = shownValue(values[spec.key]);
    }
    var mark = box.querySelector("[data-required]");
    if (mark) {
      var req = spec.required === true || (spec.required && typeof spec.required === "object" && apply(spec.required, scope) !== BROKEN && jsonLogic.truthy(apply(spec.required, scope)));
      mark.textContent = req ? " (" + T.badge_required + ")" : "";
    }
    if (spec.or_other) {
      var other = box.querySelector('[data-preview="' + spec.key + '_other"]');
      var value = values[spec.key];
      if (other) other.hidden = !(Array.isArray(value) ? value.indexOf(OTHER.value) >= 0 : value === OTHER.value);
    }
    if (spec.choice_filter != null) { // cascading selects: an option the filter leaves out is not offered
      choicesOf(spec).forEach(function (c) {
        var option = box.querySelector('[data-option="' + CSS.escape(String(c.value)) + '"]');
        if (!option) return;
        var inScope = Object.assign({}, scope, { choice: Object.assign({}, c.columns || {}, { name: String(c.value) }) });
        option.hidden = String(c.value) !== OTHER.value && !holds(spec.choice_filter, inScope);
      });
    }
  }
  function updatePreview() {
    var result = evaluate();
    var step = schema.steps[state.previewStep];
    if (!step) return;
    var hiddenStep = step.visible_if != null && !holds(step.visible_if, result.scope);
    var previewBody = document.getElementById("qd-preview-body");
    previewBody.classList.toggle("is-hidden-step", hiddenStep);
    var note = document.getElementById("qd-preview-note");
    if (!note) {
      note = el("p", { id: "qd-preview-note", class: "help" });
      previewBody.parentNode.insertBefore(note, previewBody);
    }
    note.textContent = hiddenStep ? T.step_hidden : "";
    step.fields.forEach(function (spec) {
      var box = previewBody.querySelector(':scope > [data-preview="' + spec.key + '"]');
      showField(box, spec, result.scope, result.shown, result.scope);
      if (spec.kind !== "group" || !box) return;
      (result.rows[spec.key] || []).forEach(function (r, index) {
        var item = box.querySelector(':scope > [data-row="' + index + '"]');
        if (!item) return;
        spec.fields.forEach(function (child) {
          showField(item.querySelector(':scope > [data-preview="' + child.key + '"]'), child, r.values, r.shown, r.scope);
        });
      });
    });
  }

  // ---- saving and publishing --------------------------------------------------------------
  function clean(value) {
    if (Array.isArray(value)) return value.map(clean);
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { if (k.charAt(0) !== "_") out[k] = clean(value[k]); });
      return out;
    }
    return value;
  }
  function csrf() { var box = document.querySelector("#qd-form [name=csrfmiddlewaretoken]"); return box ? box.value : ""; }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "X-Requested-With": "XMLHttpRequest" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (payload) { return { ok: response.ok, status: response.status, payload: payload }; },
        function () { return { ok: false, status: response.status, payload: { errors: [{ step: null, field: null, message: T.server_error }] } }; });
    }, function () { return { ok: false, status: 0, payload: { errors: [{ step: null, field: null, message: T.network_error }] } }; });
  }
  function showErrors(errors, heading) {
    state.errors = errors || [];
    var box = document.getElementById("qd-errors");
    box.textContent = "";
    box.hidden = !state.errors.length;
    if (state.errors.length) {
      box.appendChild(el("p", { text: heading }));
      box.appendChild(el("ul", {}, state.errors.map(function (e) {
        var item = el("li", {}, [e.field || e.step ? el("button", { type: "button", class: "qd-link", onclick: function () { goTo(e); } }, [e.message]) : e.message]);
        return item;
      })));
    }
    render();
  }
  function goTo(error) {
    var target = null;
    schema.steps.forEach(function (step) {
      if (step.key !== error.step) return;
      if (!error.field) { target = step; return; }
      step.fields.forEach(function (f) {
        if (f.key === error.field) target = target || f;
        (f.fields || []).forEach(function (c) { if (c.key === error.field) target = target || c; });
      });
    });
    if (target) select(target._id);
  }
  function save() {
    var button = document.getElementById("qd-save");
    button.disabled = true;
    status(T.saving);
    return post(setup.save_url, { schema: clean(schema), revision: state.revision }).then(function (result) {
      button.disabled = false;
      if (result.ok) {
        state.revision = result.payload.revision;
        state.dirty = false;
        schema.steps.forEach(function (s) { s._keyLocked = true; });
        // saved keys and choice values may be read by conditions and answers: no more renaming
        allFields().forEach(function (f) { f._keyLocked = true; (f.choices || []).forEach(function (c) { delete c._new; }); });
        showErrors([]);
        status(result.payload.message);
        return true;
      }
      showErrors(result.payload.errors, result.status === 409 ? T.conflict : T.not_saved);
      status(result.status === 409 ? T.conflict : T.not_saved);
      return false;
    });
  }
  function publish() {
    var go = state.dirty ? save() : Promise.resolve(true);
    go.then(function (saved) {
      if (!saved) return;
      status(T.publishing);
      post(setup.publish_url, {}).then(function (result) {
        if (result.ok) { showErrors([]); status(result.payload.message); return; }
        showErrors(result.payload.errors, T.not_published);
        status(T.not_published);
      });
    });
  }

  function render() {
    renderSteps();
    renderPanel();
    renderPreview();
  }

  renderPalette();
  document.getElementById("qd-add-step").addEventListener("click", function () { addStep(); focusPanel(); });
  document.getElementById("qd-save").addEventListener("click", save);
  var publishButton = document.getElementById("qd-publish");
  if (publishButton) publishButton.addEventListener("click", publish);
  document.getElementById("qd-preview-step").addEventListener("change", function (event) { state.previewStep = Number(event.target.value); renderPreview(); });
  window.addEventListener("beforeunload", function (event) { if (state.dirty) { event.preventDefault(); event.returnValue = ""; } });
  render();
  }
})();
