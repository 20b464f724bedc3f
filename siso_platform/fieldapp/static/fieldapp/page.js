/* The field app's page (docs/app.md): the config and the catalogue the server renders as JSON
 * (#app-config, #app-catalogue), the sentences and formats in the user's language, the status
 * line and the notice. Loaded first: the app's files (store.js, api.js, sync.js, screens.js,
 * forms.js, tasks.js, questionnaire-screen.js, app.js) share what they hold through
 * window.SisoApp, each taking at its start what the files before it hold and reaching the
 * files after it (app.route(), app.renderAll()...) only when it runs.
 *
 * Every sentence the app shows comes from the page: the shell's HTML, or the catalogue, in the
 * user's language.
 */
(() => {
  "use strict";

  const app = (window.SisoApp = {});

  const CONFIG = JSON.parse(document.getElementById("app-config").textContent);
  const TEXT = JSON.parse(document.getElementById("app-catalogue").textContent);
  const $ = (id) => document.getElementById(id);
  const locale = document.documentElement.lang || "it";

  function text(key, values = {}) {
    return (TEXT[key] || key).replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
  }
  const formatDate = (iso) =>
    iso ? new Intl.DateTimeFormat(locale, { dateStyle: "short" }).format(new Date(iso)) : "";
  const formatTime = (iso) =>
    new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" }).format(new Date(iso));
  const formatNumber = (value) => new Intl.NumberFormat(locale).format(Number(value));

  // A title in the user's language ({it, en}), or the one there is.
  function label(value) {
    if (!value || typeof value === "string") return value || "";
    return value[locale.slice(0, 2)] || value.it || value.en || "";
  }

  /* The day of Rome as the server counts it (the agenda). */

  const ROME = "Europe/Rome";
  // "YYYY-MM-DD" of the day `offset` days from today, in Rome (en-CA writes dates so).
  function romeDay(offset = 0, from = new Date()) {
    const moment = new Date(from.getTime() + offset * 86400 * 1000);
    return new Intl.DateTimeFormat("en-CA", { timeZone: ROME, year: "numeric", month: "2-digit", day: "2-digit" }).format(moment);
  }
  const formatHour = (iso) => new Intl.DateTimeFormat(locale, { timeZone: ROME, timeStyle: "short" }).format(new Date(iso));

  /* The status line and the notice of the shell. */

  function setStatus(message) {
    $("app-status").textContent = message;
  }
  function showNotice(message) {
    const notice = $("app-notice");
    notice.textContent = message;
    notice.hidden = !message;
  }

  Object.assign(app, {
    CONFIG, TEXT, $, locale, text, formatDate, formatTime, formatNumber, label, ROME, romeDay,
    formatHour, setStatus, showNotice,
  });
})();
