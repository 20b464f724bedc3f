/* The field app's screens that show the working set: the status line, home (the agenda, the
 * tasks, the queue, the alerts, the cases, the persons), a person's card, and the outbox.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const {
    $, locale, text, formatDate, formatTime, romeDay, formatHour, setStatus, showNotice, db,
    getMeta, announce,
  } = app;

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
          app.FORMS[entry.kind].summary(entry.body, entry) + filesNote(entry),
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

  Object.assign(app, {
    renderStatus, item, fill, personName, renderHome, renderPerson, renderOutbox, outboxAction,
  });
})();
