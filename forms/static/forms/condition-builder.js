/* The condition builder: edits a JSON Logic expression by clicking, in Italian, so that
 * administrators never type JSON ("mostra se: Condizione abitativa è uguale a Affitto").
 * Plain ES2017, no build step. Load it with forms/templates/forms/includes/condition_builder.html,
 * which also renders the UI strings (translated) into <script id="siso-condition-strings">.
 *
 * Public contract (docs/forms.md, "Condition builder"):
 *
 *   window.SisoConditions.mount(textarea, {vocabulary, mode, lead?})  -> {refresh(vocabulary), value()}
 *     textarea    the form field holding the JSON text. It stays the submitted value; it is hidden
 *                 while the builder shows, and "Modifica come JSON" shows it again. Edits
 *                 round-trip both ways (typed JSON redraws the builder).
 *     vocabulary  [{name, label, type, choices?: [{value, label}], unit?}], type one of
 *                 number|integer|decimal|text|date|boolean|choice|multichoice. Names go only into
 *                 the JSON ({"var": name}); the user sees labels.
 *                 A list of records is {name, label, type: "list", item_label?: {one, some},
 *                 items: [{name, label, type, choices?, unit?}]} (item_label: "componente",
 *                 "componenti"): it is offered as "almeno un / ogni / nessun <one> tale che" with
 *                 a nested group over the items' own fields, and as "numero di <some>".
 *     mode        "condition" (a true/false expression) or "value" (a computed value: + - * / over
 *                 fields and numbers, age in years from a date, days between dates, today,
 *                 if-then-else).
 *     lead        optional words before the sentence ("mostra se:"); default from the strings,
 *                 or the textarea's data-logic-lead attribute.
 *     refresh(vocabulary) redraws with a new vocabulary (and re-reads the textarea if it was
 *                 changed from outside); value() is the current expression (null when empty).
 *   On every change the builder writes JSON.stringify(expression) into the textarea ("" when
 *   empty: no condition) and fires "input" and "change" on it.
 *
 *   Auto-mount: every <textarea data-logic-builder="condition|value" data-vocabulary="ID"> (ID of a
 *   json_script holding the vocabulary) is mounted on DOMContentLoaded and when added later
 *   (MutationObserver), so StreamField blocks added at run time work. data-vocabulary=
 *   "live-questionnaire" reads the vocabulary from the wagtail questionnaire editor's own inputs
 *   (field blocks' key, label_it, type and choices), again whenever the builder gets focus.
 *
 *   Pure functions, for tests and other designers:
 *     SisoConditions.parse(expression, mode) -> state     (never throws)
 *     SisoConditions.render(state, mode)     -> expression (null for none)
 *     SisoConditions.describe(state, mode, vocabulary) -> the Italian sentence
 *     SisoConditions.parseNumber("15.000,50") -> 15000.5 (null if not a number)
 *   render(parse(x)) equals x for every x: a part the builder cannot show is kept as a read-only
 *   "raw" node, and if the whole does not come back identical the expression is shown read-only.
 *
 * The JSON Logic written (forms/logic.py and siso_platform/monitoring/rules.py evaluate it):
 *   = ≠ < ≤ > ≥   {"==": [{"var": f}, v]} ... ; dates compare as ISO strings, "oggi" is {"today": []}
 *   è vuoto       {"==": [{"var": f}, null]}   non è vuoto  {"!=": [{"var": f}, null]}
 *                 (empty answers are null in forms; monitoring evaluates null tests as written)
 *   è uno di      {"in": [{"var": f}, [a, b]]}  contiene  {"in": [a, {"var": f}]}
 *   età da f      {"age": [{"var": f}]}        giorni da f a oggi {"days_between": [{"var": f}, {"today": []}]}
 *   groups        {"and": [...]}, {"or": [...]}, nessuna: {"!": {"or": [...]}}
 *   tra a e b     {"<=": [a, {"var": f}, b]}   (numbers, both ends included)
 *   almeno un / ogni / nessun <item> tale che: ...
 *                 {"some"|"all"|"none": [{"var": list}, condition]}; inside, {"var": f} is the
 *                 item's field, as JSON Logic reads it
 *   numero di <items>  {"reduce": [{"var": list}, {"+": [{"var": "accumulator"}, 1]}, 0]}
 *                 (neither evaluator has a "count")
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module && module.exports) {
    module.exports = factory();
  } else if (!root.SisoConditions) {
    // loaded once even when two templates include it
    root.SisoConditions = factory();
    root.SisoConditions.autoMount(root.document);
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var COMPARE = ["==", "!=", "<", "<=", ">", ">="];
  var QUANTS = ["some", "all", "none"];
  var COUNT_STEP = { "+": [{ "var": "accumulator" }, 1] }; // reduce's step that counts items
  var ARITH = ["+", "-", "*", "/"];
  var NUMERIC = ["number", "integer", "decimal"];
  var TODAY = { today: true }; // the value "oggi" of a date comparison
  var LIVE = "live-questionnaire";
  // The editor's block types that compare as another kind does.
  var LIVE_TYPES = { range: "decimal", rank: "multichoice", textarea: "text" };

  // --- strings ---------------------------------------------------------------------------

  var strings = null;
  function S(key, params) {
    if (strings === null) {
      var node = typeof document !== "undefined" && document.getElementById("siso-condition-strings");
      strings = node ? JSON.parse(node.textContent) : {};
    }
    var text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(params[name]);
    });
    return text;
  }

  // --- JSON helpers ----------------------------------------------------------------------

  function isObject(x) {
    return x !== null && typeof x === "object" && !Array.isArray(x);
  }
  function opOf(x) {
    if (!isObject(x)) return null;
    var keys = Object.keys(x);
    return keys.length === 1 ? keys[0] : null;
  }
  function argsOf(x, op) {
    return Array.isArray(x[op]) ? x[op] : null;
  }
  function isLiteral(v) {
    return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && isFinite(v));
  }
  function varName(x) {
    return opOf(x) === "var" && typeof x["var"] === "string" && x["var"] !== "" ? x["var"] : null;
  }
  function isToday(x) {
    return opOf(x) === "today" && Array.isArray(x.today) && x.today.length === 0;
  }
  function equal(a, b) {
    if (a === b) return true;
    if (Array.isArray(a)) {
      return Array.isArray(b) && a.length === b.length && a.every(function (v, i) { return equal(v, b[i]); });
    }
    if (isObject(a) && isObject(b)) {
      var ka = Object.keys(a);
      return ka.length === Object.keys(b).length && ka.every(function (k) { return equal(a[k], b[k]); });
    }
    return false;
  }
  function copy(x) {
    return x === undefined ? undefined : JSON.parse(JSON.stringify(x));
  }

  // --- Italian numbers and dates ----------------------------------------------------------

  // As forms/static/forms/wizard.js and the server read them: "15.000,50", "4500,5", "4.5".
  function parseNumber(text) {
    if (text === null || text === undefined) return null;
    var typed = String(text).replace(/[\s\u00a0]/g, "");
    if (typed === "") return null;
    if (/^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(typed)) {
      typed = typed.replace(/\./g, "").replace(",", ".");
    } else if (!/^[+-]?\d*\.\d+$/.test(typed)) {
      return null;
    }
    var value = Number(typed);
    return isFinite(value) ? value : null;
  }
  function formatNumber(value) {
    if (typeof value !== "number") return String(value);
    return value.toLocaleString("it-IT", { maximumFractionDigits: 10 });
  }
  function formatDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
    return m ? m[3] + "/" + m[2] + "/" + m[1] : String(value);
  }

  // --- parse: JSON Logic -> state ---------------------------------------------------------
  // Condition nodes: {t:"group", op:"and"|"or"|"none", items, bare?, single?, wrap?}
  //                  {t:"cmp", field, subj:"value"|"age"|"days_since"|"days_until", op, value}
  //                  {t:"raw", expr}   (shown read-only, written back unchanged)
  //                  {t:"quant", op:"some"|"all"|"none", list, cond: group over the items}
  //                  (a cmp's subj "count" is the number of a list's items, field the list)
  // Value nodes: {t:"empty"|"num"|"text"|"field"|"today"|"arith"|"age"|"days"|"if"|"raw", ...}

  function countedList(x) {
    var args = opOf(x) === "reduce" && argsOf(x, "reduce");
    if (args && args.length === 3 && varName(args[0]) !== null && equal(args[1], COUNT_STEP) && args[2] === 0) {
      return varName(args[0]);
    }
    return null;
  }

  function parseSubject(x) {
    var name = varName(x);
    if (name !== null) return { subj: "value", field: name };
    var list = countedList(x);
    if (list !== null) return { subj: "count", field: list };
    var args;
    if (opOf(x) === "age" && (args = argsOf(x, "age")) && args.length === 1 && varName(args[0]) !== null) {
      return { subj: "age", field: varName(args[0]) };
    }
    if (opOf(x) === "days_between" && (args = argsOf(x, "days_between")) && args.length === 2) {
      if (varName(args[0]) !== null && isToday(args[1])) return { subj: "days_since", field: varName(args[0]) };
      if (isToday(args[0]) && varName(args[1]) !== null) return { subj: "days_until", field: varName(args[1]) };
    }
    return null;
  }

  function comparison(subject, op, value) {
    return { t: "cmp", field: subject.field, subj: subject.subj, op: op, value: value };
  }

  function parseLeaf(x) {
    var op = opOf(x);
    var args = op && argsOf(x, op);
    var subject;
    if (op === "<=" && args && args.length === 3 && typeof args[0] === "number" && typeof args[2] === "number" &&
        isFinite(args[0]) && isFinite(args[2]) && (subject = parseSubject(args[1]))) {
      return comparison(subject, "between", [args[0], args[2]]);
    }
    if (!args || args.length !== 2) return null;
    if (COMPARE.indexOf(op) >= 0 && (subject = parseSubject(args[0]))) {
      if (args[1] === null && (op === "==" || op === "!=")) {
        return comparison(subject, op === "==" ? "empty" : "filled", undefined);
      }
      if (isLiteral(args[1]) && args[1] !== "") return comparison(subject, op, args[1]);
      if (isToday(args[1])) return comparison(subject, op, TODAY);
      return null;
    }
    if (op === "in") {
      subject = parseSubject(args[0]);
      if (subject && Array.isArray(args[1]) && args[1].length && args[1].every(isLiteral)) {
        return comparison(subject, "in", args[1].slice());
      }
      subject = parseSubject(args[1]);
      if (subject && subject.subj === "value" && isLiteral(args[0]) && args[0] !== "") {
        return comparison(subject, "contains", args[0]);
      }
    }
    return null;
  }

  function parseGroup(x) {
    var op = opOf(x);
    var args;
    if ((op === "and" || op === "or") && (args = argsOf(x, op))) {
      return { t: "group", op: op, items: args.map(parseItem) };
    }
    if (op === "!") {
      var wrapped = Array.isArray(x["!"]);
      if (wrapped && x["!"].length !== 1) return null;
      var inner = wrapped ? x["!"][0] : x["!"];
      var wrap = wrapped ? "array" : "";
      if (opOf(inner) === "or" && argsOf(inner, "or")) {
        return { t: "group", op: "none", items: inner.or.map(parseItem), wrap: wrap };
      }
      if (isObject(inner)) {
        return { t: "group", op: "none", items: [parseItem(inner)], single: true, wrap: wrap };
      }
    }
    return null;
  }

  function parseQuant(x) {
    var op = opOf(x);
    var args = QUANTS.indexOf(op) >= 0 && argsOf(x, op);
    if (!args || args.length !== 2 || varName(args[0]) === null || !isObject(args[1])) return null;
    return { t: "quant", op: op, list: varName(args[0]), cond: parseCondition(args[1]) };
  }

  function parseItem(x) {
    return parseGroup(x) || parseQuant(x) || parseLeaf(x) || { t: "raw", expr: x };
  }

  function parseCondition(expr) {
    if (expr === null || expr === undefined || expr === "") {
      return { t: "group", op: "and", items: [], bare: true };
    }
    return parseGroup(expr) || { t: "group", op: "and", items: [parseItem(expr)], bare: true };
  }

  function parseDateOperand(x) {
    if (isToday(x)) return { t: "today" };
    var name = varName(x);
    return name !== null ? { t: "field", field: name } : { t: "raw", expr: x };
  }

  function parseValue(x) {
    if (x === null || x === undefined) return { t: "empty" };
    if (typeof x === "number" && isFinite(x)) return { t: "num", value: x };
    if (typeof x === "string") return { t: "text", value: x };
    var name = varName(x);
    if (name !== null) return { t: "field", field: name };
    if (isToday(x)) return { t: "today" };
    var op = opOf(x);
    var args = op && argsOf(x, op);
    if (args && ARITH.indexOf(op) >= 0 && args.length === 2) {
      return { t: "arith", op: op, left: parseValue(args[0]), right: parseValue(args[1]) };
    }
    if (args && op === "age" && args.length === 1 && varName(args[0]) !== null) {
      return { t: "age", field: varName(args[0]) };
    }
    if (args && op === "days_between" && args.length === 2) {
      return { t: "days", from: parseDateOperand(args[0]), to: parseDateOperand(args[1]) };
    }
    if (args && op === "if" && args.length === 3) {
      return { t: "if", cond: parseCondition(args[0]), then: parseValue(args[1]), otherwise: parseValue(args[2]) };
    }
    return { t: "raw", expr: x };
  }

  function parse(expr, mode) {
    if (expr === "" || expr === undefined) expr = null;
    var state = mode === "value" ? parseValue(expr) : parseCondition(expr);
    // The guarantee: what the builder shows writes back exactly what was there.
    if (!equal(render(state, mode), expr)) state = { t: "raw", expr: expr };
    return state;
  }

  function parseText(text, mode) {
    if (!text || !text.trim()) return parse(null, mode);
    try {
      return parse(JSON.parse(text), mode);
    } catch (error) {
      return { t: "invalid", text: text };
    }
  }

  // --- render: state -> JSON Logic ---------------------------------------------------------

  function renderSubject(node) {
    var field = { "var": node.field };
    if (node.subj === "count") return { reduce: [field, copy(COUNT_STEP), 0] };
    if (node.subj === "age") return { age: [field] };
    if (node.subj === "days_since") return { days_between: [field, { today: [] }] };
    if (node.subj === "days_until") return { days_between: [{ today: [] }, field] };
    return field;
  }

  function incomplete(value) {
    return value === undefined || value === null || value === "";
  }

  function renderComparison(node) {
    if (!node.field) return null;
    var subject = renderSubject(node);
    if (node.op === "empty") return { "==": [subject, null] };
    if (node.op === "filled") return { "!=": [subject, null] };
    if (node.op === "in") {
      return Array.isArray(node.value) && node.value.length ? { "in": [subject, node.value.slice()] } : null;
    }
    if (node.op === "between") {
      var ends = Array.isArray(node.value) ? node.value : [];
      if (typeof ends[0] !== "number" || typeof ends[1] !== "number") return null;
      return { "<=": [ends[0], subject, ends[1]] };
    }
    if (incomplete(node.value)) return null;
    if (node.op === "contains") return { "in": [node.value, subject] };
    var value = node.value === TODAY || (isObject(node.value) && node.value.today) ? { today: [] } : node.value;
    var out = {};
    out[node.op] = [subject, value];
    return out;
  }

  function renderCondition(node) {
    if (!node) return null;
    if (node.t === "raw") return copy(node.expr);
    if (node.t === "cmp") return renderComparison(node);
    if (node.t === "quant") {
      var each = renderCondition(node.cond);
      if (!node.list || each === null) return null;
      var quantified = {};
      quantified[node.op] = [{ "var": node.list }, each];
      return quantified;
    }
    if (node.t !== "group") return null;
    var items = node.items.map(renderCondition).filter(function (x) { return x !== null; });
    var out = {};
    if (node.op === "none") {
      if (!items.length) return null;
      var inner = node.single && items.length === 1 ? items[0] : { or: items };
      return { "!": node.wrap === "array" ? [inner] : inner };
    }
    if (node.op === "and" && node.bare && items.length <= 1) return items.length ? items[0] : null;
    if (!items.length) return null;
    out[node.op] = items;
    return out;
  }

  function renderValue(node) {
    if (!node) return null;
    var out = {};
    switch (node.t) {
      case "num":
      case "text":
        return incomplete(node.value) ? null : node.value;
      case "field":
        return node.field ? { "var": node.field } : null;
      case "today":
        return { today: [] };
      case "arith":
        out[node.op] = [renderValue(node.left), renderValue(node.right)];
        return out;
      case "age":
        return node.field ? { age: [{ "var": node.field }] } : null;
      case "days":
        return { days_between: [renderValue(node.from), renderValue(node.to)] };
      case "if":
        return { "if": [renderCondition(node.cond), renderValue(node.then), renderValue(node.otherwise)] };
      case "raw":
        return copy(node.expr);
      default:
        return null;
    }
  }

  function render(state, mode) {
    if (!state || state.t === "invalid") return null;
    if (state.t === "raw") return copy(state.expr);
    return mode === "value" ? renderValue(state) : renderCondition(state);
  }

  // --- describe: state -> the Italian sentence ---------------------------------------------

  function fieldOf(vocabulary, name) {
    for (var i = 0; i < vocabulary.length; i++) if (vocabulary[i].name === name) return vocabulary[i];
    return null;
  }
  function fieldLabel(vocabulary, name) {
    var field = fieldOf(vocabulary, name);
    return field ? field.label || field.name : S("unknown_field", { key: name });
  }
  // A list's items: their fields (the vocabulary inside a quantifier) and their name.
  function itemsOf(vocabulary, list) {
    var field = fieldOf(vocabulary, list);
    return (field && Array.isArray(field.items) && field.items) || [];
  }
  function itemWord(vocabulary, list, number) {
    var field = fieldOf(vocabulary, list);
    var words = field && field.item_label;
    if (words && words[number]) return words[number];
    return S(number === "one" ? "item_of" : "items_of", { list: fieldLabel(vocabulary, list) });
  }
  function quantLabel(vocabulary, op, list) {
    return S("quant_" + op, { item: itemWord(vocabulary, list, "one") });
  }
  function subjectLabel(vocabulary, subj, name) {
    if (subj === "count") return S("count_of", { items: itemWord(vocabulary, name, "some") });
    var label = fieldLabel(vocabulary, name);
    if (subj === "age") return S("age_of", { field: label });
    if (subj === "days_since") return S("days_since", { field: label });
    if (subj === "days_until") return S("days_until", { field: label });
    return label;
  }
  function subjectType(vocabulary, node) {
    if (node.subj && node.subj !== "value") return "integer";
    var field = fieldOf(vocabulary, node.field);
    return field ? field.type : "text";
  }
  function choiceLabel(field, value) {
    var choices = (field && field.choices) || [];
    for (var i = 0; i < choices.length; i++) if (choices[i].value === value) return choices[i].label;
    return String(value);
  }
  function literalText(vocabulary, node, value) {
    var field = fieldOf(vocabulary, node.field);
    var type = subjectType(vocabulary, node);
    if (value === TODAY || (isObject(value) && value.today)) return S("today");
    if (typeof value === "boolean") return value ? S("yes") : S("no");
    if (type === "choice" || type === "multichoice") return choiceLabel(field, value);
    if (type === "date") return formatDate(value);
    if (typeof value === "number") {
      return formatNumber(value) + (field && field.unit && node.subj === "value" ? " " + field.unit : "");
    }
    return "«" + value + "»";
  }
  var OP_NAMES = { "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge" };
  function opWords(type, op) {
    if (type === "date" && OP_NAMES[op]) return S("date_" + OP_NAMES[op]);
    return S("op_" + (OP_NAMES[op] || op));
  }

  function describeCondition(node, vocabulary, nested) {
    if (node.t === "raw") return S("hand_written");
    if (node.t === "cmp") {
      if (!node.field) return "…";
      var type = subjectType(vocabulary, node);
      var words = subjectLabel(vocabulary, node.subj, node.field) + " " + opWords(type, node.op);
      if (node.op === "empty" || node.op === "filled") return words;
      if (node.op === "between") {
        var ends = Array.isArray(node.value) ? node.value : [];
        var low = typeof ends[0] === "number" ? formatNumber(ends[0]) : "…";
        var high = typeof ends[1] === "number" ? literalText(vocabulary, node, ends[1]) : "…";
        return words + " " + low + " " + S("and") + " " + high;
      }
      if (node.op === "in") {
        var values = (node.value || []).map(function (v) { return literalText(vocabulary, node, v); });
        return words + " " + (values.join(", ") || "…");
      }
      return words + " " + (incomplete(node.value) ? "…" : literalText(vocabulary, node, node.value));
    }
    if (node.t === "quant") {
      var each = describeCondition(node.cond, itemsOf(vocabulary, node.list), true);
      return quantLabel(vocabulary, node.op, node.list) + ": " + each;
    }
    var parts = node.items.map(function (item) { return describeCondition(item, vocabulary, true); });
    if (!parts.length) return nested ? "…" : S("no_condition");
    if (node.op === "none") return S("none_of", { list: parts.join("; ") });
    var text = parts.join(" " + S(node.op === "or" ? "or" : "and") + " ");
    return nested && parts.length > 1 ? "(" + text + ")" : text;
  }

  function describeValue(node, vocabulary, nested) {
    switch (node.t) {
      case "num":
        return incomplete(node.value) ? "…" : formatNumber(node.value);
      case "text":
        return incomplete(node.value) ? "…" : "«" + node.value + "»";
      case "field":
        return node.field ? fieldLabel(vocabulary, node.field) : "…";
      case "today":
        return S("today");
      case "arith":
        var text = describeValue(node.left, vocabulary, true) + " " + SYMBOLS[node.op] + " " +
          describeValue(node.right, vocabulary, true);
        return nested ? "(" + text + ")" : text;
      case "age":
        return node.field ? S("age_of", { field: fieldLabel(vocabulary, node.field) }) : "…";
      case "days":
        return S("days_between", {
          from: describeValue(node.from, vocabulary, true),
          to: describeValue(node.to, vocabulary, true)
        });
      case "if":
        return S("if_then_else", {
          condition: describeCondition(node.cond, vocabulary, true),
          then: describeValue(node.then, vocabulary, true),
          otherwise: describeValue(node.otherwise, vocabulary, true)
        });
      case "raw":
        return S("hand_written");
      default:
        return "…";
    }
  }
  var SYMBOLS = { "+": "+", "-": "−", "*": "×", "/": "÷" };

  function describe(state, mode, vocabulary) {
    vocabulary = vocabulary || [];
    if (state.t === "invalid") return S("invalid_json");
    var empty = render(state, mode) === null && state.t !== "raw";
    if (mode === "value") {
      return empty && state.t === "empty" ? S("no_value") : describeValue(state, vocabulary, false);
    }
    if (empty) return S("no_condition");
    return state.t === "raw" ? S("hand_written") : describeCondition(state, vocabulary, false);
  }

  // --- which comparisons and values each kind of field offers ------------------------------

  function opsFor(type, subj) {
    if (subj === "count") return COMPARE.concat(["between"]); // a count is never empty
    if (subj && subj !== "value") return COMPARE.concat(["between", "empty", "filled"]);
    if (NUMERIC.indexOf(type) >= 0) return COMPARE.concat(["between", "empty", "filled"]);
    if (type === "date") return COMPARE.concat(["empty", "filled"]);
    if (type === "choice") return ["==", "!=", "in", "empty", "filled"];
    if (type === "multichoice") return ["contains", "empty", "filled"];
    if (type === "boolean") return ["==", "empty", "filled"];
    return ["==", "!=", "contains", "empty", "filled"];
  }

  function defaultValue(field, op) {
    if (op === "between") return [undefined, undefined];
    if (!field || op === "empty" || op === "filled") return undefined;
    if (op === "in") return [];
    if (field.type === "boolean") return true;
    if ((field.type === "choice" || field.type === "multichoice") && field.choices && field.choices.length) {
      return field.choices[0].value;
    }
    return undefined;
  }

  // --- DOM helpers -------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "value") node.value = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function select(ref, label, options, current) {
    var node = el("select", { "data-ref": ref, "aria-label": label, "class": "siso-cb__select" });
    var found = false;
    options.forEach(function (option) {
      var o = el("option", { value: option[0], text: option[1] });
      if (option[0] === current) {
        o.selected = true;
        found = true;
      }
      node.appendChild(o);
    });
    if (!found && options.length) node.options[0].selected = true;
    return node;
  }
  var uid = 0;

  // --- mount ---------------------------------------------------------------------------------

  function mount(textarea, options) {
    if (textarea.sisoConditions) return textarea.sisoConditions;
    options = options || {};
    var mode = options.mode === "value" ? "value" : "condition";
    var vocabulary = options.vocabulary || [];
    var lead = options.lead || textarea.getAttribute("data-logic-lead") || S(mode === "value" ? "lead_value" : "lead_condition");
    var lastText = textarea.value;
    var state = parseText(lastText, mode);
    var writing = false;
    var showJson = false;
    var id = "siso-cb-" + ++uid;

    var box = el("div", { "class": "siso-cb", role: "group", id: id, "data-logic-for": textarea.name || textarea.id });
    var label = textarea.id && document.querySelector('label[for="' + CSS.escape(textarea.id) + '"]');
    if (label) {
      if (!label.id) label.id = id + "-label";
      box.setAttribute("aria-labelledby", label.id);
    } else {
      box.setAttribute("aria-label", S(mode === "value" ? "value_builder" : "condition_builder"));
    }
    var sentence = el("p", { "class": "siso-cb__sentence", "aria-live": "polite" });
    var editor = el("div", { "class": "siso-cb__editor" });
    var toggle = el("button", { type: "button", "class": "button button-small button-secondary siso-cb__json", "aria-expanded": "false" });
    if (textarea.id) toggle.setAttribute("aria-controls", textarea.id);
    box.appendChild(sentence);
    box.appendChild(editor);
    box.appendChild(el("div", { "class": "siso-cb__tools" }, [toggle]));
    textarea.parentNode.insertBefore(box, textarea);
    textarea.hidden = true;

    function commit() {
      var expr = render(state, mode);
      var text = expr === null ? "" : JSON.stringify(expr);
      sentence.textContent = lead + " " + describe(state, mode, vocabulary);
      if (state.t === "invalid" || state.t === "raw" || text === textarea.value) return;
      writing = true;
      textarea.value = text;
      lastText = text;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      textarea.dispatchEvent(new Event("change", { bubbles: true }));
      writing = false;
    }

    function changed(redraw) {
      commit();
      if (redraw) draw();
    }

    function draw() {
      if (textarea.value !== lastText) {
        lastText = textarea.value;
        state = parseText(lastText, mode);
      }
      var active = document.activeElement;
      var ref = active && box.contains(active) ? active.getAttribute("data-ref") : null;
      editor.textContent = "";
      if (state.t === "invalid" || state.t === "raw") {
        editor.appendChild(readOnly(state));
      } else if (mode === "value") {
        editor.appendChild(valueEditor(state, "v", function (node) { state = node; }));
      } else {
        editor.appendChild(groupEditor(state, "c", 0, vocabulary));
      }
      toggle.textContent = S(showJson ? "hide_json" : "edit_json");
      toggle.setAttribute("aria-expanded", showJson ? "true" : "false");
      textarea.hidden = !showJson;
      sentence.textContent = lead + " " + describe(state, mode, vocabulary);
      if (ref) {
        var again = editor.querySelector('[data-ref="' + ref + '"]') || (toggle.getAttribute("data-ref") === ref ? toggle : null);
        if (again) again.focus();
      }
    }
    toggle.setAttribute("data-ref", "json");

    function readOnly(node) {
      var note = el("p", { "class": "siso-cb__note", text: S(node.t === "invalid" ? "invalid_json" : "unsupported") });
      var shown = node.t === "invalid" ? node.text : JSON.stringify(node.expr, null, 2);
      return el("div", { "class": "siso-cb__raw" }, [note, el("pre", { "class": "siso-cb__pre", text: shown })]);
    }

    // A group: its kind, its items, and buttons to add a condition or a nested group. `vocab`
    // is the fields its conditions read (a list's item fields inside a quantifier).
    function groupEditor(group, path, depth, vocab, inQuant) {
      var wrapper = el("div", { "class": "siso-cb__group" + (depth ? " siso-cb__group--nested" : "") });
      var kinds = [["and", S("group_and")], ["or", S("group_or")], ["none", S("group_none")]];
      var kind = select(path + ":op", S("group_label"), kinds, group.op);
      kind.addEventListener("change", function () {
        group.op = kind.value;
        changed(true);
      });
      // an empty builder offers only its buttons: "and/or/none" means nothing yet; so does a
      // quantifier's single condition
      var shown = inQuant ? !group.bare || group.items.length > 1 : depth || group.items.length;
      if (shown) wrapper.appendChild(el("div", { "class": "siso-cb__row" }, [kind]));
      var list = el("div", { "class": "siso-cb__items" });
      group.items.forEach(function (item, index) {
        var itemPath = path + "." + index;
        var name = S(item.t === "group" ? "group_n" : "condition_n", { n: index + 1 });
        function replace(node) {
          group.items[index] = node;
        }
        var remove = el("button", { type: "button", "data-ref": itemPath + ":remove", "class": "button button-small button-secondary siso-cb__remove", text: S("remove"), "aria-label": S("remove_item", { item: name }) });
        remove.addEventListener("click", function () {
          group.items.splice(index, 1);
          changed(true);
          var next = editor.querySelector('[data-ref="' + path + ':add"]');
          if (next) next.focus();
        });
        var body;
        if (item.t === "group") body = groupEditor(item, itemPath, depth + 1, vocab);
        else if (item.t === "quant") body = quantEditor(item, itemPath, depth, vocab, replace);
        else if (item.t === "cmp") body = comparisonEditor(item, itemPath, vocab, replace);
        else body = readOnly(item);
        list.appendChild(el("div", { "class": "siso-cb__item", role: "group", "aria-label": name }, [body, remove]));
      });
      wrapper.appendChild(list);
      var add = el("button", { type: "button", "data-ref": path + ":add", "class": "button button-small button-secondary", text: S("add_condition") });
      add.addEventListener("click", function () {
        group.items.push(newComparison());
        changed(true);
        var first = editor.querySelector('[data-ref="' + path + "." + (group.items.length - 1) + ':field"]');
        if (first) first.focus();
      });
      var tools = el("div", { "class": "siso-cb__row" }, [add]);
      if (depth < 2) {
        var addGroup = el("button", { type: "button", "data-ref": path + ":addgroup", "class": "button button-small button-secondary", text: S("add_group") });
        addGroup.addEventListener("click", function () {
          group.items.push({ t: "group", op: "or", items: [{ t: "cmp", field: "", subj: "value", op: "==", value: undefined }] });
          changed(true);
          var first = editor.querySelector('[data-ref="' + path + "." + (group.items.length - 1) + ':op"]');
          if (first) first.focus();
        });
        tools.appendChild(addGroup);
      }
      wrapper.appendChild(tools);
      return wrapper;
    }

    function subjectOptions(vocab) {
      var out = [["", S("choose_field")]];
      vocab.forEach(function (field) {
        if (field.type === "list") {
          QUANTS.forEach(function (op) {
            out.push([op + "|" + field.name, quantLabel(vocab, op, field.name) + "…"]);
          });
          out.push(["count|" + field.name, subjectLabel(vocab, "count", field.name)]);
          return;
        }
        out.push(["value|" + field.name, field.label || field.name]);
        if (field.type === "date") {
          ["age", "days_since", "days_until"].forEach(function (subj) {
            out.push([subj + "|" + field.name, subjectLabel(vocab, subj, field.name)]);
          });
        }
      });
      return out;
    }

    function newComparison() {
      return { t: "cmp", field: "", subj: "value", op: "==", value: undefined };
    }
    function newQuant(op, list) {
      return { t: "quant", op: op, list: list, cond: { t: "group", op: "and", items: [newComparison()], bare: true } };
    }

    // The field menu: a field (or age/days from a date field, or a list's count) to compare,
    // or a quantifier over a list ("almeno un componente tale che…").
    function subjectSelect(path, vocab, current, missingLabel) {
      var options = subjectOptions(vocab);
      if (current && !options.some(function (o) { return o[0] === current; })) options.push([current, missingLabel]);
      return select(path + ":field", S("field"), options, current);
    }

    // "almeno un contratto tale che:" and a nested group over the item's own fields.
    function quantEditor(node, path, depth, vocab, replace) {
      var current = node.op + "|" + node.list;
      var subject = subjectSelect(path, vocab, current, quantLabel(vocab, node.op, node.list) + "…");
      subject.addEventListener("change", function () {
        var parts = subject.value.split("|");
        var list = parts.slice(1).join("|");
        if (QUANTS.indexOf(parts[0]) >= 0 && list === node.list) node.op = parts[0];
        else if (QUANTS.indexOf(parts[0]) >= 0) replace(newQuant(parts[0], list));
        else {
          var cmp = newComparison();
          cmp.subj = parts[0] || "value";
          cmp.field = list;
          var field = fieldOf(vocab, list);
          cmp.op = opsFor(field ? field.type : "text", cmp.subj)[0];
          cmp.value = defaultValue(cmp.subj === "value" ? field : null, cmp.op);
          replace(cmp);
        }
        changed(true);
      });
      var inner = groupEditor(node.cond, path + ".q", depth + 1, itemsOf(vocab, node.list), true);
      inner.setAttribute("role", "group");
      inner.setAttribute("aria-label", quantLabel(vocab, node.op, node.list));
      return el("div", { "class": "siso-cb__quant" }, [el("div", { "class": "siso-cb__row" }, [subject]), inner]);
    }

    // One comparison: field (or age/days from a date field), comparison, value.
    function comparisonEditor(node, path, vocab, replace) {
      var row = el("div", { "class": "siso-cb__row siso-cb__cmp" });
      var current = node.field ? node.subj + "|" + node.field : "";
      var subject = subjectSelect(path, vocab, current, subjectLabel(vocab, node.subj, node.field));
      subject.addEventListener("change", function () {
        var parts = subject.value.split("|");
        if (QUANTS.indexOf(parts[0]) >= 0) {
          replace(newQuant(parts[0], parts.slice(1).join("|")));
          changed(true);
          return;
        }
        var before = fieldOf(vocab, node.field);
        node.subj = parts[0] || "value";
        node.field = parts.slice(1).join("|");
        var field = fieldOf(vocab, node.field);
        var allowed = opsFor(field ? field.type : "text", node.subj);
        if (allowed.indexOf(node.op) < 0) node.op = allowed[0];
        if (!before || !field || before.type !== field.type || node.subj !== "value") {
          node.value = defaultValue(node.subj === "value" ? field : null, node.op);
          node.text = undefined;
        }
        changed(true);
      });
      row.appendChild(subject);
      if (!node.field) return row;
      var type = subjectType(vocab, node);
      var ops = opsFor(type, node.subj);
      if (ops.indexOf(node.op) < 0) ops = ops.concat([node.op]);
      var op = select(path + ":cmp", S("comparison"), ops.map(function (o) { return [o, opWords(type, o)]; }), node.op);
      op.addEventListener("change", function () {
        var was = node.op;
        node.op = op.value;
        if ((was === "in") !== (node.op === "in") || (was === "between") !== (node.op === "between") ||
            node.op === "empty" || node.op === "filled" || was === "empty" || was === "filled") {
          node.value = defaultValue(node.subj === "value" ? fieldOf(vocab, node.field) : { type: "integer" }, node.op);
          node.text = undefined;
        }
        changed(true);
      });
      row.appendChild(op);
      if (node.op !== "empty" && node.op !== "filled") row.appendChild(literalEditor(node, path, type, vocab));
      return row;
    }

    // One end of "tra … e …", edited as a number of its own.
    function rangeEnd(node, index) {
      if (!Array.isArray(node.value)) node.value = [undefined, undefined];
      if (!Array.isArray(node.texts)) node.texts = [undefined, undefined];
      return {
        get value() { return node.value[index]; },
        set value(v) { node.value[index] = v; },
        get text() { return node.texts[index]; },
        set text(v) { node.texts[index] = v; }
      };
    }

    function literalEditor(node, path, type, vocab) {
      var field = fieldOf(vocab, node.field);
      var choices = (field && field.choices) || [];
      if (node.op === "between") {
        return el("span", { "class": "siso-cb__value" }, [
          numberInput(rangeEnd(node, 0), path + ":low", S("from_number")),
          el("span", { "class": "siso-cb__word", text: S("and") }),
          numberInput(rangeEnd(node, 1), path + ":high", S("to_number"))
        ]);
      }
      if (node.op === "in") {
        var picked = Array.isArray(node.value) ? node.value : [];
        var set = el("fieldset", { "class": "siso-cb__choices" }, [el("legend", { "class": "siso-cb__legend", text: S("values") })]);
        var all = choices.map(function (c) { return c.value; });
        picked.forEach(function (v) { if (all.indexOf(v) < 0) all.push(v); });
        all.forEach(function (value, index) {
          var box = el("input", { type: "checkbox", "data-ref": path + ":in" + index });
          box.checked = picked.indexOf(value) >= 0;
          box.addEventListener("change", function () {
            var now = Array.isArray(node.value) ? node.value.slice() : [];
            if (box.checked && now.indexOf(value) < 0) now.push(value);
            if (!box.checked) now = now.filter(function (v) { return v !== value; });
            // keep the choices' own order
            node.value = all.filter(function (v) { return now.indexOf(v) >= 0; });
            changed(false);
          });
          set.appendChild(el("label", { "class": "siso-cb__check" }, [box, " " + choiceLabel(field, value)]));
        });
        return set;
      }
      if ((type === "choice" || type === "multichoice") && node.subj === "value") {
        var options = choices.map(function (c) { return [c.value, c.label]; });
        if (incomplete(node.value)) options.unshift(["", S("choose_value")]);
        else if (choices.every(function (c) { return c.value !== node.value; })) {
          options.push([node.value, String(node.value)]);
        }
        var choice = select(path + ":value", S("value"), options, incomplete(node.value) ? "" : node.value);
        choice.addEventListener("change", function () {
          node.value = choice.value || undefined;
          changed(false);
        });
        return choice;
      }
      if (type === "boolean" && node.subj === "value") {
        var yesNo = select(path + ":value", S("value"), [["true", S("yes")], ["false", S("no")]], node.value === false ? "false" : "true");
        yesNo.addEventListener("change", function () {
          node.value = yesNo.value === "true";
          changed(false);
        });
        return yesNo;
      }
      if (type === "date" && node.subj === "value") {
        var isToday = node.value === TODAY || (isObject(node.value) && node.value.today);
        var which = select(path + ":when", S("date_kind"), [["date", S("a_date")], ["today", S("today")]], isToday ? "today" : "date");
        which.addEventListener("change", function () {
          node.value = which.value === "today" ? TODAY : undefined;
          changed(true);
        });
        var parts = [which];
        if (!isToday) {
          var date = el("input", { type: "date", "data-ref": path + ":value", "aria-label": S("value"), "class": "siso-cb__input" });
          date.value = typeof node.value === "string" ? node.value : "";
          date.addEventListener("input", function () {
            node.value = date.value || undefined;
            changed(false);
          });
          parts.push(date);
        }
        return el("span", { "class": "siso-cb__value" }, parts);
      }
      if (NUMERIC.indexOf(type) >= 0 || node.subj !== "value") return numberInput(node, path + ":value");
      var text = el("input", { type: "text", "data-ref": path + ":value", "aria-label": S("value"), "class": "siso-cb__input" });
      text.value = typeof node.value === "string" ? node.value : incomplete(node.value) ? "" : String(node.value);
      text.addEventListener("input", function () {
        node.value = text.value;
        changed(false);
      });
      return text;
    }

    // A number typed in Italian ("15.000,50"); a typo is named and the last number kept.
    function numberInput(node, ref, label) {
      var errorId = id + "-" + ref.replace(/[^a-z0-9]/gi, "-") + "-error";
      var input = el("input", { type: "text", inputmode: "decimal", "data-ref": ref, "aria-label": label || S("number"), "class": "siso-cb__input siso-cb__number" });
      var error = el("span", { id: errorId, "class": "siso-cb__error", text: "" });
      input.value = node.text !== undefined ? node.text : typeof node.value === "number" ? formatNumber(node.value) : incomplete(node.value) ? "" : String(node.value);
      function check() {
        var text = input.value;
        var number = parseNumber(text);
        var bad = text.trim() !== "" && number === null;
        node.text = text;
        error.textContent = bad ? S("bad_number") : "";
        if (bad) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", errorId);
        } else {
          input.removeAttribute("aria-invalid");
          input.removeAttribute("aria-describedby");
        }
        return bad;
      }
      if (node.text !== undefined) check();
      input.addEventListener("input", function () {
        if (check()) return;
        node.value = parseNumber(input.value);
        if (node.value === null) node.value = undefined;
        changed(false);
      });
      return el("span", { "class": "siso-cb__value" }, [input, error]);
    }

    // Value mode: a select of what the value is, then its parts.
    var VALUE_KINDS = ["num", "field", "arith", "age", "days", "today", "if", "text"];
    function fresh(kind, previous) {
      switch (kind) {
        case "arith":
          return { t: "arith", op: "*", left: previous && previous.t !== "empty" ? previous : { t: "empty" }, right: { t: "empty" } };
        case "days":
          return { t: "days", from: { t: "field", field: "" }, to: { t: "today" } };
        case "if":
          return { t: "if", cond: { t: "group", op: "and", items: [], bare: true }, then: { t: "empty" }, otherwise: { t: "empty" } };
        case "field":
        case "age":
          return { t: kind, field: "" };
        case "num":
        case "text":
          return { t: kind, value: undefined };
        default:
          return { t: kind };
      }
    }
    function fieldSelect(ref, label, current, types) {
      var options = [["", S("choose_field")]];
      vocabulary.forEach(function (field) {
        if (field.type === "list") return; // a list is no value
        if (!types || types.indexOf(field.type) >= 0) options.push([field.name, field.label || field.name]);
      });
      if (current && !options.some(function (o) { return o[0] === current; })) {
        options.push([current, fieldLabel(vocabulary, current)]);
      }
      return select(ref, label, options, current || "");
    }

    function valueEditor(node, path, replace, kinds) {
      if (node.t === "raw") return readOnly(node);
      kinds = kinds || VALUE_KINDS;
      var wrapper = el("span", { "class": "siso-cb__calc" + (path.length > 1 ? " siso-cb__calc--nested" : "") });
      var options = [["empty", S("choose_value")]].concat(kinds.map(function (k) { return [k, S("kind_" + k)]; }));
      var kind = select(path + ":kind", S("value_kind"), options, node.t);
      kind.addEventListener("change", function () {
        replace(fresh(kind.value, node));
        changed(true);
      });
      wrapper.appendChild(kind);
      switch (node.t) {
        case "num":
          wrapper.appendChild(numberInput(node, path + ":num"));
          break;
        case "text":
          var text = el("input", { type: "text", "data-ref": path + ":text", "aria-label": S("text"), "class": "siso-cb__input" });
          text.value = node.value || "";
          text.addEventListener("input", function () {
            node.value = text.value;
            changed(false);
          });
          wrapper.appendChild(text);
          break;
        case "field":
        case "age":
          var types = node.t === "age" || kinds === DATE_KINDS ? ["date"] : null;
          var field = fieldSelect(path + ":field", S(node.t === "age" ? "date_field" : "field"), node.field, types);
          field.addEventListener("change", function () {
            node.field = field.value;
            changed(false);
          });
          wrapper.appendChild(field);
          break;
        case "arith":
          wrapper.appendChild(valueEditor(node.left, path + "l", function (n) { node.left = n; }));
          var ops = ARITH.map(function (o) { return [o, S("arith_" + "pmtd"[ARITH.indexOf(o)])]; });
          var op = select(path + ":arith", S("operator"), ops, node.op);
          op.addEventListener("change", function () {
            node.op = op.value;
            changed(false);
          });
          wrapper.appendChild(op);
          wrapper.appendChild(valueEditor(node.right, path + "r", function (n) { node.right = n; }));
          break;
        case "days":
          wrapper.appendChild(el("span", { "class": "siso-cb__word", text: S("from") }));
          wrapper.appendChild(valueEditor(node.from, path + "f", function (n) { node.from = n; }, DATE_KINDS));
          wrapper.appendChild(el("span", { "class": "siso-cb__word", text: S("to") }));
          wrapper.appendChild(valueEditor(node.to, path + "t", function (n) { node.to = n; }, DATE_KINDS));
          break;
        case "if":
          wrapper.appendChild(el("span", { "class": "siso-cb__word", text: S("if") }));
          wrapper.appendChild(groupEditor(node.cond, path + "c", 1, vocabulary));
          wrapper.appendChild(el("span", { "class": "siso-cb__word", text: S("then") }));
          wrapper.appendChild(valueEditor(node.then, path + "a", function (n) { node.then = n; }));
          wrapper.appendChild(el("span", { "class": "siso-cb__word", text: S("otherwise") }));
          wrapper.appendChild(valueEditor(node.otherwise, path + "b", function (n) { node.otherwise = n; }));
          break;
      }
      return wrapper;
    }
    var DATE_KINDS = ["field", "today"];

    toggle.addEventListener("click", function () {
      showJson = !showJson;
      draw();
    });
    // JSON typed by hand redraws the builder; the builder never rewrites it.
    textarea.addEventListener("input", function () {
      if (writing) return;
      lastText = textarea.value;
      state = parseText(lastText, mode);
      var focused = document.activeElement === textarea;
      draw();
      if (focused) textarea.focus();
    });

    draw();
    var handle = {
      refresh: function (newVocabulary) {
        if (newVocabulary) vocabulary = newVocabulary;
        draw();
      },
      value: function () {
        return render(state, mode);
      }
    };
    textarea.sisoConditions = handle;
    return handle;
  }

  // --- the questionnaire editor's own fields as vocabulary ---------------------------------

  // wagtail 8 names a StreamField child's inputs PREFIX-type, PREFIX-deleted and
  // PREFIX-value-<child>, so a field block is `body-0-value-fields-1` (a step's field) or
  // `body-0-value-fields-2-value-fields-0` (a field in a repeatable group's row).
  // One pass over the form's inputs, kept until a key, label, choice or block changes: the
  // intake's editor holds ~150 logic boxes, and a lookup per box per name froze the page.
  var liveIndex = null;
  function indexOf(form) {
    if (liveIndex && liveIndex.form === form) return liveIndex;
    var byName = {};
    var keys = [];
    var choiceValues = [];
    Array.prototype.forEach.call(form.elements || form.querySelectorAll("input, select, textarea"), function (input) {
      if (!input.name) return;
      byName[input.name] = input;
      if (/-value-key$/.test(input.name)) keys.push(input);
      else if (/-choices-\d+-value-value$/.test(input.name)) choiceValues.push(input);
    });
    liveIndex = { form: form, byName: byName, keys: keys, choiceValues: choiceValues, fields: null };
    return liveIndex;
  }
  function forgetIndex() {
    liveIndex = null;
  }
  function inputValue(index, name) {
    var input = index.byName[name];
    return input ? input.value : null;
  }
  function liveFields(index) {
    if (index.fields) return index.fields;
    var fields = [];
    index.keys.forEach(function (input) {
      var prefix = input.name.slice(0, -"-value-key".length);
      if (!/^(.*)-value-fields-\d+$/.test(prefix) || inputValue(index, prefix + "-deleted") === "1") return;
      var type = inputValue(index, prefix + "-type");
      type = LIVE_TYPES[type] || type;
      var key = input.value.trim();
      if (!type || !key || type === "note" || type === "group") return;
      var entry = { name: key, label: inputValue(index, prefix + "-value-label_it") || key, type: type };
      if (type === "choice" || type === "multichoice") entry.choices = liveChoices(index, prefix + "-value-choices-");
      fields.push({ prefix: prefix, entry: entry });
    });
    index.fields = fields;
    return fields;
  }
  function liveQuestionnaire(textarea) {
    var own = textarea.name || "";
    var fields = [];
    var rows = [];
    liveFields(indexOf(textarea.form || document)).forEach(function (found) {
      var entry = found.entry;
      if (/-value-fields-\d+-value-fields-\d+$/.test(found.prefix)) {
        // a row's field: offered as row.<key> to the logic of that same group only
        var group = found.prefix.replace(/-value-fields-\d+$/, "");
        if (own.indexOf(group + "-value-fields-") === 0) {
          rows.push({ name: "row." + entry.name, label: S("row_field", { label: entry.label }), type: entry.type, choices: entry.choices });
        }
      } else {
        fields.push(entry);
      }
    });
    return fields.concat(rows);
  }
  function liveChoices(index, prefix) {
    var choices = [];
    index.choiceValues.forEach(function (input) {
      if (input.name.indexOf(prefix) !== 0) return;
      var item = input.name.slice(0, -"-value-value".length);
      if (!/-choices-\d+$/.test(item) || inputValue(index, item + "-deleted") === "1" || !input.value) return;
      choices.push({ value: input.value, label: inputValue(index, item + "-value-label_it") || input.value });
    });
    return choices;
  }

  // --- auto-mount ------------------------------------------------------------------------------

  var live = [];
  function vocabularyFor(textarea) {
    var source = textarea.getAttribute("data-vocabulary");
    if (source === LIVE) return liveQuestionnaire(textarea);
    var node = source && document.getElementById(source);
    try {
      return node ? JSON.parse(node.textContent) : [];
    } catch (error) {
      return [];
    }
  }
  function mountOne(textarea) {
    if (textarea.sisoConditions || textarea.closest("template")) return false;
    var handle = mount(textarea, { vocabulary: vocabularyFor(textarea), mode: textarea.getAttribute("data-logic-builder") });
    if (textarea.getAttribute("data-vocabulary") === LIVE) {
      live.push(textarea);
      var known = JSON.stringify(vocabularyFor(textarea));
      textarea.previousElementSibling.addEventListener("focusin", function () {
        var now = vocabularyFor(textarea);
        if (JSON.stringify(now) !== known) {
          known = JSON.stringify(now);
          handle.refresh(now);
        }
      });
    }
    return true;
  }
  function mountWithin(scope) {
    var mounted = false;
    if (scope.matches && scope.matches("textarea[data-logic-builder]")) mounted = mountOne(scope) || mounted;
    if (scope.querySelectorAll) {
      scope.querySelectorAll("textarea[data-logic-builder]").forEach(function (t) {
        mounted = mountOne(t) || mounted;
      });
    }
    return mounted;
  }
  var refreshTimer = null;
  function refreshLive() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      forgetIndex();
      live = live.filter(function (t) { return t.isConnected; });
      live.forEach(function (t) {
        var box = t.previousElementSibling;
        if (box && !box.contains(document.activeElement)) t.sisoConditions.refresh(vocabularyFor(t));
      });
    }, 150);
  }
  function autoMount(doc) {
    if (!doc || !doc.addEventListener) return;
    function start() {
      mountWithin(doc.body);
      new MutationObserver(function (records) {
        var changed = false;
        records.forEach(function (record) {
          // The builders' own redraws are not the editor changing: reacting to them looped.
          if (record.target.closest && record.target.closest("[data-logic-for]")) return;
          record.addedNodes.forEach(function (node) {
            if (node.nodeType !== 1) return;
            if (mountWithin(node)) changed = true;
            else if (node.querySelector && node.querySelector('input[name$="-value-key"]')) changed = true;
          });
          record.removedNodes.forEach(function (node) {
            if (node.nodeType === 1 && node.querySelector && node.querySelector('input[name$="-value-key"]')) changed = true;
          });
        });
        if (changed) {
          forgetIndex();
          if (live.length) refreshLive();
        }
      }).observe(doc.body, { childList: true, subtree: true });
      // A key, label or choice renamed (or a block deleted) elsewhere shows in every live builder.
      doc.addEventListener("change", function (event) {
        var name = (event.target && event.target.name) || "";
        if (/-value-(key|label_it|value)$|-deleted$|-type$/.test(name)) {
          forgetIndex();
          if (live.length) refreshLive();
        }
      });
      doc.addEventListener("input", function (event) {
        var name = (event.target && event.target.name) || "";
        if (/-value-(key|label_it|value)$/.test(name)) forgetIndex();
      });
    }
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
    else start();
  }

  return {
    mount: mount,
    parse: parse,
    parseText: parseText,
    render: render,
    describe: describe,
    parseNumber: parseNumber,
    formatNumber: formatNumber,
    autoMount: autoMount,
    liveQuestionnaire: liveQuestionnaire
  };
});
