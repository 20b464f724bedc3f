/* The tasks: taken and released from home's lists, completed on the task's screen; all through
 * the outbox. The working set shows what was done here until the next sync brings the truth.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const { CONFIG, $, text, formatDate, showNotice, db, announce, sync, personName } = app;

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
    await app.renderAll();
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
    const task = await (await db()).get("tasks", app.currentScreen().id);
    if (!task) return;
    const answers = { approved: form.elements.approved.value === "true" };
    if (form.elements.note.value.trim()) answers.note = form.elements.note.value.trim();
    await queueTaskItem(task, "complete", { answers }, { local: "complete" });
    form.reset();
    location.hash = "#outbox";
    sync();
  }

  Object.assign(app, { homeAction, renderTask, completeTask });
})();
