/* A questionnaire on the device (docs/app.md): the fields of every kind the app renders, the
 * answers read from them, and the rules applied to them as forms/validation.py applies them.
 *
 *   SisoQuestionnaire.evaluate(form, answers)  the data logic reads, walked in the server's
 *       order (dependencies first), groups' rows cleaned as the server cleans them; with the
 *       fields and steps shown and, per group, what each row shows and computes
 *   SisoQuestionnaire.fieldBox(spec, answers)  a field's labelled controls (a group: its rows)
 *   SisoQuestionnaire.read(container, answers) what is typed or picked in the step, into answers
 *   SisoQuestionnaire.apply(container, form, answers)  visibility, computed values and choice
 *       filters (cascading selects), live; an option a filter leaves out is unpicked
 *   SisoQuestionnaire.click(event, form, answers)  add or remove a row, move a ranked choice,
 *       find the device's position; true when the step must be drawn again
 *   SisoQuestionnaire.check(container, form, step, answers)  the step's answers, in Italian
 *   SisoQuestionnaire.toSend(form, answers)    the answers the API takes, as the web sends them
 *   SisoQuestionnaire.filesToSend(form, answers)  the files chosen, each named by its answer's
 *       path (`documents`, `members[0].document`): the parts of the multipart request
 *   SisoQuestionnaire.prefill(form, values)    the answers a person's prefill values give
 *
 * The raw answers (what the draft keeps) are the typed text, a list of picked values, a list
 * of rows ({child: raw}) for a group, {street, ...} for an address, {lat, lon, ...} for a
 * position, {order, ranked} for a ranking and {name, size, content_type, blob} for a file or an
 * image (the Blob is kept in IndexedDB with the draft). The server checks everything again.
 * Load logic.js, logic-ops.js and logic-run.js first; setup() gives it the app's texts.
 */
(function (root) {
  "use strict";

  const NUMBERS = ["integer", "decimal", "range"];
  const INPUT_TYPES = { date: "date", time: "time", datetime: "datetime-local", email: "email", phone: "tel" };
  const SIMPLE = ["text", "textarea", "tax_code", "email", "phone", "date", "time", "datetime", ...NUMBERS];
  const SELECTS = ["choice", "boolean"];
  const FILES = ["file", "image"];
  const RENDERED = [...SIMPLE, ...SELECTS, "multichoice", "group", "address", "geopoint", "rank", ...FILES];
  // What an image question takes when it names no extensions (forms/validation.py).
  const IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp", "heic", "bmp", "tif", "tiff"];
  const ADDRESS_PARTS = ["street", "number", "postcode", "municipality", "locality"];
  const GEOPOINT_PARTS = ["lat", "lon", "alt", "accuracy"];
  const SHOWN_GEOPOINT_PARTS = ["lat", "lon"]; // altitude and accuracy come from the device
  const POSTCODE = /^[0-9]{5}$/;

  let ctx = { label: (value) => value || "", text: (key) => key, formatNumber: String };

  function setup(options) {
    ctx = { ...ctx, ...options };
  }

  const isEmpty = (raw) => {
    if (raw === undefined || raw === null || raw === "") return true;
    if (typeof raw === "string") return !raw.trim();
    if (Array.isArray(raw)) return !raw.length;
    if (typeof raw === "object") {
      if ("ranked" in raw) return !raw.ranked;
    if ("blob" in raw) return !raw.blob;
      return Object.values(raw).every(isEmpty);
    }
    return false;
  };

  const typed = (spec) => RENDERED.includes(spec.kind) && !spec.computed;

  /* The order the server walks (forms/schema.py evaluation_order): a field after the fields its
   * visibility, computed value, choice filter and its step's visibility read. */

  function variables(rule, names = new Set()) {
    if (Array.isArray(rule)) {
      rule.forEach((part) => variables(part, names));
      return names;
    }
    if (!rule || typeof rule !== "object") return names;
    const [op] = Object.keys(rule);
    if (Object.keys(rule).length !== 1) return names;
    let values = rule[op];
    if (!Array.isArray(values)) values = [values];
    if (op === "var") {
      if (typeof values[0] === "string" || typeof values[0] === "number") {
        if (values[0] !== "") names.add(String(values[0]).split(".")[0]);
      } else variables(values[0], names);
      variables(values.slice(1), names);
    } else if (op === "missing" || op === "missing_some") {
      const keys = op === "missing_some" ? values[1] : values;
      for (const key of Array.isArray(keys) ? keys : [keys]) {
        if (typeof key === "string") names.add(key.split(".")[0]);
        else variables(key, names);
      }
    } else if (["map", "filter", "reduce", "all", "none", "some"].includes(op)) {
      variables(values[0], names);
      if (op === "reduce") variables(values[2], names);
    } else variables(values, names);
    return names;
  }

  const orders = new WeakMap();
  function order(form) {
    if (orders.has(form)) return orders.get(form);
    const byKey = new Map();
    const deps = new Map();
    for (const step of form.layout.steps) {
      for (const spec of step.fields) {
        byKey.set(spec.key, { spec, step });
        const rules = [step.visible_if, spec.visible_if, spec.computed, spec.choice_filter];
        if (spec.kind === "hidden" && spec.default && typeof spec.default === "object") rules.push(spec.default);
        for (const child of spec.fields || []) rules.push(child.visible_if, child.computed, child.choice_filter);
        const names = new Set();
        rules.filter((rule) => rule !== null && rule !== undefined).forEach((rule) => variables(rule, names));
        deps.set(spec.key, names);
      }
    }
    const walked = [];
    const state = new Map();
    const visit = (key) => {
      if (state.get(key)) return; // done, or in a circle (a version with one is never published)
      state.set(key, "visiting");
      for (const name of deps.get(key)) if (byKey.has(name) && name !== key) visit(name);
      state.set(key, "done");
      walked.push(byKey.get(key));
    };
    for (const key of byKey.keys()) visit(key);
    orders.set(form, walked);
    return walked;
  }

  /* Values as logic reads them (forms/validation.py's coercion), or null. */

  function plainNumber(raw) {
    if (typeof raw === "number") return isFinite(raw) ? raw : null;
    const text = String(raw ?? "").trim().replace(",", ".");
    if (!text || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
    const value = Number(text);
    return isFinite(value) ? value : null;
  }

  function address(raw) {
    if (!raw || typeof raw !== "object") return { value: null, error: isEmpty(raw) ? "" : "address_incomplete" };
    const value = {};
    for (const part of ADDRESS_PARTS) if (!isEmpty(raw[part])) value[part] = String(raw[part]).trim();
    if (!Object.keys(value).length) return { value: null, error: "" };
    if (!value.street || !value.municipality) return { value: null, error: "address_incomplete" };
    if (value.postcode && !POSTCODE.test(value.postcode)) return { value: null, error: "postcode" };
    return { value, error: "" };
  }

  function geopoint(raw) {
    if (isEmpty(raw)) return { value: null, error: "" };
    const value = {};
    for (const part of GEOPOINT_PARTS) {
      if (isEmpty(raw[part])) continue;
      const number = plainNumber(raw[part]);
      if (number === null) return { value: null, error: "geo_number" };
      value[part] = number;
    }
    if (value.lat === undefined || value.lon === undefined) return { value: null, error: "geo_missing" };
    if (value.lat < -90 || value.lat > 90) return { value: null, error: "geo_lat" };
    if (value.lon < -180 || value.lon > 180) return { value: null, error: "geo_lon" };
    return { value, error: "" };
  }

  function logicValue(spec, raw) {
    if (isEmpty(raw)) return null;
    if (NUMBERS.includes(spec.kind)) return SisoLogic.number(raw);
    if (spec.kind === "boolean") return raw === true || raw === "true";
    if (spec.kind === "tax_code") return String(raw).trim().toUpperCase().replace(/ /g, "");
    if (spec.kind === "address") return address(raw).value;
    if (spec.kind === "geopoint") return geopoint(raw).value;
    if (spec.kind === "rank") return raw.ranked ? [...raw.order] : null;
    if (spec.kind === "multichoice") return Array.isArray(raw) ? [...raw] : [raw];
    if (FILES.includes(spec.kind)) return { name: raw.name, size: raw.size, content_type: raw.content_type };
    return typeof raw === "string" ? raw.trim() || null : raw;
  }

  function hiddenValue(spec, scope) {
    const value = spec.default && typeof spec.default === "object" ? SisoLogic.computed(spec.default, scope) : spec.default;
    return value === "" || value === undefined ? null : value;
  }

  // A group's rows as forms/validation.py cleans them: a blank row is no row, a row's field
  // not shown is no answer, a row's computed value reads the row so far (`row`, `row_index`).
  function groupRows(spec, raw, data) {
    const rows = [];
    const info = [];
    (Array.isArray(raw) ? raw : []).forEach((rawRow, index) => {
      const row = {};
      const scope = { ...data, row, row_index: index };
      const shown = new Set();
      const blank = Object.values(rawRow || {}).every(isEmpty);
      for (const child of spec.fields || []) {
        if (!SisoLogic.visible(child.visible_if, scope)) continue;
        shown.add(child.key);
        if (blank) continue;
        if (child.computed) row[child.key] = SisoLogic.computed(child.computed, scope) ?? null;
        else if (child.kind === "hidden") row[child.key] = hiddenValue(child, scope);
        else if (child.kind !== "note") row[child.key] = logicValue(child, rawRow[child.key]);
      }
      info.push({ shown, row, scope, blank });
      const kept = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
      if (Object.keys(kept).length) rows.push(kept);
    });
    return { value: rows.length ? rows : null, info };
  }

  function evaluate(form, answers) {
    const data = {};
    const shownSteps = new Set();
    const stepSeen = new Map();
    const shown = new Set();
    const rows = {};
    for (const { spec, step } of order(form)) {
      if (!stepSeen.has(step.key)) {
        stepSeen.set(step.key, SisoLogic.visible(step.visible_if, data));
        if (stepSeen.get(step.key)) shownSteps.add(step.key);
      }
      if (!stepSeen.get(step.key) || !SisoLogic.visible(spec.visible_if, data)) {
        data[spec.key] = null;
        continue;
      }
      shown.add(spec.key);
      if (spec.kind === "group") {
        const cleaned = groupRows(spec, answers[spec.key], data);
        data[spec.key] = cleaned.value;
        rows[spec.key] = cleaned.info;
      } else if (spec.computed) data[spec.key] = SisoLogic.computed(spec.computed, data) ?? null;
      else if (spec.kind === "hidden") data[spec.key] = hiddenValue(spec, data);
      else if (spec.kind !== "note") data[spec.key] = logicValue(spec, answers[spec.key]);
    }
    // A step none of whose fields was walked (only notes, say) is judged on the final data.
    for (const step of form.layout.steps) {
      if (!stepSeen.has(step.key) && SisoLogic.visible(step.visible_if, data)) shownSteps.add(step.key);
    }
    return { data, shown, shownSteps, rows };
  }

  /* Drawing */

  function element(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("aria-") || name === "role" || name === "for") node.setAttribute(name, value);
      else node[name] = value;
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function options(pairs) {
    const select = [element("option", { value: "", textContent: ctx.text("choose") })];
    for (const [optionValue, optionLabel] of pairs) {
      select.push(element("option", { value: optionValue, textContent: optionLabel }));
    }
    return select;
  }

  const choiceColumns = (choice) => ({ ...(choice.columns || {}), name: String(choice.value) });

  function simpleControl(spec, id, raw) {
    if (spec.computed) {
      return element("input", { type: "text", id, className: "form-control", readOnly: true, dataset: { computed: "" } });
    }
    if (SELECTS.includes(spec.kind)) {
      const select = element("select", { id });
      if (spec.kind === "boolean") select.append(...options([["true", ctx.text("yes")], ["false", ctx.text("no")]]));
      else {
        select.append(element("option", { value: "", textContent: ctx.text("choose") }));
        for (const choice of spec.choices || []) {
          const option = element("option", { value: String(choice.value), textContent: ctx.label(choice.label) });
          option.dataset.choice = JSON.stringify(choiceColumns(choice));
          select.append(option);
        }
      }
      select.value = raw === true ? "true" : raw === false ? "false" : raw ?? "";
      return select;
    }
    const input = element(spec.kind === "textarea" ? "textarea" : "input", { id, className: "form-control" });
    if (spec.kind !== "textarea") input.type = INPUT_TYPES[spec.kind] || "text";
    if (NUMBERS.includes(spec.kind)) input.inputMode = spec.kind === "integer" ? "numeric" : "decimal";
    input.value = raw ?? "";
    return input;
  }

  function help(spec, id, described) {
    const text = ctx.label(spec.help);
    if (!text) return null;
    described.push(`${id}-help`);
    return element("small", { className: "form-text", id: `${id}-help`, textContent: text });
  }

  const errorNode = (id) => element("div", { className: "invalid-feedback", id: `${id}-error` });

  // A field's box: data-key and data-kind say what it is; `path` is its place (a row's field:
  // group-index-key) and makes its ids unique.
  function fieldBox(spec, answers, path = spec.key) {
    const id = `q-${path}`;
    const raw = answers[spec.key];
    const described = [`${id}-error`];
    const caption = ctx.label(spec.label) || spec.key;
    const dataset = { key: spec.key, kind: spec.kind, path };
    if (spec.kind === "note") return element("div", { className: "form-group", dataset }, element("p", { textContent: caption }));
    if (spec.kind === "group") return groupBox(spec, raw, id, dataset, caption);
    if (["multichoice", "address", "geopoint", "rank"].includes(spec.kind) && !spec.computed) {
      const box = element("fieldset", { className: "form-group app-fieldset", dataset }, element("legend", { className: "h6", textContent: caption }));
      const helpNode = help(spec, id, described);
      if (helpNode) box.append(helpNode);
      if (spec.kind === "multichoice") box.append(...multichoice(spec, id, raw));
      if (spec.kind === "address") box.append(...addressParts(id, raw));
      if (spec.kind === "geopoint") box.append(...geoParts(id, raw));
      if (spec.kind === "rank") box.append(...rankList(spec, id, raw));
      box.append(errorNode(id));
      box.setAttribute("aria-describedby", described.join(" "));
      return box;
    }
    const box = element("div", { className: "form-group", dataset });
    if (SELECTS.includes(spec.kind) && !spec.computed) box.classList.add("select-wrapper");
    const labelNode = element("label", { className: "active", textContent: caption });
    box.append(labelNode);
    if (!typed(spec) && !spec.computed) {
      box.append(element("p", { className: "small", textContent: ctx.text("on_the_web") }));
      return box;
    }
    labelNode.htmlFor = id;
    const input = FILES.includes(spec.kind) ? fileInput(spec, id) : simpleControl(spec, id, raw);
    box.append(input);
    if (FILES.includes(spec.kind)) box.append(...fileKept(id, raw, described));
    const helpNode = help(spec, id, described);
    if (helpNode) box.append(helpNode);
    box.append(errorNode(id));
    input.setAttribute("aria-describedby", described.join(" "));
    return box;
  }

  const extensionsOf = (spec) => {
    const named = ((spec.validations || {}).extensions || []).map((ext) => String(ext).toLowerCase().replace(/^\./, ""));
    return named.length || spec.kind !== "image" ? named : IMAGE_EXTENSIONS;
  };

  // A file or an image: the camera for an image, as the activity report's photo.
  function fileInput(spec, id) {
    const input = element("input", { type: "file", id, className: "form-control" });
    if (spec.kind === "image") {
      input.accept = "image/*";
      input.setAttribute("capture", "environment");
    } else if (extensionsOf(spec).length) input.accept = extensionsOf(spec).map((ext) => `.${ext}`).join(",");
    return input;
  }

  // The file kept with the draft (a file input cannot show it again), and a way to drop it.
  function fileKept(id, raw, described) {
    if (!raw || !raw.blob) return [];
    described.push(`${id}-kept`);
    return [
      element("p", { className: "small mb-1", id: `${id}-kept`, textContent: ctx.text("file_kept", { name: raw.name }) }),
      element("button", { type: "button", className: "btn btn-outline-danger btn-xs", textContent: ctx.text("remove_file"), dataset: { removeFile: "" } }),
    ];
  }

  function multichoice(spec, id, raw) {
    return (spec.choices || []).map((choice, index) => {
      const box = element("input", { type: "checkbox", id: `${id}-${index}`, value: String(choice.value), className: "form-check-input" });
      box.dataset.choice = JSON.stringify(choiceColumns(choice));
      box.checked = Array.isArray(raw) && raw.includes(String(choice.value));
      return element("div", { className: "form-check" }, box,
        element("label", { className: "form-check-label", htmlFor: box.id, textContent: ctx.label(choice.label) }));
    });
  }

  function partInput(id, part, value, extra = {}) {
    return element("div", { className: "form-group" },
      element("label", { className: "active", htmlFor: `${id}-${part}`, textContent: ctx.text(`part_${part}`) }),
      element("input", { type: "text", className: "form-control", id: `${id}-${part}`, value: value ?? "", dataset: { part }, ...extra }));
  }

  function addressParts(id, raw) {
    const value = raw && typeof raw === "object" ? raw : {};
    return ADDRESS_PARTS.map((part) => partInput(id, part, value[part], part === "postcode" ? { inputMode: "numeric" } : {}));
  }

  function geoParts(id, raw) {
    const value = raw && typeof raw === "object" ? raw : {};
    const nodes = SHOWN_GEOPOINT_PARTS.map((part) => partInput(id, part, value[part], { inputMode: "decimal" }));
    for (const part of ["alt", "accuracy"]) {
      nodes.push(element("input", { type: "hidden", value: value[part] ?? "", dataset: { part } }));
    }
    nodes.push(element("button", { type: "button", className: "btn btn-outline-primary btn-xs", textContent: ctx.text("use_position"), dataset: { geolocate: "" } }));
    nodes.push(element("p", { className: "small", role: "status", dataset: { geoStatus: "" } }));
    return nodes;
  }

  function rankOrder(spec, raw) {
    const values = (spec.choices || []).map((choice) => String(choice.value));
    const order = raw && Array.isArray(raw.order) ? raw.order.filter((value) => values.includes(value)) : [];
    return [...order, ...values.filter((value) => !order.includes(value))];
  }

  function rankList(spec, id, raw) {
    const labels = Object.fromEntries((spec.choices || []).map((choice) => [String(choice.value), ctx.label(choice.label)]));
    const list = element("ol", { className: "app-rank", id });
    for (const value of rankOrder(spec, raw)) {
      list.append(element("li", { dataset: { value } },
        element("span", { className: "app-rank-label", textContent: labels[value] }),
        element("button", { type: "button", className: "btn btn-outline-primary btn-xs", textContent: "↑", "aria-label": `${ctx.text("move_up")} ${labels[value]}`, dataset: { move: "-1" } }),
        element("button", { type: "button", className: "btn btn-outline-primary btn-xs", textContent: "↓", "aria-label": `${ctx.text("move_down")} ${labels[value]}`, dataset: { move: "1" } })));
    }
    const accepted = element("input", { type: "checkbox", className: "form-check-input", id: `${id}-ranked`, checked: Boolean(raw && raw.ranked), dataset: { ranked: "" } });
    return [
      element("p", { className: "small", textContent: ctx.text("rank_help") }),
      list,
      element("div", { className: "form-check" }, accepted,
        element("label", { className: "form-check-label", htmlFor: accepted.id, textContent: ctx.text("rank_accept") })),
    ];
  }

  function groupBox(spec, raw, id, dataset, caption) {
    const rows = Array.isArray(raw) ? raw : [];
    const box = element("fieldset", { className: "form-group app-fieldset app-group", dataset }, element("legend", { className: "h6", textContent: caption }));
    const described = [`${id}-error`];
    const helpNode = help(spec, id, described);
    if (helpNode) box.append(helpNode);
    rows.forEach((row, index) => {
      const rowBox = element("fieldset", { className: "app-row", dataset: { row: String(index), group: spec.key } },
        element("legend", { className: "h6", textContent: ctx.text("row_n", { number: index + 1 }) }));
      for (const child of spec.fields || []) {
        if (child.kind === "hidden") continue;
        rowBox.append(fieldBox(child, row || {}, `${spec.key}-${index}-${child.key}`));
      }
      rowBox.append(element("button", { type: "button", className: "btn btn-outline-danger btn-xs", textContent: ctx.text("remove_row"),
        "aria-label": `${ctx.text("remove_row")} ${ctx.text("row_n", { number: index + 1 })}`, dataset: { removeRow: String(index) } }));
      box.append(rowBox);
    });
    const full = spec.max_rows && rows.length >= Number(spec.max_rows);
    box.append(element("button", { type: "button", className: "btn btn-outline-primary btn-xs", textContent: ctx.text("add_row"), disabled: Boolean(full), dataset: { addRow: "" } }));
    if (full) box.append(element("p", { className: "small", textContent: ctx.text("rows_max", { max: spec.max_rows }) }));
    box.append(errorNode(id));
    box.setAttribute("aria-describedby", described.join(" "));
    return box;
  }

  /* Reading */

  // The boxes that are the container's own: the step's fields, or a row's (not those inside
  // a row of the step, nor those inside another row).
  function boxesIn(container) {
    const scope = container;
    return [...scope.querySelectorAll("[data-key]")].filter((box) => {
      const holder = box.parentElement.closest("[data-row], [data-key]");
      return scope.matches("[data-row]") ? holder === scope : !holder || !scope.contains(holder);
    });
  }

  function readBox(box, spec, previous) {
    const { kind } = box.dataset;
    if (kind === "multichoice") return [...box.querySelectorAll("input[type=checkbox]:checked")].map((input) => input.value);
    if (kind === "address" || kind === "geopoint") {
      const value = {};
      for (const input of box.querySelectorAll("[data-part]")) value[input.dataset.part] = input.value;
      return value;
    }
    if (kind === "rank") {
      return {
        order: [...box.querySelectorAll("li[data-value]")].map((item) => item.dataset.value),
        ranked: box.querySelector("[data-ranked]").checked,
      };
    }
    if (kind === "group") {
      return [...box.querySelectorAll(":scope > [data-row]")].map((rowBox, index) => {
        const row = { ...((previous || [])[index] || {}) };
        for (const child of boxesIn(rowBox)) {
          const childSpec = (spec.fields || []).find((field) => field.key === child.dataset.key);
          if (childSpec && typed(childSpec)) row[childSpec.key] = readBox(child, childSpec, row[childSpec.key]);
        }
        return row;
      });
    }
    const input = box.querySelector("input, select, textarea");
    if (input && input.type === "file") {
      const file = input.files[0];
      return file ? { name: file.name, size: file.size, content_type: file.type || "", blob: file } : previous;
    }
    return input ? input.value : previous;
  }

  function specsOf(form) {
    const specs = {};
    for (const step of form.layout.steps) for (const spec of step.fields) specs[spec.key] = spec;
    return specs;
  }

  function read(container, form, answers) {
    const specs = specsOf(form);
    for (const box of boxesIn(container)) {
      const spec = specs[box.dataset.key];
      if (!spec || !typed(spec)) continue;
      answers[spec.key] = readBox(box, spec, answers[spec.key]);
    }
  }

  /* Live rules */

  function show(box, visible) {
    box.hidden = !visible;
  }

  function formatted(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return ctx.formatNumber(value);
    if (typeof value === "boolean") return ctx.text(value ? "yes" : "no");
    return String(value);
  }

  // The options a choice filter leaves out are hidden and unpicked; true if one was unpicked.
  function filterChoices(box, spec, scope) {
    if (spec.choice_filter === null || spec.choice_filter === undefined) return false;
    let unpicked = false;
    for (const option of box.querySelectorAll("[data-choice]")) {
      const keep = SisoLogic.truthy(spec.choice_filter, { ...scope, choice: JSON.parse(option.dataset.choice) });
      const holder = option.tagName === "OPTION" ? option : option.closest(".form-check");
      holder.hidden = !keep;
      option.disabled = !keep;
      if (!keep && (option.checked || option.selected)) {
        option.checked = false;
        option.selected = false;
        if (option.tagName === "OPTION") option.parentElement.value = "";
        unpicked = true;
      }
    }
    return unpicked;
  }

  function apply(container, form, answers) {
    for (let round = 0; round < 3; round += 1) {
      const result = evaluate(form, answers);
      const specs = specsOf(form);
      let unpicked = false;
      for (const box of boxesIn(container)) {
        const spec = specs[box.dataset.key];
        if (!spec) continue;
        show(box, result.shown.has(spec.key));
        if (spec.computed) box.querySelector("[data-computed]").value = formatted(result.data[spec.key]);
        if (spec.kind !== "group") {
          if (result.shown.has(spec.key)) unpicked = filterChoices(box, spec, result.data) || unpicked;
          continue;
        }
        const info = result.rows[spec.key] || [];
        box.querySelectorAll(":scope > [data-row]").forEach((rowBox, index) => {
          const rowInfo = info[index];
          if (!rowInfo) return;
          for (const child of boxesIn(rowBox)) {
            const childSpec = (spec.fields || []).find((field) => field.key === child.dataset.key);
            if (!childSpec) continue;
            show(child, rowInfo.shown.has(childSpec.key));
            if (childSpec.computed) child.querySelector("[data-computed]").value = formatted(rowInfo.row[childSpec.key]);
            if (rowInfo.shown.has(childSpec.key)) unpicked = filterChoices(child, childSpec, rowInfo.scope) || unpicked;
          }
        });
      }
      if (!unpicked) return result;
      read(container, form, answers); // an option left out is no answer: the rules again
    }
    return evaluate(form, answers);
  }

  /* Actions inside a step */

  function click(event, form, answers, onChange) {
    const button = event.target.closest("[data-add-row], [data-remove-row], [data-move], [data-geolocate], [data-remove-file]");
    if (!button) return false;
    if (button.dataset.removeFile !== undefined) {
      const fileBox = button.closest("[data-key]");
      const rowBox = fileBox.closest("[data-row]");
      const owner = rowBox ? answers[rowBox.dataset.group][Number(rowBox.dataset.row)] : answers;
      delete owner[fileBox.dataset.key];
      return true;
    }
    const box = button.closest("[data-key]"); // the group, for a row's buttons
    const spec = specsOf(form)[box.dataset.key];
    if (button.dataset.addRow !== undefined) {
      const rows = Array.isArray(answers[spec.key]) ? answers[spec.key] : [];
      if (spec.max_rows && rows.length >= Number(spec.max_rows)) return false;
      answers[spec.key] = [...rows, {}];
      return true;
    }
    if (button.dataset.removeRow !== undefined) {
      const rows = Array.isArray(answers[spec.key]) ? [...answers[spec.key]] : [];
      rows.splice(Number(button.dataset.removeRow), 1);
      answers[spec.key] = rows;
      return true;
    }
    if (button.dataset.move !== undefined) {
      const item = button.closest("li");
      const other = button.dataset.move === "-1" ? item.previousElementSibling : item.nextElementSibling;
      if (!other) return false;
      if (button.dataset.move === "-1") item.parentNode.insertBefore(item, other);
      else item.parentNode.insertBefore(other, item);
      box.querySelector("[data-ranked]").checked = true; // moving a choice is ranking
      button.focus();
      onChange();
      return false;
    }
    const status = box.querySelector("[data-geo-status]");
    if (!navigator.geolocation) {
      status.textContent = ctx.text("geo_failed");
      return false;
    }
    status.textContent = ctx.text("geo_searching");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const coords = position.coords;
        const values = { lat: coords.latitude, lon: coords.longitude, alt: coords.altitude, accuracy: coords.accuracy };
        for (const input of box.querySelectorAll("[data-part]")) {
          const value = values[input.dataset.part];
          input.value = value === null || value === undefined ? "" : String(value).replace(".", ",");
        }
        status.textContent = ctx.text("geo_found");
        onChange();
      },
      () => {
        status.textContent = ctx.text("geo_failed");
      },
      { enableHighAccuracy: true, timeout: 20000 }
    );
    return false;
  }

  /* Checking a step (required answers, numbers, what the kinds need) */

  function setError(box, message) {
    const error = box.querySelector(":scope > .invalid-feedback");
    if (error) {
      error.textContent = message || "";
      error.style.display = message ? "block" : "";
    }
    if (box.matches("fieldset")) {
      box.classList.toggle("app-invalid", Boolean(message)); // its message is described by
      return;
    }
    const input = box.querySelector("input, select, textarea");
    if (!input) return;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.classList.toggle("is-invalid", Boolean(message));
  }

  function problem(spec, raw, value, scope) {
    if (!typed(spec)) return "";
    if (value === null || value === undefined) {
      const kindError =
        spec.kind === "address" ? address(raw).error : spec.kind === "geopoint" ? geopoint(raw).error : "";
      if (kindError) return ctx.text(kindError);
      if (!isEmpty(raw) && NUMBERS.includes(spec.kind)) return ctx.text("not_a_number");
      const required =
        spec.required === true ||
        (spec.required && typeof spec.required === "object" && SisoLogic.truthy(spec.required, scope));
      return required ? ctx.label(spec.required_message) || ctx.text("required") : "";
    }
    if (FILES.includes(spec.kind)) {
      const extensions = extensionsOf(spec);
      const extension = String(value.name).split(".").pop().toLowerCase();
      if (spec.kind === "image" && (!extensions.includes(extension) || (value.content_type && !value.content_type.startsWith("image/")))) {
        return ctx.text("image_type", { types: extensions.join(", ") });
      }
      if (extensions.length && !extensions.includes(extension)) return ctx.text("file_type", { types: extensions.join(", ") });
      const limit = Number((spec.validations || {}).max_size || 0);
      if (limit && value.size > limit) return ctx.text("file_size", { size: Math.floor(limit / 1024) });
    }
    if (spec.kind === "group") {
      const rows = value.length;
      if (spec.min_rows && rows < Number(spec.min_rows)) return ctx.text("value_min", { limit: spec.min_rows });
      if (spec.max_rows && rows > Number(spec.max_rows)) return ctx.text("value_max", { limit: spec.max_rows });
    }
    return "";
  }

  function check(container, form, stepIndex, answers) {
    const result = evaluate(form, answers);
    let valid = true;
    const step = form.layout.steps[stepIndex];
    const specs = specsOf(form);
    for (const box of boxesIn(container)) {
      const spec = specs[box.dataset.key];
      if (!spec || !step.fields.includes(spec)) continue;
      if (!result.shown.has(spec.key)) {
        setError(box, "");
        continue;
      }
      const message = problem(spec, answers[spec.key], result.data[spec.key], result.data);
      setError(box, message);
      valid = valid && !message;
      if (spec.kind !== "group") continue;
      const info = result.rows[spec.key] || [];
      box.querySelectorAll(":scope > [data-row]").forEach((rowBox, index) => {
        const rowInfo = info[index];
        const rawRow = (answers[spec.key] || [])[index] || {};
        for (const child of boxesIn(rowBox)) {
          const childSpec = (spec.fields || []).find((field) => field.key === child.dataset.key);
          if (!childSpec || !rowInfo || rowInfo.blank || !rowInfo.shown.has(childSpec.key)) {
            setError(child, "");
            continue;
          }
          const childMessage = problem(childSpec, rawRow[childSpec.key], rowInfo.row[childSpec.key], rowInfo.scope);
          setError(child, childMessage);
          valid = valid && !childMessage;
        }
      });
    }
    return valid;
  }

  /* What is sent, and what a prefill gives */

  function sendValue(spec, raw) {
    if (isEmpty(raw)) return undefined;
    if (spec.kind === "boolean") return raw === true || raw === "true";
    if (spec.kind === "address") {
      const value = {};
      for (const part of ADDRESS_PARTS) if (!isEmpty(raw[part])) value[part] = String(raw[part]).trim();
      return value;
    }
    if (spec.kind === "geopoint") {
      const value = {};
      for (const part of GEOPOINT_PARTS) {
        if (isEmpty(raw[part])) continue;
        const number = plainNumber(raw[part]);
        value[part] = number === null ? String(raw[part]).trim() : number;
      }
      return value;
    }
    if (spec.kind === "rank") return [...raw.order];
    if (typeof raw === "string") return raw.trim();
    return raw;
  }

  // The answers and the files, with the rows' positions as the server will count them (a row
  // whose only answer is a file is a row).
  function collect(form, answers) {
    const { shown, rows } = evaluate(form, answers);
    const sent = {};
    const files = [];
    const fileOf = (raw, field) => {
      if (!isEmpty(raw)) files.push({ field, name: raw.name, type: raw.content_type, blob: raw.blob });
    };
    for (const step of form.layout.steps) {
      for (const spec of step.fields) {
        if (!shown.has(spec.key) || !typed(spec)) continue;
        if (FILES.includes(spec.kind)) {
          fileOf(answers[spec.key], spec.key);
          continue;
        }
        if (spec.kind === "group") {
          const info = rows[spec.key] || [];
          const kept = [];
          (answers[spec.key] || []).forEach((rawRow, index) => {
            const row = {};
            const rowFiles = [];
            for (const child of spec.fields || []) {
              if (!typed(child) || !info[index] || !info[index].shown.has(child.key)) continue;
              const raw = (rawRow || {})[child.key];
              if (FILES.includes(child.kind)) {
                if (!isEmpty(raw)) rowFiles.push([child.key, raw]);
                continue;
              }
              const value = sendValue(child, raw);
              if (value !== undefined) row[child.key] = value;
            }
            if (!Object.keys(row).length && !rowFiles.length) return;
            for (const [childKey, raw] of rowFiles) fileOf(raw, `${spec.key}[${kept.length}].${childKey}`);
            kept.push(row);
          });
          if (kept.length) sent[spec.key] = kept;
          continue;
        }
        const value = sendValue(spec, answers[spec.key]);
        if (value !== undefined) sent[spec.key] = value;
      }
    }
    return { answers: sent, files };
  }

  const toSend = (form, answers) => collect(form, answers).answers;
  const filesToSend = (form, answers) => collect(form, answers).files;

  // A cleaned value as one would type it: numbers in Italian, booleans as the select's values.
  function rawOf(spec, value) {
    if (value === null || value === undefined) return undefined;
    if (spec.kind === "group" && Array.isArray(value)) {
      return value.map((row) => {
        const raw = {};
        for (const child of spec.fields || []) {
          const childRaw = rawOf(child, row[child.key]);
          if (childRaw !== undefined) raw[child.key] = childRaw;
        }
        return raw;
      });
    }
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value).replace(".", ",");
    if (spec.kind === "rank" && Array.isArray(value)) return { order: value.map(String), ranked: true };
    if (spec.kind === "geopoint" && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([part, number]) => [part, String(number).replace(".", ",")]));
    }
    return value;
  }

  // The answers a person's prefill values (by source, from the server) give this form.
  function prefill(form, values) {
    const answers = {};
    for (const step of form.layout.steps) {
      for (const spec of step.fields) {
        if (!spec.prefill || !values || !(spec.prefill in values)) continue;
        const raw = rawOf(spec, values[spec.prefill]);
        if (raw !== undefined && !isEmpty(raw)) answers[spec.key] = raw;
      }
    }
    return answers;
  }

  root.SisoQuestionnaire = { setup, evaluate, order, fieldBox, read, apply, click, check, toSend, filesToSend, prefill, isEmpty, typed };
})(typeof self !== "undefined" ? self : this);
