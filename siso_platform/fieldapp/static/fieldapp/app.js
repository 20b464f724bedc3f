/* The field app (docs/app.md): sign-in with a device token, a working set and an outbox in
 * IndexedDB (store.js), and a sync that sends the outbox in order, once (sync.js). This file
 * routes between the screens (screens.js, forms.js, tasks.js, questionnaire-screen.js), signs
 * in and out, and starts the app; it is loaded last.
 */
(() => {
  "use strict";

  const app = window.SisoApp;
  const {
    CONFIG, $, text, setStatus, showNotice, db, closeDb, getMeta, channel, clearScreens,
    wipeEverything, api, messagesOf, sync, expireIfStale, renderStatus, renderHome,
    renderPerson, renderOutbox, outboxAction, FORMS, renderForm, saveForm, homeAction,
    renderTask, completeTask, renderFormsList, openQuestionnaire, copyToCurrent,
    sendQuestionnaire, questionnaireChanged, questionnaireClick, moveStep,
  } = app;

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
    // filled before it is shown: a screen never appears empty and then fills
    await renderAll();
    show(screen.name);
  }

  /* Messages between tabs (store.js sends them) */

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

  Object.assign(app, { renderAll, currentScreen, route });

  start();
})();
