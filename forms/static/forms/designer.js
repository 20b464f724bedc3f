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
  var NUMBERS = ["integer", "decimal"];
  var WITH_CHOICES = setup.with_choices || ["choice", "multichoice"];
  // The kinds the condition builder knows by name; any other answer compares as text.
  var BUILDER_TYPES = ["integer", "decimal", "text", "date", "boolean", "choice", "multichoice"];
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
    };
    schema.steps.forEach(rename);
    allFields().forEach(rename);
  }
  function newField(kind) {
    var spec = { _id: nextId++, key: "", kind: kind, label: { it: "", en: "" } };
    if (kind !== "note") {
      Object.assign(spec, { help: { it: "", en: "" }, required: false, visible_if: null, computed: null, prefill: null, validations: {} });
    } else {
      spec.visible_if = null;
    }
    if (WITH_CHOICES.indexOf(kind) >= 0) spec.choices = [];
    if (kind === "decimal") spec.decimal_places = 2;
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
  function refreshCanvasSoon() {
    clearTimeout(refreshCanvasSoon.timer);
    refreshCanvasSoon.timer = setTimeout(function () { renderSteps(); renderPreview(); }, 150);
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
  function term(name, f) {
    var entry = { name: name, label: it(f.label) || f.key, type: BUILDER_TYPES.indexOf(f.kind) >= 0 ? f.kind : "text" };
    if (f.choices) entry.choices = f.choices.map(function (c) { return { value: c.value, label: it(c.label) || c.value }; });
    return entry;
  }
  // A logic property: a textarea the condition builder drives (raw JSON stays editable).
  function logicBox(name, labelText, value, mode, onvalue, vocab) {
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
        try { window.SisoConditions.mount(area, { vocabulary: vocab, mode: mode }); } catch (e) { /* the textarea stays usable */ }
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
    if (spec.kind !== "note") {
      body.appendChild(row(T.help, input(it(spec.help), function (v) { spec.help = pair(v, spec.help); changed(); refreshCanvasSoon(); })));
      requiredControl(body, spec, group);
      if (WITH_CHOICES.indexOf(spec.kind) >= 0) choicesEditor(body, spec);
      limits(body, spec);
      body.appendChild(logicBox("visible_if", T.visible_if, spec.visible_if, "condition", function (v) { spec.visible_if = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
      if (spec.kind !== "group" && spec.kind !== "file") {
        body.appendChild(logicBox("computed", T.computed, spec.computed, "value", function (v) { spec.computed = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
      }
      body.appendChild(row(T.prefill, selectBox(setup.prefill, spec.prefill, function (v) { spec.prefill = v || null; changed(); })));
      if (!group) {
        body.appendChild(row(T.fact, selectBox(setup.facts, spec.fact, function (v) { if (v) spec.fact = v; else delete spec.fact; changed(); })));
      }
    } else {
      body.appendChild(logicBox("visible_if", T.visible_if, spec.visible_if, "condition", function (v) { spec.visible_if = v; changed(); refreshCanvasSoon(); }, vocabulary(spec, group)));
    }
    keyInput = input(spec.key, function (v) { setKey(spec, v.trim()); spec._keyLocked = true; changed(); refreshCanvasSoon(); }, { "data-prop": "key" });
    var extra = [row(T.key, keyInput, T.key_help), row(T.label_en, input((spec.label || {}).en, function (v) { spec.label = { it: it(spec.label), en: v }; changed(); }))];
    if (spec.kind !== "note") {
      var checks = spec.validations = spec.validations || {};
      extra.push(row(T.help_en, input((spec.help || {}).en, function (v) { spec.help = { it: it(spec.help), en: v }; changed(); })));
      if (["text", "textarea", "email", "phone", "tax_code"].indexOf(spec.kind) >= 0) {
        extra.push(row(T.min_length, numberInput(checks.min_length, function (v) { setCheck(spec, "min_length", v); })));
        extra.push(row(T.max_length, numberInput(checks.max_length, function (v) { setCheck(spec, "max_length", v); })));
        extra.push(row(T.pattern, input(checks.pattern, function (v) { setCheck(spec, "pattern", v || null); })));
      }
    }
    body.appendChild(advanced(extra));
  }
  function numberInput(value, onvalue) {
    return input(value, function (v) {
      var text = v.trim().replace(",", ".");
      onvalue(text === "" || isNaN(Number(text)) ? null : Number(text));
    }, { inputmode: "decimal" });
  }
  function setCheck(spec, name, value) {
    spec.validations = spec.validations || {};
    if (value === null || value === undefined || value === "") delete spec.validations[name];
    else spec.validations[name] = value;
    changed(); refreshCanvasSoon();
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
  function choicesEditor(body, spec) {
    var list = el("ol", { class: "qd-choices" });
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
        list.appendChild(el("li", {}, [
          el("label", { for: id, class: "qd-choice__label", text: fmt(T.choice_n, { n: index + 1 }) }), text,
          el("button", { type: "button", class: "button button-small button-secondary no", "aria-label": fmt(T.remove_choice_named, { n: index + 1 }), onclick: function () {
            spec.choices.splice(index, 1); changed(); draw(); refreshCanvasSoon();
          } }, [T.remove])
        ]));
      });
    }
    draw();
    body.appendChild(el("fieldset", { class: "qd-prop" }, [el("legend", { text: T.choices }), list,
      el("button", { type: "button", class: "button button-small", "data-action": "add-choice", onclick: function () {
        spec.choices.push({ value: "scelta_" + (spec.choices.length + 1), label: { it: "", en: "" }, _new: true });
        changed(); draw(); refreshCanvasSoon();
        var inputs = list.querySelectorAll("input"); inputs[inputs.length - 1].focus();
      } }, [T.add_choice])
    ]));
  }
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
    if (spec.kind === "decimal") {
      body.appendChild(row(T.decimal_places, selectBox([0, 1, 2, 3, 4, 5, 6].map(function (n) { return [n, String(n)]; }), spec.decimal_places == null ? 2 : spec.decimal_places, function (v) { spec.decimal_places = Number(v); changed(); })));
    }
    if (spec.kind === "group") {
      body.appendChild(row(T.min_rows, numberInput(spec.min_rows, function (v) { spec.min_rows = v; changed(); })));
      body.appendChild(row(T.max_rows, numberInput(spec.max_rows, function (v) { spec.max_rows = v; changed(); })));
    }
    if (spec.kind === "file") {
      body.appendChild(row(T.extensions, input((checks.extensions || []).join(", "), function (v) {
        var list = v.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
        setCheck(spec, "extensions", list.length ? list : null);
      })));
      body.appendChild(row(T.max_size_kb, numberInput(checks.max_size ? checks.max_size / 1024 : null, function (v) { setCheck(spec, "max_size", v ? Math.round(v * 1024) : null); })));
    }
  }

  // ---- preview ----------------------------------------------------------------------------
  function number(text) {
    if (text === "" || text == null) return null;
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
  function typed(spec, raw) {
    if (raw == null || raw === "") return null;
    if (NUMBERS.indexOf(spec.kind) >= 0) return number(raw);
    if (spec.kind === "boolean") return raw === "true";
    if (spec.kind === "tax_code") return String(raw).toUpperCase();
    if (spec.kind === "multichoice") return raw.length ? raw : null;
    return raw;
  }
  // The answers as the wizard's logic sees them: hidden fields empty, computed values filled.
  function evaluate() {
    var scope = {}, shown = {};
    var tops = [];
    schema.steps.forEach(function (step) { step.fields.forEach(function (f) { tops.push({ step: step, spec: f }); }); });
    tops.forEach(function (t) { scope[t.spec.key] = typed(t.spec, state.answers[t.spec.key]); });
    for (var pass = 0; pass < 4; pass++) { // computed values may read each other (no cycles: the server checks)
      tops.forEach(function (t) {
        var spec = t.spec;
        var visible = (t.step.visible_if == null || holds(t.step.visible_if, scope)) &&
          (spec.visible_if == null || holds(spec.visible_if, scope));
        shown[spec.key] = visible;
        if (!visible) { scope[spec.key] = null; return; }
        if (spec.computed != null) {
          var value = apply(spec.computed, scope);
          scope[spec.key] = value === BROKEN || value === undefined || (typeof value === "number" && !isFinite(value)) ? null : value;
        } else {
          scope[spec.key] = typed(spec, state.answers[spec.key]);
        }
      });
    }
    return { scope: scope, shown: shown };
  }
  function shownValue(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return String(value).replace(".", ",");
    if (typeof value === "boolean") return value ? T.yes : T.no;
    return String(value);
  }
  function previewControl(spec) {
    var id = "qd-preview-" + spec._id;
    var answer = state.answers[spec.key];
    var set = function (v) { state.answers[spec.key] = v; updatePreview(); };
    if (spec.kind === "note") return el("p", { class: "qd-note", text: it(spec.label) });
    var labelText = it(spec.label) || spec.key;
    var required = el("span", { class: "qd-required", "data-required": spec.key });
    var help = it(spec.help) ? el("p", { class: "help", text: it(spec.help) }) : null;
    if (spec.kind === "choice" || spec.kind === "boolean" || spec.kind === "multichoice") {
      var options = spec.kind === "boolean" ? [{ value: "true", label: { it: T.yes } }, { value: "false", label: { it: T.no } }] : (spec.choices || []);
      var multi = spec.kind === "multichoice";
      return el("fieldset", { class: "qd-preview__field", "data-preview": spec.key }, [el("legend", {}, [labelText, required])].concat(options.map(function (c, i) {
        var oid = id + "-" + i;
        var checked = multi ? (answer || []).indexOf(String(c.value)) >= 0 : answer === String(c.value);
        return el("span", { class: "qd-radio" }, [
          el("input", { type: multi ? "checkbox" : "radio", name: id, id: oid, value: String(c.value), checked: checked ? true : null, onchange: function (event) {
            if (!multi) { set(event.target.value); return; }
            var picked = Array.prototype.filter.call(document.getElementsByName(id), function (b) { return b.checked; }).map(function (b) { return b.value; });
            set(picked);
          } }),
          el("label", { for: oid, text: it(c.label) || String(c.value) })
        ]);
      })).concat([help]));
    }
    if (spec.kind === "group") {
      return el("fieldset", { class: "qd-preview__field", "data-preview": spec.key }, [el("legend", { text: labelText }), el("p", { class: "help", text: fmt(T.group_preview, { n: (spec.fields || []).length }) })]);
    }
    var attrs = { id: id, type: spec.kind === "date" ? "date" : spec.kind === "email" ? "email" : spec.kind === "file" ? "file" : "text", "data-input": spec.key };
    if (NUMBERS.indexOf(spec.kind) >= 0) attrs.inputmode = "decimal";
    if (spec.computed != null) attrs.readonly = true;
    var box = spec.kind === "textarea" ? el("textarea", { id: id, rows: "2", "data-input": spec.key }) : el("input", attrs);
    if (spec.kind !== "file") box.value = answer == null ? "" : answer;
    box.addEventListener("input", function (event) { if (spec.computed == null) set(event.target.value); });
    return el("div", { class: "qd-preview__field", "data-preview": spec.key }, [el("label", { for: id }, [labelText, required]), box, help]);
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
    step.fields.forEach(function (spec) { body.appendChild(previewControl(spec)); });
    updatePreview();
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
      var box = document.querySelector('#qd-preview-body [data-preview="' + spec.key + '"]');
      if (!box) return;
      box.hidden = result.shown[spec.key] === false;
      if (spec.computed != null) {
        var field = box.querySelector("[data-input]");
        if (field) field.value = shownValue(result.scope[spec.key]);
      }
      var mark = box.querySelector("[data-required]");
      if (mark) {
        var req = spec.required === true || (spec.required && typeof spec.required === "object" && apply(spec.required, result.scope) !== BROKEN && jsonLogic.truthy(apply(spec.required, result.scope)));
        mark.textContent = req ? " (" + T.badge_required + ")" : "";
      }
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
