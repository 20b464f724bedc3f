/* The app's forms (an activity report, an access, a diary note, a delivery, a document): what
 * each sends, to which endpoint, and how the outbox names it; filling a form, again from a
 * refused draft; saving it in the outbox.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const {
    CONFIG, $, locale, text, formatDate, formatNumber, showNotice, db, announce, sync,
    personName,
  } = app;

  const option = (value, label) => {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    return node;
  };
  const choices = (pairs) => [option("", text("choose")), ...pairs.map(([value, label]) => option(value, label))];
  // the device's own day: toISOString() is UTC's, which in Italy is still yesterday until 1 or 2
  const today = () => {
    const now = new Date();
    const two = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  };

  // A list of the chosen person's rows (their interventions, their cases), filled again when
  // another person is chosen; renderForm calls what this returns once the person is set.
  function followsPerson(form, fillFor) {
    const refill = () => fillFor(Number(form.elements.person.value));
    form.elements.person.onchange = refill;
    return refill;
  }
  const interventionsOfPerson = (form, interventions) =>
    followsPerson(form, (person) =>
      form.elements.intervention.replaceChildren(
        ...choices(interventions.filter((row) => row.person === person).map((row) => [row.id, row.item_name]))
      )
    );

  // The app's forms: what each sends, to which endpoint, and how the outbox names it.
  const FORMS = {
    report: {
      endpoint: "activity-reports/",
      fill(form, interventions) {
        form.elements.activity_type.replaceChildren(...choices(CONFIG.activity_types));
        return interventionsOfPerson(form, interventions);
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
      return followsPerson(form, (person) =>
        form.elements.case.replaceChildren(
          ...choices(cases.filter((row) => row.person === person).map((row) => [row.id, text("case_title", { id: row.id })]))
        )
      );
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
      return interventionsOfPerson(form, interventions);
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
      return followsPerson(form, (person) => {
        const own = cases.filter((row) => row.person === person);
        form.elements.case.replaceChildren(
          option("", text("no_case")),
          ...own.map((row) => option(row.id, text("case_title", { id: row.id })))
        );
        if (own.length) form.elements.case.value = String(own[0].id); // the person's case
      });
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

  Object.assign(app, { choices, FORMS, renderForm, saveForm });
})();
