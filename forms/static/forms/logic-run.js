/* How a questionnaire's JSON Logic is applied, shared by the web wizard (wizard.js) and the
 * field app (fieldapp/app.js), with the semantics of forms/validation.py:
 *
 *   SisoLogic.number(text)          Italian input as the server reads it ("4.500,00", "4,5")
 *   SisoLogic.visible(rule, scope)  a visible_if (or a step's): no rule, or an error, shows
 *   SisoLogic.computed(rule, scope) a computed value; NaN, an infinity or nothing is null;
 *                                   undefined when the rule fails (the server computes it)
 *   SisoLogic.truthy(rule, scope)   a JSON Logic condition such as a `required` rule
 *
 * Load vendor/logic.js and logic-ops.js first (global jsonLogic).
 */
(function (root) {
  "use strict";
  var jsonLogic = root.jsonLogic;

  function number(text) {
    if (text === "" || text === null || text === undefined) return null;
    var typed = String(text).replace(/[\s\u00a0]/g, "");
    if (/^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(typed)) {
      typed = typed.replace(/\./g, "").replace(",", ".");
    } else if (!/^[+-]?\d*\.\d+$/.test(typed)) {
      return null;
    }
    var value = Number(typed);
    return isNaN(value) ? null : value;
  }

  function parse(rule) {
    return typeof rule === "string" ? JSON.parse(rule) : rule;
  }

  function visible(rule, scope) {
    if (rule === null || rule === undefined || rule === "") return true;
    try { return jsonLogic.truthy(jsonLogic.apply(parse(rule), scope)); } catch (e) { return true; }
  }

  function computed(rule, scope) {
    var value;
    try { value = jsonLogic.apply(parse(rule), scope); } catch (e) { return undefined; }
    var none = value === null || value === undefined || (typeof value === "number" && !isFinite(value));
    return none ? null : value;
  }

  function truthy(rule, scope) {
    try { return jsonLogic.truthy(jsonLogic.apply(parse(rule), scope)); } catch (e) { return false; }
  }

  root.SisoLogic = { number: number, visible: visible, computed: computed, truthy: truthy };
})(typeof self !== "undefined" ? self : this);
