/* The questionnaires' screens: the list of those kept on the device, and one filled in, a step
 * at a time, with its draft (questionnaire.js renders the kinds and applies the rules).
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const {
    CONFIG, $, locale, text, formatNumber, label, showNotice, db, getMeta, setMeta, draftKey,
    announce, sync, item, fill, personName, choices,
  } = app;

  /* Questionnaires: one step at a time, with the web wizard's evaluator (forms/logic-run.js
   * over json-logic-js and the project's operations) and forms/validation.py's order: a step
   * or field not shown counts as unanswered, computed values follow the answers, a hidden
   * field keeps its value. The server checks everything again when the answers arrive. */

  const Q = window.SisoQuestionnaire; // questionnaire.js: the kinds, the rules, the answers
  const quest = { form: null, step: 0, person: "", answers: {}, replaces: "", task: null, draftId: "" };

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
      // A task's form step: the answers complete the task (its person is the process's), with
      // their files as a submission's, one multipart request (sync.js `payload`).
      Object.assign(entry, {
        task: quest.task,
        person: Number(quest.person),
        endpoint: `${CONFIG.api}tasks/${quest.task}/complete/`,
        body: { answers: entry.body.answers },
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

  Object.assign(app, {
    renderFormsList, openQuestionnaire, copyToCurrent, sendQuestionnaire,
    questionnaireChanged, questionnaireClick, moveStep,
  });
})();
