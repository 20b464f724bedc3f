/* The field app (docs/app.md): sign-in with a device token, a working set and an outbox in
 * IndexedDB (through the vendored `idb`), and a sync that sends the outbox in order, once.
 *
 * Every sentence it shows comes from the page: the shell's HTML, or the catalogue the server
 * renders as JSON (#app-catalogue), in the user's language.
 */
(() => {
  "use strict";

  const CONFIG = JSON.parse(document.getElementById("app-config").textContent);
  const TEXT = JSON.parse(document.getElementById("app-catalogue").textContent);
  const DB_NAME = "siso-app";
  // `forms`: the published questionnaire versions, with their schema (no personal data);
  // `appointments`: the user's own agenda, today and the next days; `needs`: the open needs
  // of the persons followed; `prefill`: per person of the working set, the values
  // questionnaires are prefilled with.
  const DATA_STORES = ["cases", "persons", "tasks", "interventions", "alerts", "forms", "appointments", "needs", "prefill"];
  const LOCK = "siso-outbox";
  const MAX_PAGES = 10; // 200 rows a page: the working set is what the user works on
  const REFUSED = [400, 403, 404, 409, 410, 422];
  const REQUEST_TIMEOUT_MS = 30 * 1000;
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("siso-app") : null;
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

  class Revoked extends Error {}
  class Unreachable extends Error {}

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

  /* The API */

  async function api(path, { method = "GET", body, key, token } = {}) {
    const headers = { Accept: "application/json" };
    const bearer = token === undefined ? await getMeta("token") : token;
    if (bearer) headers.Authorization = `Token ${bearer}`;
    // A FormData (an item with files) sets its own multipart Content-Type.
    const multipart = body instanceof FormData;
    if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    // A request that hangs (a dead network) must not hold the outbox's lock for ever.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await fetch(path, {
        method,
        headers,
        body: body === undefined || multipart ? body : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit", // the token only: never a web session's cookie
        signal: timeout.signal,
      });
    } catch (error) {
      throw new Unreachable(String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async function messagesOf(response) {
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    const messages = [];
    const collect = (value) => {
      if (typeof value === "string") messages.push(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(data && data.errors ? data.errors : data);
    return {
      data,
      message: messages.length ? messages.join(" ") : text("server_error", { status: response.status }),
    };
  }

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
  const CURSORS = "sync_cursors"; // in `meta`: {who, lists: {name: {cursor, full_at, complete}}}
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
      await renderOutbox();
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
      await renderStatus();
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
        await route();
        return;
      }
      if (!(error instanceof Unreachable)) throw error;
    }
    announce("synced");
    await renderAll();
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

  /* Messages between tabs */

  function announce(what) {
    if (channel) channel.postMessage(what);
  }
  if (channel) {
    channel.onmessage = async (event) => {
      if (event.data === "wiped") {
        await closeDb();
        clearScreens();
        await route();
      } else {
        await renderAll();
      }
    };
  }

  /* Screens */

  function setStatus(message) {
    $("app-status").textContent = message;
  }
  function showNotice(message) {
    const notice = $("app-notice");
    notice.textContent = message;
    notice.hidden = !message;
  }

  async function renderStatus() {
    const last = await getMeta("last_sync");
    const line = last ? text("last_sync", { when: formatTime(last) }) : text("never_synced");
    setStatus(navigator.onLine ? text("online") : text("offline"));
    $("home-sync").textContent = line;
  }

  function item(parts) {
    const li = document.createElement("li");
    const title = document.createElement("p");
    if (parts.href) {
      const link = document.createElement("a");
      link.href = parts.href;
      link.textContent = parts.title;
      title.append(link);
    } else {
      title.textContent = parts.title;
    }
    li.append(title);
    if (parts.meta) {
      const meta = document.createElement("p");
      meta.className = "app-item-meta";
      meta.textContent = parts.meta;
      li.append(meta);
    }
    if (parts.actions && parts.actions.length) {
      const actions = document.createElement("div");
      actions.className = "app-item-actions";
      for (const [label, data] of parts.actions) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-outline-primary btn-xs";
        button.textContent = label;
        Object.assign(button.dataset, data);
        actions.append(button);
      }
      li.append(actions);
    }
    return li;
  }

  function fill(list, rows) {
    list.replaceChildren(...(rows.length ? rows : [item({ title: text("nothing") })]));
  }

  const personName = (person, id) =>
    person ? `${person.last_name} ${person.first_name}` : text("unknown_person", { id });

  /* The agenda: the user's own appointments, by the day of Rome as the server counts it. */

  const AGENDA_DAYS = 7; // today and the next six days
  const ROME = "Europe/Rome";
  // "YYYY-MM-DD" of the day `offset` days from today, in Rome (en-CA writes dates so).
  function romeDay(offset = 0, from = new Date()) {
    const moment = new Date(from.getTime() + offset * 86400 * 1000);
    return new Intl.DateTimeFormat("en-CA", { timeZone: ROME, year: "numeric", month: "2-digit", day: "2-digit" }).format(moment);
  }
  const formatHour = (iso) => new Intl.DateTimeFormat(locale, { timeZone: ROME, timeStyle: "short" }).format(new Date(iso));
  const capitalised = (value) => (value ? value.charAt(0).toUpperCase() + value.slice(1) : "");

  function appointmentItem(row, persons) {
    const li = document.createElement("li");
    li.className = "app-appointment";
    const title = document.createElement("p");
    const time = document.createElement("strong");
    time.textContent = formatHour(row.starts_at);
    title.append(time, ` · ${capitalised(row.kind_label)}`);
    const meta = document.createElement("p");
    meta.className = "app-item-meta";
    meta.textContent = [
      capitalised(row.place_label),
      row.place_detail,
      row.status !== "scheduled" ? row.status_label : "",
    ]
      .filter(Boolean)
      .join(" · ");
    const who = document.createElement("p");
    const person = persons.get(row.person);
    if (person) {
      const link = document.createElement("a");
      link.href = `#person/${row.person}`;
      link.textContent = personName(person);
      who.append(link);
    } else {
      who.textContent = personName(null, row.person);
    }
    li.append(title, meta, who);
    return li;
  }

  async function renderAppointments(database, persons) {
    const day = romeDay(0);
    const rows = (await database.getAll("appointments"))
      .filter((row) => romeDay(0, new Date(row.starts_at)) === day)
      .sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at));
    $("home-appointments").replaceChildren(
      ...(rows.length ? rows.map((row) => appointmentItem(row, persons)) : [item({ title: text("no_appointments") })])
    );
  }

  async function renderHome() {
    const database = await db();
    const persons = new Map((await database.getAll("persons")).map((p) => [p.id, p]));
    await renderAppointments(database, persons);
    const tasks = await database.getAll("tasks");
    const taskMeta = (task) =>
      [
        task.subject ? personName(persons.get(task.subject), task.subject) : "",
        task.procedure && task.procedure.title,
        task.due_at && text("task_due", { date: formatDate(task.due_at) }),
        task.local && text(`task_${task.local}_here`),
      ]
        .filter(Boolean)
        .join(" · ");
    fill(
      $("home-tasks"),
      tasks
        .filter((task) => !task.queue && task.local !== "complete")
        .map((task) =>
          item({
            title: task.title,
            href: `#task/${task.id}`,
            meta: taskMeta(task),
            actions: [[text("release"), { taskAction: "release", task: task.id }]],
          })
        )
    );
    fill(
      $("home-queue"),
      tasks
        .filter((task) => task.queue)
        .map((task) =>
          item({ title: task.title, meta: taskMeta(task), actions: [[text("take"), { taskAction: "claim", task: task.id }]] })
        )
    );
    const alerts = await database.getAll("alerts");
    fill($("home-alerts"), alerts.map((alert) => item({ title: alert.title, meta: alert.detail })));
    const cases = await database.getAll("cases");
    fill(
      $("home-cases"),
      cases.map((row) =>
        item({
          title: `${text("case_title", { id: row.id })} · ${personName(persons.get(row.person), row.person)}`,
          href: persons.has(row.person) ? `#person/${row.person}` : null,
          meta: text("opened_on", { date: formatDate(row.opened_on) }),
        })
      )
    );
    fill(
      $("home-persons"),
      [...persons.values()]
        .sort((a, b) => personName(a).localeCompare(personName(b), locale))
        .map((person) => item({ title: personName(person), href: `#person/${person.id}`, meta: person.tax_code }))
    );
  }

  async function renderPerson(id) {
    const database = await db();
    const person = await database.get("persons", id);
    $("person-title").textContent = personName(person, id);
    for (const cell of $("person-facts").querySelectorAll("dd")) {
      const value = person ? person[cell.dataset.field] : "";
      if (cell.dataset.field === "birth_date") cell.textContent = formatDate(value);
      else if (value && typeof value === "object") cell.textContent = value.name || "";
      else cell.textContent = value || "–";
    }
    const cases = (await database.getAll("cases")).filter((row) => row.person === id);
    fill(
      $("person-cases"),
      cases.map((row) =>
        item({ title: text("case_title", { id: row.id }), meta: [row.office, text("opened_on", { date: formatDate(row.opened_on) })].join(" · ") })
      )
    );
    const needs = (await database.getAll("needs")).filter((row) => row.person === id);
    fill(
      $("person-needs"),
      needs.map((row) => item({ title: row.category_name, meta: [row.status_label, text("noted_on", { date: formatDate(row.noted_on) })].join(" · ") }))
    );
    const interventions = (await database.getAll("interventions")).filter((row) => row.person === id);
    fill(
      $("person-interventions"),
      interventions.map((row) => item({ title: row.item_name, meta: [row.provider, formatDate(row.starts_on)].join(" · ") }))
    );
    $("person-report").href = `#report/${id}`;
    $("person-access").href = `#access/${id}`;
    $("person-diary").href = `#diary/${id}`;
    $("person-delivery").href = `#delivery/${id}`;
    $("person-document").href = `#document/${id}`;
  }

  const STATE_LABEL = {
    pending: () => text("state_pending"),
    sent: () => text("state_sent"),
    refused: (entry) => text("state_refused", { reason: entry.reason || "" }),
  };

  const filesNote = (entry) =>
    entry.files && entry.files.length ? ` · ${text("with_files", { names: entry.files.map((file) => file.name).join(", ") })}` : "";

  async function renderOutbox() {
    const database = await db();
    const items = (await database.getAll("outbox")).sort((a, b) => a.seq - b.seq);
    const persons = new Map((await database.getAll("persons")).map((p) => [p.id, p]));
    const waiting = items.filter((entry) => entry.state !== "sent").length;
    $("outbox-count").textContent = waiting ? `(${waiting})` : "";
    const template = $("outbox-item");
    $("outbox-list").replaceChildren(
      ...items.map((entry) => {
        const node = template.content.firstElementChild.cloneNode(true);
        node.dataset.id = entry.id;
        node.dataset.state = entry.state;
        node.querySelector('[data-slot="kind"]').textContent = text(`kind_${entry.kind}`);
        const who = entry.body.person ?? entry.person; // a task's item names its person apart
        node.querySelector('[data-slot="summary"]').textContent = [
          who ? personName(persons.get(who), who) : "",
          FORMS[entry.kind].summary(entry.body, entry) + filesNote(entry),
        ]
          .filter(Boolean)
          .join(" · ");
        const state = node.querySelector('[data-slot="state"]');
        state.textContent = STATE_LABEL[entry.state](entry);
        state.classList.add(`app-state-${entry.state}`);
        node.querySelector('[data-slot="created"]').textContent = text("created_at", {
          when: formatTime(entry.created_at),
        });
        node.querySelector('[data-slot="actions"]').hidden = entry.state !== "refused";
        // Taking, releasing or deciding on a task again is done from the task, not the draft.
        node.querySelector('[data-action="edit"]').hidden = entry.kind.startsWith("task_");
        return node;
      })
    );
  }

  const option = (value, label) => {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    return node;
  };
  const choices = (pairs) => [option("", text("choose")), ...pairs.map(([value, label]) => option(value, label))];
  const today = () => new Date().toISOString().slice(0, 10);

  // The app's forms: what each sends, to which endpoint, and how the outbox names it.
  const FORMS = {
    report: {
      endpoint: "activity-reports/",
      fill(form, interventions) {
        form.elements.activity_type.replaceChildren(...choices(CONFIG.activity_types));
        const fillInterventions = () => {
          const chosen = Number(form.elements.person.value);
          form.elements.intervention.replaceChildren(
            ...choices(interventions.filter((row) => row.person === chosen).map((row) => [row.id, row.item_name]))
          );
        };
        form.elements.person.onchange = fillInterventions;
        return fillInterventions;
      },
      body: (fields) => ({
        person: Number(fields.person.value),
        intervention: Number(fields.intervention.value),
        activity_type: fields.activity_type.value,
        date: fields.date.value,
        hours: String(fields.hours.value),
        notes: fields.notes.value,
      }),
      summary: (body) => text("hours_of", { hours: formatNumber(body.hours), date: formatDate(body.date) }),
    },
    access: {
      endpoint: "accesses/",
      fill(form) {
        form.elements.channel.replaceChildren(...choices(CONFIG.access_channels));
        form.elements.outcome.replaceChildren(...choices(CONFIG.access_outcomes));
        return () => null;
      },
      body: (fields) => ({
        person: Number(fields.person.value),
        channel: fields.channel.value,
        date: fields.date.value,
        reason: fields.reason.value,
        outcome: fields.outcome.value,
        referred_to: fields.referred_to.value,
      }),
      summary: (body) =>
        [new Map(CONFIG.access_channels).get(body.channel), formatDate(body.date)].filter(Boolean).join(" · "),
    },
  };

  // A diary note on one of the person's cases; a delivery of one of their interventions.
  FORMS.diary = {
    endpoint: "diary-notes/",
    fill(form, interventions, cases) {
      form.elements.kind.replaceChildren(...choices(CONFIG.note_kinds));
      const fillCases = () => {
        const chosen = Number(form.elements.person.value);
        form.elements.case.replaceChildren(
          ...choices(cases.filter((row) => row.person === chosen).map((row) => [row.id, text("case_title", { id: row.id })]))
        );
      };
      form.elements.person.onchange = fillCases;
      return fillCases;
    },
    body: (fields) => ({
      case: Number(fields.case.value),
      kind: fields.kind.value,
      happened_on: fields.happened_on.value,
      text: fields.text.value,
    }),
    summary: (body) => [new Map(CONFIG.note_kinds).get(body.kind), formatDate(body.happened_on)].filter(Boolean).join(" · "),
  };
  FORMS.delivery = {
    endpoint: (fields) => `interventions/${Number(fields.intervention.value)}/deliveries/`,
    fill(form, interventions) {
      const fillInterventions = () => {
        const chosen = Number(form.elements.person.value);
        form.elements.intervention.replaceChildren(
          ...choices(interventions.filter((row) => row.person === chosen).map((row) => [row.id, row.item_name]))
        );
      };
      form.elements.person.onchange = fillInterventions;
      return fillInterventions;
    },
    body: (fields) => ({ date: fields.date.value, quantity: String(fields.quantity.value), note: fields.note.value }),
    // What the form shows again when a refused draft is corrected, besides the body.
    extra: (fields) => ({ intervention: Number(fields.intervention.value) }),
    summary: (body) => text("quantity_on", { quantity: formatNumber(body.quantity), date: formatDate(body.date) }),
  };

  // A photo or a document on the person's record (and one of their cases, if any): its file
  // waits in the outbox as a Blob and goes as multipart with the item's key.
  FORMS.document = {
    endpoint: "documents/",
    fill(form, interventions, cases) {
      form.elements.kind.replaceChildren(...choices(CONFIG.document_kinds));
      const fillCases = () => {
        const chosen = Number(form.elements.person.value);
        const own = cases.filter((row) => row.person === chosen);
        form.elements.case.replaceChildren(
          option("", text("no_case")),
          ...own.map((row) => option(row.id, text("case_title", { id: row.id })))
        );
        if (own.length) form.elements.case.value = String(own[0].id); // the person's case
      };
      form.elements.person.onchange = fillCases;
      return fillCases;
    },
    body: (fields) => ({
      person: Number(fields.person.value),
      case: fields.case.value ? Number(fields.case.value) : null,
      title: fields.title.value.trim(),
      kind: fields.kind.value,
    }),
    summary: (body) => [body.title, new Map(CONFIG.document_kinds).get(body.kind)].filter(Boolean).join(" · "),
  };

  FORMS.questionnaire = { summary: (body, entry) => entry.title || "" };
  FORMS.task_claim = { summary: (body, entry) => entry.title || "" };
  FORMS.task_release = FORMS.task_claim;
  FORMS.task_complete = {
    summary: (body, entry) =>
      [entry.title, body.answers && text(body.answers.approved ? "approved" : "not_approved")].filter(Boolean).join(" · "),
  };

  /* Tasks: take and release from the lists, complete on the task's screen; all through the
   * outbox. The working set shows what was done here until the next sync brings the truth. */

  async function queueTaskItem(task, kind, body, local) {
    const entry = {
      id: crypto.randomUUID(), // the Idempotency-Key
      seq: Date.now() + performance.now() / 1e6,
      kind: `task_${kind}`,
      task: task.id,
      person: task.subject || null,
      title: task.title,
      endpoint: `${CONFIG.api}tasks/${task.id}/${kind}/`,
      body,
      created_at: new Date().toISOString(),
      state: "pending",
    };
    const database = await db();
    const tx = database.transaction(["outbox", "tasks"], "readwrite");
    await Promise.all([tx.objectStore("outbox").put(entry), tx.objectStore("tasks").put({ ...task, ...local }), tx.done]);
    showNotice(text("saved"));
    announce("outbox");
  }

  async function homeAction(event) {
    const button = event.target.closest("button[data-task-action]");
    if (!button) return;
    const task = await (await db()).get("tasks", Number(button.dataset.task));
    if (!task) return;
    if (button.dataset.taskAction === "claim") await queueTaskItem(task, "claim", {}, { queue: false, local: "claim" });
    else await queueTaskItem(task, "release", {}, { queue: true, local: "release" });
    await renderAll();
    sync();
  }

  async function renderTask(id) {
    const database = await db();
    const task = await database.get("tasks", id);
    $("task-title").textContent = task ? task.title : text("nothing");
    $("task-meta").textContent = task
      ? [task.procedure && task.procedure.title, task.due_at && text("task_due", { date: formatDate(task.due_at) })]
          .filter(Boolean)
          .join(" · ")
      : "";
    const person = task && task.subject ? await database.get("persons", task.subject) : null;
    const link = document.createElement("a");
    if (task && task.subject) {
      link.href = `#person/${task.subject}`;
      link.textContent = personName(person, task.subject);
    }
    $("task-person").replaceChildren(...(task && task.subject ? [link] : []));
    const mine = task && !task.queue && task.local !== "complete";
    const form = mine && task.form ? await database.get("forms", `${task.form.slug}/${task.form.version}`) : null;
    $("task-form").hidden = !mine || Boolean(task.form);
    $("task-web").hidden = !mine || !task.form || Boolean(form);
    $("task-questionnaire").hidden = !form;
    if (form) $("task-questionnaire").href = `#questionnaire/${form.id}/${task.subject || 0}/task/${task.id}`;
    $("task-form").reset();
  }

  async function completeTask(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    const task = await (await db()).get("tasks", currentScreen().id);
    if (!task) return;
    const answers = { approved: form.elements.approved.value === "true" };
    if (form.elements.note.value.trim()) answers.note = form.elements.note.value.trim();
    await queueTaskItem(task, "complete", { answers }, { local: "complete" });
    form.reset();
    location.hash = "#outbox";
    sync();
  }

  async function renderForm(kind, personId, draft) {
    const database = await db();
    const persons = (await database.getAll("persons")).sort((a, b) => personName(a).localeCompare(personName(b), locale));
    const form = $(`${kind}-form`);
    form.reset();
    form.elements.person.replaceChildren(...choices(persons.map((p) => [p.id, personName(p)])));
    const afterPerson = FORMS[kind].fill(form, await database.getAll("interventions"), await database.getAll("cases"));
    form.elements.replaces.value = draft ? draft.id : "";
    const values = draft
      ? { person: draft.person, ...draft.body, ...(draft.extra || {}) }
      : { person: personId || "", date: today(), happened_on: today() };
    form.elements.person.value = values.person ? String(values.person) : "";
    afterPerson();
    for (const [name, value] of Object.entries(values)) {
      if (name !== "person" && form.elements[name]) form.elements[name].value = value ?? "";
    }
    // A file input cannot be filled again: a draft's photo stays with it unless another is taken.
    const kept = form.querySelector("[data-slot=files-kept]");
    if (kept) {
      kept.textContent = draft && draft.files && draft.files.length ? text("files_kept", { names: draft.files.map((file) => file.name).join(", ") }) : "";
      kept.hidden = !kept.textContent;
    }
    // A file the form needs (a document) is required unless the draft keeps one.
    const needed = form.querySelector("input[type=file][data-needed]");
    if (needed) needed.required = !(draft && draft.files && draft.files.length);
  }

  // The files chosen in a form (a photo from the camera), as the outbox keeps them: Blobs.
  async function chosenFiles(form) {
    const input = form.querySelector("input[type=file]");
    // The field the API names the file by (`file` for a document), else the report's `files`.
    const field = input && input.dataset.field;
    const chosen = input ? [...input.files].map((file) => ({ name: file.name, type: file.type, blob: file, ...(field ? { field } : {}) })) : [];
    const replaces = form.elements.replaces.value;
    if (chosen.length || !replaces) return chosen;
    const draft = await (await db()).get("outbox", replaces);
    return (draft && draft.files) || [];
  }

  async function saveForm(event) {
    event.preventDefault();
    const form = event.target;
    const kind = form.id.replace(/-form$/, "");
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    const { endpoint, extra } = FORMS[kind];
    const entry = {
      id: crypto.randomUUID(), // the Idempotency-Key: the server creates it once
      seq: Date.now() + performance.now() / 1e6,
      kind,
      endpoint: CONFIG.api + (typeof endpoint === "function" ? endpoint(form.elements) : endpoint),
      body: FORMS[kind].body(form.elements),
      person: Number(form.elements.person.value) || null, // whom the outbox names
      extra: extra ? extra(form.elements) : null,
      files: await chosenFiles(form),
      created_at: new Date().toISOString(),
      state: "pending",
    };
    const database = await db();
    const tx = database.transaction("outbox", "readwrite");
    const replaces = form.elements.replaces.value;
    // A corrected draft goes as a new item, with a new key: the refused one is dropped.
    await Promise.all([tx.store.put(entry), replaces ? tx.store.delete(replaces) : null, tx.done]);
    form.reset();
    showNotice(text("saved"));
    announce("outbox");
    location.hash = "#outbox";
    sync();
  }

  async function outboxAction(event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const id = button.closest("li").dataset.id;
    const database = await db();
    const entry = await database.get("outbox", id);
    if (!entry) return;
    if (button.dataset.action === "copy") {
      const copy = [text(`kind_${entry.kind}`), entry.reason || "", JSON.stringify(entry.body, null, 2)].join("\n");
      try {
        await navigator.clipboard.writeText(copy);
        showNotice(text("copied"));
      } catch (error) {
        showNotice(copy);
      }
    } else if (button.dataset.action === "edit") {
      location.hash = `#${entry.kind}/edit/${id}`;
    } else if (button.dataset.action === "discard" && window.confirm(text("confirm_discard"))) {
      await database.delete("outbox", id);
      announce("outbox");
      await renderOutbox();
    }
  }

  /* Questionnaires: one step at a time, with the web wizard's evaluator (forms/logic-run.js
   * over json-logic-js and the project's operations) and forms/validation.py's order: a step
   * or field not shown counts as unanswered, computed values follow the answers, a hidden
   * field keeps its value. The server checks everything again when the answers arrive. */

  const Q = window.SisoQuestionnaire; // questionnaire.js: the kinds, the rules, the answers
  const quest = { form: null, step: 0, person: "", answers: {}, replaces: "", task: null, draftId: "" };

  function label(value) {
    if (!value || typeof value === "string") return value || "";
    return value[locale.slice(0, 2)] || value.it || value.en || "";
  }
  const draftKey = (formId) => `draft:${formId}`;
  Q.setup({ label, text, formatNumber });

  async function renderFormsList() {
    const forms = (await (await db()).getAll("forms"))
      .filter((form) => !form.withdrawn)
      .sort((a, b) => a.title.localeCompare(b.title, locale));
    fill(
      $("forms-list"),
      forms.map((form) =>
        item({ title: form.title, href: `#questionnaire/${form.id}`, meta: text("version", { version: form.version }) })
      )
    );
  }

  const evaluate = () => Q.evaluate(quest.form, quest.answers);

  function visibleSteps() {
    const { shownSteps } = evaluate();
    return quest.form.layout.steps.map((step, index) => [step, index]).filter(([step]) => shownSteps.has(step.key));
  }

  function renderStep() {
    const step = quest.form.layout.steps[quest.step];
    $("questionnaire-step-title").textContent = label(step.title);
    $("questionnaire-fields").replaceChildren(
      ...step.fields.filter((spec) => spec.kind !== "hidden").map((spec) => Q.fieldBox(spec, quest.answers))
    );
    $("questionnaire-error").hidden = true;
    applyLogic();
  }

  // Where the step is among those shown: a later step may appear or go with an answer.
  function renderProgress(shownSteps) {
    const steps = quest.form.layout.steps.map((step, index) => [step, index]).filter(([step]) => shownSteps.has(step.key));
    const position = steps.findIndex(([, index]) => index === quest.step);
    $("questionnaire-progress").textContent = text("step_of", { step: position + 1, steps: steps.length });
    $("questionnaire-person-group").hidden = position !== 0;
    $("questionnaire-back").hidden = position <= 0;
    $("questionnaire-next").hidden = position === steps.length - 1;
    $("questionnaire-send").hidden = position !== steps.length - 1;
  }

  // Shows and hides the step's fields, fills the computed ones and filters choices, live.
  function applyLogic() {
    const result = Q.apply($("questionnaire-fields"), quest.form, quest.answers);
    renderProgress(result.shownSteps);
    return result.data;
  }

  function readStep() {
    Q.read($("questionnaire-fields"), quest.form, quest.answers);
    quest.person = $("questionnaire-person").value;
  }

  async function saveDraft() {
    const draft = { person: quest.person, step: quest.step, answers: quest.answers, replaces: quest.replaces };
    await setMeta(draftKey(quest.draftId), draft);
  }

  // The person's prefill values (the server's, kept per person of the working set at each
  // sync) fill the fields still empty, or still holding the previous person's values.
  async function applyPrefill(previous) {
    const database = await db();
    const valuesOf = async (id) => (id ? ((await database.get("prefill", Number(id))) || {}).values || {} : {});
    const before = Q.prefill(quest.form, await valuesOf(previous));
    const after = Q.prefill(quest.form, await valuesOf(quest.person));
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const current = quest.answers[key];
      if (!Q.isEmpty(current) && JSON.stringify(current) !== JSON.stringify(before[key])) continue;
      if (key in after) quest.answers[key] = after[key];
      else delete quest.answers[key];
    }
  }

  async function questionnaireChanged() {
    if (!quest.form) return;
    const previous = quest.person;
    readStep();
    if (quest.person !== previous) {
      await applyPrefill(previous);
      renderStep();
    }
    applyLogic();
    await saveDraft();
  }

  // A row added or removed, a ranked choice moved, the device's position.
  async function questionnaireClick(event) {
    if (!quest.form) return;
    readStep();
    const group = event.target.closest("[data-kind=group]");
    if (!Q.click(event, quest.form, quest.answers, questionnaireChanged)) return;
    renderStep();
    await saveDraft();
    const box = group && $("questionnaire-fields").querySelector(`[data-key="${CSS.escape(group.dataset.key)}"]`);
    if (!box) return;
    const rows = box.querySelectorAll(":scope > [data-row]");
    const added = event.target.closest("[data-add-row]") && rows[rows.length - 1];
    (added ? added.querySelector("input, select, textarea") : box.querySelector("[data-add-row]")).focus();
  }

  function setError(node, message) {
    const input = node.querySelector("input, select, textarea") || node;
    const error = node.querySelector(".invalid-feedback");
    if (error) {
      error.textContent = message || "";
      error.style.display = message ? "block" : "";
    }
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.classList.toggle("is-invalid", Boolean(message));
  }

  // The step's shown fields, as the server checks them: required answers, numbers, rows...
  function checkStep() {
    let valid = true;
    const first = $("questionnaire-person-group");
    if (!first.hidden) {
      const missing = !quest.person;
      setError(first, missing ? text("required") : "");
      valid = valid && !missing;
    }
    valid = Q.check($("questionnaire-fields"), quest.form, quest.step, quest.answers) && valid;
    $("questionnaire-error").textContent = valid ? "" : text("fix_errors");
    $("questionnaire-error").hidden = valid;
    if (!valid) {
      const wrong = document.querySelector("#screen-questionnaire .is-invalid, #screen-questionnaire .app-invalid");
      const target = wrong && wrong.matches("fieldset") ? wrong.querySelector("input, select, textarea, button") : wrong;
      if (target) target.focus();
    }
    return valid;
  }

  async function moveStep(direction) {
    readStep();
    if (direction > 0 && !checkStep()) return;
    const steps = visibleSteps().map(([, index]) => index);
    const position = steps.indexOf(quest.step);
    const next = steps[position + direction];
    if (next === undefined) return;
    quest.step = next;
    await saveDraft();
    renderStep();
    $("questionnaire-step-title").focus();
  }

  async function openQuestionnaire(screen) {
    const database = await db();
    let entry = null;
    let formId = screen.formId;
    if (screen.draft) {
      entry = await database.get("outbox", screen.draft);
      formId = entry && entry.form_id;
    }
    const form = formId ? await database.get("forms", formId) : null;
    quest.form = form;
    $("questionnaire-form").hidden = !form;
    if (!form) {
      $("questionnaire-title").textContent = text("nothing");
      $("questionnaire-progress").textContent = "";
      return;
    }
    quest.task = screen.task || (entry && entry.task) || null;
    quest.draftId = quest.task ? `${form.id}@task${quest.task}` : form.id;
    const draft = entry
      ? { person: String(entry.body.person ?? entry.person), step: 0, answers: entry.raw || {}, replaces: entry.id }
      : await getMeta(draftKey(quest.draftId));
    Object.assign(quest, {
      step: draft ? draft.step : 0,
      person: draft ? draft.person : screen.person ? String(screen.person) : "",
      answers: draft ? { ...draft.answers } : {},
      replaces: draft ? draft.replaces || "" : "",
    });
    if (!form.layout.steps[quest.step]) quest.step = 0;
    if (!draft && quest.person) await applyPrefill(""); // opened from the person's card
    const persons = (await database.getAll("persons")).sort((a, b) => personName(a).localeCompare(personName(b), locale));
    $("questionnaire-person").replaceChildren(...choices(persons.map((p) => [p.id, personName(p)])));
    $("questionnaire-person").value = quest.person;
    $("questionnaire-title").textContent = form.title;
    $("questionnaire-step-title").tabIndex = -1;
    showNotice(draft && !entry ? text("draft_kept") : "");
    // A version no longer published, kept for this draft: its answers go into the current one.
    quest.current = form.withdrawn
      ? (await database.getAll("forms")).find((other) => other.slug === form.slug && !other.withdrawn) || null
      : null;
    $("questionnaire-copy").hidden = !quest.current;
    if (form.withdrawn) {
      showNotice(text(quest.current ? "version_withdrawn" : "version_withdrawn_alone", { version: form.version }));
    }
    renderStep();
  }

  async function copyToCurrent() {
    readStep();
    const current = quest.current;
    if (!current) return;
    const draftId = quest.task ? `${current.id}@task${quest.task}` : current.id;
    // The current version's draft, which replaces the refused item when it is sent.
    await setMeta(draftKey(draftId), { person: quest.person, step: 0, answers: { ...quest.answers }, replaces: quest.replaces });
    location.hash = `#questionnaire/${current.id}/${quest.person || 0}${quest.task ? `/task/${quest.task}` : ""}`;
  }

  async function sendQuestionnaire(event) {
    event.preventDefault();
    readStep();
    if (!checkStep()) return;
    const form = quest.form;
    const entry = {
      id: crypto.randomUUID(), // the Idempotency-Key: the server creates it once
      seq: Date.now() + performance.now() / 1e6,
      kind: "questionnaire",
      form_id: form.id,
      title: form.title,
      endpoint: form.endpoint,
      body: { person: Number(quest.person), answers: Q.toSend(form, quest.answers) },
      files: Q.filesToSend(form, quest.answers), // sent with the answers, as multipart
      raw: quest.answers,
      created_at: new Date().toISOString(),
      state: "pending",
    };
    if (quest.task) {
      // A task's form step: the answers complete the task (its person is the process's).
      Object.assign(entry, {
        task: quest.task,
        person: Number(quest.person),
        endpoint: `${CONFIG.api}tasks/${quest.task}/complete/`,
        body: { answers: entry.body.answers },
        files: [], // completing a task takes JSON: its file questions are answered on the web
      });
    }
    const database = await db();
    const tx = database.transaction(["outbox", "meta"], "readwrite");
    await Promise.all([
      tx.objectStore("outbox").put(entry),
      quest.replaces ? tx.objectStore("outbox").delete(quest.replaces) : null,
      tx.objectStore("meta").delete(draftKey(quest.draftId)),
      tx.done,
    ]);
    quest.form = null;
    $("questionnaire-fields").replaceChildren();
    showNotice(text("saved"));
    announce("outbox");
    location.hash = "#outbox";
    sync();
  }

  async function renderAll() {
    if (!(await getMeta("token"))) return;
    await renderStatus();
    await renderOutbox();
    const screen = currentScreen();
    if (screen.name === "home") await renderHome();
    if (screen.name === "person") await renderPerson(screen.id);
    if (screen.name === "forms") await renderFormsList();
    if (screen.name === "task") await renderTask(screen.id);
  }

  function currentScreen() {
    const [name, ...rest] = location.hash.replace(/^#/, "").split("/");
    if (name === "person" || name === "task") return { name, id: Number(rest[0]) };
    if (name === "forms") return { name };
    if (name === "questionnaire" && rest[0] === "edit") return { name, draft: rest[1] };
    if (name === "questionnaire") {
      const task = rest[3] === "task" ? Number(rest[4]) || null : null; // a task's form step
      return { name, formId: `${rest[0]}/${rest[1]}`, person: Number(rest[2]) || null, task };
    }
    const form = name in FORMS;
    if (form && rest[0] === "edit") return { name, form, draft: rest[1] };
    if (form) return { name, form, person: Number(rest[0]) || null };
    if (name === "outbox") return { name };
    return { name: "home" };
  }

  function show(name) {
    for (const section of document.querySelectorAll(".app-screen")) {
      section.hidden = section.id !== `screen-${name}`;
    }
    for (const link of document.querySelectorAll("#app-nav [data-screen]")) {
      if (link.dataset.screen === name) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    $("app-loading").hidden = true;
  }

  async function route() {
    const token = await getMeta("token");
    $("app-nav").hidden = !token;
    if (!token) {
      show("signin");
      setStatus(navigator.onLine ? "" : text("offline"));
      return;
    }
    const me = await getMeta("me");
    const roles = new Set(me ? me.roles.map((role) => role.role) : []);
    const may = {
      report: roles.has("third_sector_operator"),
      access: ["operator", "social_worker", "zone_admin"].some((role) => roles.has(role)),
    };
    for (const node of document.querySelectorAll("[data-role-only]")) node.hidden = !may[node.dataset.roleOnly];
    const screen = currentScreen();
    if (screen.form) {
      const draft = screen.draft ? await (await db()).get("outbox", screen.draft) : null;
      await renderForm(screen.name, screen.person, draft);
    }
    if (screen.name === "questionnaire") await openQuestionnaire(screen);
    show(screen.name);
    await renderAll();
  }

  /* Signing in and out */

  async function signIn(event) {
    event.preventDefault();
    const form = event.target;
    const error = $("signin-error");
    error.hidden = true;
    const body = {
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
      otp_code: form.elements.otp_code.value.trim(),
      device: `SISO app · ${navigator.platform || "web"}`.slice(0, 100),
    };
    let response;
    try {
      response = await api(`${CONFIG.api}auth/login/`, { method: "POST", body, token: null });
    } catch (failure) {
      error.textContent = text("network_error");
      error.hidden = false;
      return;
    }
    if (response.status === 201) {
      const answer = await response.json();
      const database = await db();
      await database.put("meta", answer.token, "token");
      await database.put("meta", new Date().toISOString(), "signed_in_at");
      form.reset();
      $("signin-otp-group").hidden = true;
      showNotice("");
      location.hash = "#home";
      await route();
      await sync();
      await route();
      return;
    }
    const { data, message } = await messagesOf(response);
    if (data && data.errors && data.errors.otp_code) {
      $("signin-otp-group").hidden = false;
    }
    error.textContent = message;
    error.hidden = false;
  }

  async function signOut() {
    const token = await getMeta("token");
    if (token && navigator.onLine) {
      try {
        await api(`${CONFIG.api}auth/logout/`, { method: "POST", token });
      } catch (error) {
        // Offline: the token lapses by itself (API_TOKEN_DAYS); revoke it on the web.
      }
    }
    await wipeEverything();
    showNotice(text("signed_out"));
    location.hash = "";
    await route();
  }

  /* Start */

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(CONFIG.service_worker, { scope: CONFIG.scope }).catch(() => null);
    }
    $("signin-form").addEventListener("submit", signIn);
    $("report-form").addEventListener("submit", saveForm);
    $("access-form").addEventListener("submit", saveForm);
    $("diary-form").addEventListener("submit", saveForm);
    $("delivery-form").addEventListener("submit", saveForm);
    $("document-form").addEventListener("submit", saveForm);
    $("task-form").addEventListener("submit", completeTask);
    $("screen-home").addEventListener("click", homeAction);
    $("questionnaire-form").addEventListener("submit", sendQuestionnaire);
    $("questionnaire-form").addEventListener("input", questionnaireChanged);
    $("questionnaire-form").addEventListener("change", questionnaireChanged);
    $("questionnaire-next").addEventListener("click", () => moveStep(1));
    $("questionnaire-back").addEventListener("click", () => moveStep(-1));
    $("questionnaire-copy").addEventListener("click", copyToCurrent);
    $("questionnaire-fields").addEventListener("click", questionnaireClick);
    $("outbox-list").addEventListener("click", outboxAction);
    $("sign-out").addEventListener("click", signOut);
    $("sync-now").addEventListener("click", () => sync());
    window.addEventListener("hashchange", () => route());
    window.addEventListener("online", () => sync());
    window.addEventListener("offline", () => renderStatus());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") sync();
    });
    if (await getMeta("token")) await expireIfStale();
    await route();
    document.body.dataset.ready = "true";
    setInterval(async () => {
      if (await getMeta("token")) await expireIfStale();
    }, 60 * 1000);
    await sync();
  }

  start();
})();
