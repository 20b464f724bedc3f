/* The sync (docs/app.md, "How it syncs"): the outbox sent in order, once, then the working set
 * fetched again (cases, persons and interventions with a cursor: only what changed); one tab at
 * a time; and the working set wiped when it has not been synced for too long.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const {
    CONFIG, text, label, romeDay, setStatus, showNotice, DATA_STORES, CURSORS, db, getMeta,
    setMeta, wipeEverything, wipeWorkingSet, announce, Revoked, Unreachable, api, messagesOf,
  } = app;

  const LOCK = "siso-outbox";
  const MAX_PAGES = 10; // 200 rows a page: the working set is what the user works on
  const REFUSED = [400, 403, 404, 409, 410, 422];
  const AGENDA_DAYS = 7; // today and the next six days

  async function fetchAll(path) {
    const answer = await fetchPages(path);
    if (answer.invalid) throw new Unreachable("400");
    return answer.rows;
  }

  // A list's pages (at most MAX_PAGES): its rows, the first page's `Sync-Cursor`, whether it
  // came whole (`complete`), and whether the role may not read it (`refused`, kept empty) or the
  // server refused the query (`invalid`: a `since` cursor it no longer accepts).
  async function fetchPages(path) {
    let url = CONFIG.api + path;
    const rows = [];
    let cursor = null;
    for (let page = 0; url && page < MAX_PAGES; page += 1) {
      const response = await api(url);
      if (response.status === 401) throw new Revoked();
      if (response.status === 403 || response.status === 404) return { rows: [], refused: true }; // not for this role
      if (response.status === 400) return { rows: [], invalid: true };
      if (!response.ok) throw new Unreachable(String(response.status));
      if (page === 0) cursor = response.headers.get("Sync-Cursor");
      const data = await response.json();
      if (Array.isArray(data)) return { rows: data, cursor, complete: true };
      rows.push(...(data.results || []));
      url = data.next || null;
    }
    return { rows, cursor, complete: !url };
  }

  /* The lists fetched with a cursor (docs/app.md, "How it syncs"): only what changed since the
   * last sync, then the ids the list holds now (`ids/`, the same query): a row kept on the
   * device and no longer among them left the user's scope and is deleted. */

  const SYNCED_LISTS = {
    // the persons the user follows (`mine`, the web's "my persons"), not the whole scope
    cases: "cases/?page_size=200&status=open&mine=true",
    persons: "persons/?page_size=200&mine=true",
    interventions: "interventions/?page_size=200&mine=true",
  };
  const WHOLE_EVERY_MS = 24 * 3600 * 1000; // and a list is fetched whole once a day anyway

  // Whose the cursors are: another user, role or scope fetches every list whole.
  const cursorsOwner = (me) => JSON.stringify([me.username, me.roles, me.scope]);

  async function fetchIds(path) {
    const response = await api(CONFIG.api + path.replace("/?", "/ids/?"));
    if (response.status === 401) throw new Revoked();
    if (response.status === 403 || response.status === 404) return new Set(); // not for this role
    if (!response.ok) throw new Unreachable(String(response.status));
    return new Set((await response.json()).ids);
  }

  // One list: {whole, rows, scope, state}. With a cursor: the changed rows and the ids in scope
  // (`whole` false). Whole (no cursor kept, the server refuses it, a day since the list was last
  // fetched whole, more changes than a sync takes, or rows that entered the scope without
  // changing, that the device lacks): every row, and a new cursor.
  async function fetchList(path, known, cached) {
    const fresh = known && known.cursor && Date.now() - new Date(known.full_at).getTime() < WHOLE_EVERY_MS;
    if (fresh) {
      const changed = await fetchPages(`${path}&since=${encodeURIComponent(known.cursor)}`);
      if (changed.refused) return { whole: true, rows: [], state: null };
      if (!changed.invalid && changed.complete && changed.cursor) {
        const scope = await fetchIds(path);
        const held = new Set([...cached, ...changed.rows.map((row) => row.id)]);
        const entered = [...scope].some((id) => !held.has(id));
        // (a list cut at MAX_PAGES never holds its whole scope: what changes comes all the same)
        if (!entered || !known.complete) {
          return { whole: false, rows: changed.rows, scope, state: { ...known, cursor: changed.cursor } };
        }
      }
    }
    const all = await fetchPages(path);
    if (all.invalid) throw new Unreachable("400");
    const state = all.cursor ? { cursor: all.cursor, full_at: new Date().toISOString(), complete: all.complete } : null;
    return { whole: true, rows: all.rows, state };
  }

  async function fetchSyncedLists(database, me) {
    const kept = await database.get("meta", CURSORS);
    const owner = cursorsOwner(me);
    const known = kept && kept.who === owner ? kept.lists : {};
    const lists = {};
    const cursors = { who: owner, lists: {} };
    for (const [name, path] of Object.entries(SYNCED_LISTS)) {
      lists[name] = await fetchList(path, known[name], await database.getAllKeys(name));
      if (lists[name].state) cursors.lists[name] = lists[name].state;
    }
    return { lists, cursors };
  }

  // In the sync's transaction: a list fetched whole replaces the store; one fetched with its
  // cursor loses the rows no longer in scope and takes the changed rows (upserted by id).
  function storeList(store, list) {
    if (list.whole) return [store.clear(), ...list.rows.map((row) => store.put(row))];
    const writes = [];
    return store.getAllKeys().then((ids) => {
      for (const id of ids) if (!list.scope.has(id)) writes.push(store.delete(id));
      for (const row of list.rows) if (list.scope.has(row.id)) writes.push(store.put(row));
      return Promise.all(writes);
    });
  }

  /* Sync: the outbox in order, then the working set; one tab at a time. */

  async function flushOutbox() {
    const database = await db();
    const items = (await database.getAll("outbox")).filter((item) => item.state === "pending");
    items.sort((a, b) => a.seq - b.seq);
    for (const { id } of items) {
      const item = await database.get("outbox", id); // as it is now, under the lock
      if (!item || item.state !== "pending") continue;
      const response = await api(item.endpoint, { method: "POST", body: payload(item), key: item.id });
      if (response.status === 401) throw new Revoked();
      if (response.ok) {
        const answer = await response.json().catch(() => ({}));
        Object.assign(item, { state: "sent", sent_at: new Date().toISOString(), server_id: answer.id ?? null });
      } else if (REFUSED.includes(response.status)) {
        Object.assign(item, { state: "refused", reason: (await messagesOf(response)).message });
      } else {
        throw new Unreachable(String(response.status)); // 429, 5xx: later, in the same order
      }
      await database.put("outbox", item);
      announce("outbox");
      await app.renderOutbox();
    }
  }

  // An item with files (a photo kept as a Blob in IndexedDB) goes as multipart, its fields
  // and its files in one request under the item's one key: the server keeps both, or neither.
  function payload(item) {
    if (!item.files || !item.files.length) return item.body;
    const form = new FormData();
    for (const [name, value] of Object.entries(item.body)) {
      if (value !== null && value !== undefined) form.append(name, typeof value === "object" ? JSON.stringify(value) : String(value));
    }
    // A questionnaire's file is named by its answer's path; a report's are all `files`.
    for (const file of item.files) form.append(file.field || "files", file.blob, file.name);
    return form;
  }

  async function refreshWorkingSet() {
    const meResponse = await api(`${CONFIG.api}me/`);
    if (meResponse.status === 401) throw new Revoked();
    if (!meResponse.ok) throw new Unreachable(String(meResponse.status));
    const me = await meResponse.json();
    const forms = await fetchForms();
    const database = await db();
    // Cases, persons and interventions: what changed since the last sync (SYNCED_LISTS).
    const { lists, cursors } = await fetchSyncedLists(database, me);
    const fetched = {
      forms,
      // My tasks, and my group's queue (the tasks I may take), in one store.
      tasks: [
        ...(await fetchAll("tasks/")),
        ...(await fetchAll("tasks/?queue=1")).map((task) => ({ ...task, queue: true })),
      ],
      // the needs of the persons followed that are still open or being addressed
      needs: (await fetchAll("needs/?page_size=200&mine=true")).filter((need) => need.status !== "closed"),
      appointments: await fetchAll(`appointments/?page_size=200&from=${romeDay(0)}&to=${romeDay(AGENDA_DAYS - 1)}`),
      alerts: (await fetchAll("alerts/?page_size=200&open=true")).filter(
        (alert) => alert.assigned_to === me.username
      ),
      prefill: (await fetchAll("forms/prefill/?page_size=200&mine=true")).map((row) => ({ id: row.person, values: row.values })),
    };
    fetched.forms.push(...(await formsOfDrafts(database, fetched.forms)));
    const tx = database.transaction([...DATA_STORES, "meta"], "readwrite");
    const writes = [];
    for (const name of DATA_STORES) {
      const store = tx.objectStore(name);
      if (lists[name]) {
        writes.push(storeList(store, lists[name]));
        continue;
      }
      writes.push(store.clear());
      for (const row of fetched[name]) writes.push(store.put(row));
    }
    writes.push(tx.objectStore("meta").put(cursors, CURSORS));
    writes.push(tx.objectStore("meta").put(me, "me"));
    writes.push(tx.objectStore("meta").put(new Date().toISOString(), "last_sync"));
    await Promise.all([...writes, tx.done]);
  }

  // The versions a draft or an unsent item still refers to, that the server no longer lists
  // (withdrawn, or replaced by a newer version): kept, marked, so the draft can be opened and
  // its answers copied into the current version. Dropped once nothing refers to them.
  async function formsOfDrafts(database, listed) {
    const ids = new Set(listed.map((form) => form.id));
    const needed = new Set();
    for (const entry of await database.getAll("outbox")) {
      if (entry.form_id && entry.state !== "sent") needed.add(entry.form_id);
    }
    for (const key of await database.getAllKeys("meta")) {
      if (String(key).startsWith("draft:")) needed.add(String(key).slice(6).split("@task")[0]);
    }
    const kept = [];
    for (const id of needed) {
      const form = ids.has(id) ? null : await database.get("forms", id);
      if (form) kept.push({ ...form, withdrawn: true });
    }
    return kept;
  }

  // The questionnaires the user may fill: the newest published version of each, with its schema.
  async function fetchForms() {
    const forms = [];
    for (const summary of await fetchAll("forms/")) {
      const response = await api(summary.url);
      if (response.status === 401) throw new Revoked();
      if (!response.ok) continue;
      const detail = await response.json();
      forms.push({
        id: `${detail.slug}/${detail.version}`,
        slug: detail.slug,
        version: detail.version,
        title: label(detail.title),
        layout: detail.layout,
        endpoint: `${CONFIG.api}forms/${detail.slug}/versions/${detail.version}/submissions/`,
      });
    }
    return forms;
  }

  // One sync at a time in a tab; one asked for while another runs (an item saved after the
  // outbox was sent) runs again once it ends, so nothing waits for the next trigger.
  let syncing = null;
  let syncAgain = false;
  function sync() {
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    syncing = (async () => {
      do {
        syncAgain = false;
        await runSync();
      } while (syncAgain);
    })().finally(() => {
      syncing = null;
    });
    return syncing;
  }

  async function runSync() {
    if (!(await getMeta("token"))) return;
    if (!navigator.onLine) {
      await app.renderStatus();
      return;
    }
    setStatus(text("syncing"));
    const work = async () => {
      await flushOutbox();
      await refreshWorkingSet();
    };
    try {
      if (navigator.locks) await navigator.locks.request(LOCK, work);
      else await work();
    } catch (error) {
      if (error instanceof Revoked) {
        await wipeEverything();
        showNotice(text("revoked"));
        await app.route();
        return;
      }
      if (!(error instanceof Unreachable)) throw error;
    }
    announce("synced");
    await app.renderAll();
  }

  async function expireIfStale() {
    const last = await getMeta("last_sync");
    const since = last || (await getMeta("signed_in_at"));
    if (!since) return;
    if (Date.now() - new Date(since).getTime() > CONFIG.working_set_hours * 3600 * 1000) {
      await wipeWorkingSet();
      await setMeta("signed_in_at", new Date().toISOString());
      showNotice(text("expired", { hours: CONFIG.working_set_hours }));
    }
  }

  Object.assign(app, { sync, expireIfStale });
})();
