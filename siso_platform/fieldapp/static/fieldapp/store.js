/* The field app's IndexedDB (through the vendored `idb`): `meta` (token, me, last_sync, the
 * sync's cursors, the questionnaires' drafts), the working set's stores and the outbox; wiping
 * them; and the messages other tabs get when they change.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const { $ } = app;

  const DB_NAME = "siso-app";
  // `forms`: the published questionnaire versions, with their schema (no personal data);
  // `appointments`: the user's own agenda, today and the next days; `needs`: the open needs
  // of the persons followed; `prefill`: per person of the working set, the values
  // questionnaires are prefilled with.
  const DATA_STORES = ["cases", "persons", "tasks", "interventions", "alerts", "forms", "appointments", "needs", "prefill"];
  const CURSORS = "sync_cursors"; // in `meta`: {who, lists: {name: {cursor, full_at, complete}}} (sync.js)
  const draftKey = (formId) => `draft:${formId}`; // in `meta`: a questionnaire's draft
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("siso-app") : null;

  /* IndexedDB: `meta` (token, me, last_sync), the working set's stores, the outbox. */

  let opening = null;
  function db() {
    if (!opening) {
      opening = idb.openDB(DB_NAME, 3, {
        // Version 2 adds the questionnaires, version 3 the appointments, needs and prefill:
        // each upgrade only creates what is missing, so the outbox, the drafts and the rest
        // stay as they are.
        upgrade(database) {
          const missing = (name) => !database.objectStoreNames.contains(name);
          if (missing("meta")) database.createObjectStore("meta");
          for (const name of [...DATA_STORES, "outbox"]) {
            if (missing(name)) database.createObjectStore(name, { keyPath: "id" });
          }
        },
        // Another tab deletes the database (sign-out, revoked token): let it.
        blocking() {
          closeDb();
        },
        terminated() {
          opening = null;
        },
      });
    }
    return opening;
  }
  async function closeDb() {
    const pending = opening;
    opening = null;
    if (pending) (await pending).close();
  }
  const getMeta = async (key) => (await db()).get("meta", key);
  const setMeta = async (key, value) => (await db()).put("meta", value, key);

  async function wipeEverything() {
    await closeDb();
    await idb.deleteDB(DB_NAME);
    clearScreens();
    if (channel) channel.postMessage("wiped");
  }

  // Nothing the screens showed stays in the page either.
  function clearScreens() {
    for (const node of document.querySelectorAll(".app-list, form select, #questionnaire-fields")) node.replaceChildren();
    for (const node of document.querySelectorAll("#person-facts dd, #person-title, #task-title, #task-meta, #task-person")) node.textContent = "";
    for (const form of document.querySelectorAll("form")) form.reset();
    $("outbox-count").textContent = "";
  }

  async function wipeWorkingSet() {
    const database = await db();
    const tx = database.transaction([...DATA_STORES, "meta"], "readwrite");
    await Promise.all([
      ...DATA_STORES.map((name) => tx.objectStore(name).clear()),
      tx.objectStore("meta").delete("last_sync"),
      tx.objectStore("meta").delete(CURSORS), // the next sync fetches every list whole
      tx.done,
    ]);
  }

  /* Messages between tabs (app.js listens) */

  function announce(what) {
    if (channel) channel.postMessage(what);
  }

  Object.assign(app, {
    DATA_STORES, CURSORS, draftKey, channel, db, closeDb, getMeta, setMeta, wipeEverything,
    clearScreens, wipeWorkingSet, announce,
  });
})();
