/* The form builder's domain operations for json-logic-js, with the semantics of
 * forms/logic.py (see its module docstring):
 *
 *   {"age": [date, on?]}          whole years from date to on (default: today)
 *   {"days_between": [from, to]}  days from `from` to `to` (negative when `to` is earlier)
 *   {"months_between": [from, to]} whole months from `from` to `to`
 *   {"today": []}                 today's date (the browser's local date) as YYYY-MM-DD
 *   {"now": []}                   the local date and time to the minute, YYYY-MM-DDTHH:MM
 *   {"add_days": [date, n]}       the date n days after date, as YYYY-MM-DD
 *
 * Dates are ISO "YYYY-MM-DD" strings. A null, missing or unparseable date, or an n that is
 * not a whole number, gives null: logic runs on partially filled answers and never throws.
 * A month or year is whole once the day of the month is reached again (29 February birthdays
 * come on 1 March in common years); spans backwards are negative and symmetric.
 *
 * Plain ES2017, no build step. In a browser, load vendor/logic.js first (global jsonLogic);
 * under node, require() this file: it loads ./vendor/logic.js and exports jsonLogic.
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module && module.exports) {
    module.exports = factory(require("./vendor/logic.js"));
  } else {
    factory(root.jsonLogic);
  }
})(typeof self !== "undefined" ? self : this, function (jsonLogic) {
  "use strict";

  var ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
  var DAY_MS = 86400000;

  // {y, m, d} for a valid ISO date string, else null.
  function parseDate(value) {
    if (typeof value !== "string") {
      return null;
    }
    var match = ISO_DATE.exec(value);
    if (!match) {
      return null;
    }
    var y = Number(match[1]);
    var m = Number(match[2]);
    var d = Number(match[3]);
    if (y < 1 || m < 1 || m > 12 || d < 1) {
      return null;
    }
    var date = new Date(0);
    date.setUTCFullYear(y, m - 1, d); // unlike Date.UTC, keeps years 1-99 as they are
    if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return null; // 2023-02-30 and the like
    }
    return { y: y, m: m, d: d };
  }

  // Days since 1970-01-01.
  function dayNumber(p) {
    var date = new Date(0);
    date.setUTCFullYear(p.y, p.m - 1, p.d);
    return Math.round(date.getTime() / DAY_MS);
  }

  function isoDate(p) {
    return (
      String(p.y).padStart(4, "0") +
      "-" +
      String(p.m).padStart(2, "0") +
      "-" +
      String(p.d).padStart(2, "0")
    );
  }

  function fromDayNumber(days) {
    var date = new Date(days * DAY_MS);
    var y = date.getUTCFullYear();
    if (!(y >= 1 && y <= 9999)) {
      return null; // beyond what an ISO YYYY-MM-DD (and Python's date) can hold
    }
    return isoDate({ y: y, m: date.getUTCMonth() + 1, d: date.getUTCDate() });
  }

  function localToday() {
    var now = new Date();
    return { y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() };
  }

  function before(a, b) {
    return a.y !== b.y ? a.y < b.y : a.m !== b.m ? a.m < b.m : a.d < b.d;
  }

  function wholeMonths(start, end) {
    if (before(end, start)) {
      return 0 - wholeMonths(end, start); // 0 - x, not -x: never -0
    }
    var months = (end.y - start.y) * 12 + end.m - start.m;
    return end.d < start.d ? months - 1 : months;
  }

  function age(born, on) {
    var start = parseDate(born);
    var end = on === undefined ? localToday() : parseDate(on);
    if (!start || !end) {
      return null;
    }
    var months = wholeMonths(start, end);
    return (months - (months % 12)) / 12; // towards zero
  }

  function daysBetween(from, to) {
    var start = parseDate(from);
    var end = parseDate(to);
    if (!start || !end) {
      return null;
    }
    return dayNumber(end) - dayNumber(start);
  }

  function monthsBetween(from, to) {
    var start = parseDate(from);
    var end = parseDate(to);
    if (!start || !end) {
      return null;
    }
    return wholeMonths(start, end);
  }

  function today() {
    return isoDate(localToday());
  }

  function now() {
    var moment = new Date();
    var time = [moment.getHours(), moment.getMinutes()].map(function (part) {
      return String(part).padStart(2, "0");
    });
    return isoDate({ y: moment.getFullYear(), m: moment.getMonth() + 1, d: moment.getDate() }) +
      "T" + time.join(":");
  }

  function addDays(value, n) {
    var start = parseDate(value);
    var days;
    if (!start) {
      return null;
    }
    if (typeof n === "number") {
      days = n;
    } else if (typeof n === "string") {
      days = n.trim() === "" ? NaN : Number(n);
    } else {
      return null;
    }
    if (!Number.isInteger(days)) {
      return null;
    }
    return fromDayNumber(dayNumber(start) + days);
  }

  jsonLogic.add_operation("age", age);
  jsonLogic.add_operation("days_between", daysBetween);
  jsonLogic.add_operation("months_between", monthsBetween);
  jsonLogic.add_operation("today", today);
  jsonLogic.add_operation("now", now);
  jsonLogic.add_operation("add_days", addDays);
  return jsonLogic;
});
