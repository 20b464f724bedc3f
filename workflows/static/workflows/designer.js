/* The procedure designer: bpmn-js's modeller (vendor/bpmn-js) with a palette and a context
 * pad limited to the steps the engine runs, and a side panel of our own for the selected
 * element's properties, kept on the BPMN elements in the `siso:` extension (moddle
 * descriptor from the page). Saving posts the BPMN XML; the server answers with the
 * problems, each marked on its step, or saves a draft (workflows/designer.py).
 * Strings and choices come from the page (#designer-data), never from this file. */
(function () {
  "use strict";

  const byId = (id) => document.getElementById(id);
  const data = JSON.parse(byId("designer-data").textContent);
  const initialXml = JSON.parse(byId("designer-xml").textContent);
  const S = data.strings;
  const P = data.panel;
  const KEY = /^[a-z][a-z0-9_]*$/;
  const TIMER = "bpmn:TimerEventDefinition";
  const PREFIX = {
    "bpmn:StartEvent": "inizio",
    "bpmn:EndEvent": "fine",
    "bpmn:UserTask": "attivita",
    "bpmn:ServiceTask": "azione",
    "bpmn:ExclusiveGateway": "decisione",
    "bpmn:ParallelGateway": "parallelo",
    "bpmn:IntermediateCatchEvent": "attesa",
  };
  // Units of a duration: how a number of them is written in ISO 8601 (docs/workflows.md).
  const UNITS = {
    working_days: (n) => "P" + n + "D",
    days: (n) => "P" + n + "D",
    weeks: (n) => "P" + n + "W",
    months: (n) => "P" + n + "M",
    hours: (n) => "PT" + n + "H",
  };

  // --- the siso: extension (workflows/bpmn.py writes and reads the same) -----------------
  const siso = window.SisoBpmn || {};

  let modeler;
  const service = (name) => modeler.get(name);
  service.deadlinePrefix = data.deadline_prefix;

  function nextId(type) {
    const registry = service("elementRegistry");
    const prefix = PREFIX[type] || "passo";
    let number = 1;
    while (registry.get(prefix + "_" + number)) number += 1;
    return prefix + "_" + number;
  }

  function makeShape(type, timer) {
    const bo = service("bpmnFactory").create(type, { id: nextId(type) });
    const attrs = { type: type, businessObject: bo };
    if (timer) attrs.eventDefinitionType = TIMER;
    return service("elementFactory").createShape(attrs);
  }

  const CREATABLE = [
    ["start", "bpmn:StartEvent", "event", "bpmn-icon-start-event-none"],
    ["end", "bpmn:EndEvent", "event", "bpmn-icon-end-event-none"],
    ["timer", "bpmn:IntermediateCatchEvent", "event", "bpmn-icon-intermediate-event-catch-timer"],
    ["exclusive", "bpmn:ExclusiveGateway", "gateway", "bpmn-icon-gateway-xor"],
    ["parallel", "bpmn:ParallelGateway", "gateway", "bpmn-icon-gateway-parallel"],
    ["user", "bpmn:UserTask", "activity", "bpmn-icon-user-task"],
    ["service", "bpmn:ServiceTask", "activity", "bpmn-icon-service-task"],
  ];
  const TOOLS = ["hand-tool", "lasso-tool", "global-connect-tool", "tool-separator"];
  // Entries that work from the keyboard are buttons (bpmn-js draws divs unless told).
  const BUTTON = '<button type="button" class="entry" draggable="true"></button>';

  function SisoPalette(palette, create) {
    palette.registerProvider(500, this);
    this.getPaletteEntries = function () {
      return function (entries) {
        const kept = {};
        TOOLS.forEach((name) => {
          if (entries[name]) kept[name] = entries[name];
        });
        CREATABLE.forEach(([name, type, group, className]) => {
          const start = (event) => create.start(event, makeShape(type, name === "timer"));
          kept["siso.create." + name] = {
            group: group,
            className: className,
            title: S.palette[name],
            html: BUTTON,
            action: {
              dragstart: start,
              // Enter or Space on the button (a click of no pointer) places the step itself:
              // after the selected one, or under the diagram.
              click: (event) => (event && event.detail === 0 ? addFromPalette(name) : start(event)),
            },
          };
        });
        return kept;
      };
    };
  }
  SisoPalette.$inject = ["palette", "create"];

  function SisoContextPad(contextPad, create, autoPlace) {
    contextPad.registerProvider(500, this);
    this.getContextPadEntries = function (element) {
      return function (entries) {
        const kept = {};
        const type = element.type;
        // A deadline timer leads nowhere: the task is escalated when it passes.
        const node = type !== "label" && type !== "bpmn:SequenceFlow" && type !== "bpmn:BoundaryEvent";
        if (node && type !== "bpmn:EndEvent") {
          CREATABLE.forEach(([name, shapeType, , className]) => {
            if (name === "start") return;
            const timer = name === "timer";
            kept["siso.append." + name] = {
              group: "model",
              className: className,
              title: S.palette[name],
              html: BUTTON,
              action: {
                click: (event, source) => autoPlace.append(source, makeShape(shapeType, timer)),
                dragstart: (event, source) =>
                  create.start(event, makeShape(shapeType, timer), { source: source }),
              },
            };
          });
        }
        if (entries.connect && node && type !== "bpmn:EndEvent") {
          kept.connect = Object.assign({}, entries.connect, { title: S.palette.connect });
        }
        if (entries.delete) {
          kept.delete = Object.assign({}, entries.delete, { title: S.palette.delete, html: BUTTON });
        }
        return kept;
      };
    };
  }
  SisoContextPad.$inject = ["contextPad", "create", "autoPlace"];

  const sisoModule = {
    __init__: ["sisoPalette", "sisoContextPad"],
    sisoPalette: ["type", SisoPalette],
    sisoContextPad: ["type", SisoContextPad],
  };

  // --- reading and writing an element's properties ----------------------------------------

  function kindOf(element) {
    const bo = element.businessObject;
    if (element.type === "bpmn:IntermediateCatchEvent") {
      const timer = (bo.eventDefinitions || []).some((d) => d.$type === TIMER);
      return timer ? "timer" : "other";
    }
    return {
      "bpmn:UserTask": "user",
      "bpmn:ServiceTask": "service",
      "bpmn:ExclusiveGateway": "exclusive",
      "bpmn:ParallelGateway": "parallel",
      "bpmn:StartEvent": "start",
      "bpmn:EndEvent": "end",
      "bpmn:SequenceFlow": "flow",
    }[element.type] || "other";
  }

  function durationParts(text, workingDays) {
    const match = /^P(?:(\d+)([DWM])|T(\d+)H)$/.exec(text || "");
    if (!match) return { amount: "", unit: workingDays ? "working_days" : "days" };
    if (match[3]) return { amount: match[3], unit: "hours" };
    const unit = { D: workingDays ? "working_days" : "days", W: "weeks", M: "months" }[match[2]];
    return { amount: match[1], unit: unit };
  }

  // --- the side panel ---------------------------------------------------------------------

  const panel = byId("designer-panel");
  let counter = 0;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && node.appendChild(child));
    return node;
  }

  function field(label, control, help) {
    counter += 1;
    const id = "designer-field-" + counter;
    control.id = id;
    const wrapper = el("div", { class: "siso-designer__field" }, [
      el("label", { for: id, text: label }),
      control,
    ]);
    if (help) {
      const helpId = id + "-help";
      control.setAttribute("aria-describedby", helpId);
      wrapper.appendChild(el("p", { id: helpId, class: "siso-designer__hint", text: help }));
    }
    return wrapper;
  }

  function select(options, value, onChange, name) {
    const node = el("select", { name: name });
    options.forEach((option) => {
      const item = el("option", { value: option.value, text: option.label });
      if (String(option.value) === String(value == null ? "" : value)) item.selected = true;
      node.appendChild(item);
    });
    node.addEventListener("change", () => onChange(node.value));
    return node;
  }

  function textInput(value, onChange, name) {
    const node = el("input", { type: "text", name: name });
    node.value = value || "";
    node.addEventListener("change", () => onChange(node.value.trim()));
    return node;
  }

  function checkbox(label, checked, onChange, name) {
    counter += 1;
    const id = "designer-field-" + counter;
    const box = el("input", { type: "checkbox", id: id, name: name });
    box.checked = !!checked;
    box.addEventListener("change", () => onChange(box.checked));
    return el("div", { class: "siso-designer__check" }, [box, el("label", { for: id, text: label })]);
  }

  function durationControl(legend, value, withWorkingDays, onChange, name) {
    const parts = durationParts(value.duration, value.working_days);
    counter += 1;
    const amountId = "designer-field-" + counter;
    const amount = el("input", {
      type: "number",
      min: "1",
      step: "1",
      inputmode: "numeric",
      id: amountId,
      name: name + "-amount",
    });
    amount.value = parts.amount;
    const units = Object.keys(UNITS).filter((unit) => withWorkingDays || unit !== "working_days");
    const unit = select(
      units.map((name) => ({ value: name, label: S.units[name] })),
      parts.unit,
      () => changed(),
      name + "-unit",
    );
    unit.setAttribute("aria-label", legend + ": " + S.unit);
    function changed() {
      const number = parseInt(amount.value, 10);
      if (!number || number < 1) return onChange(null);
      onChange({ duration: UNITS[unit.value](number), working_days: unit.value === "working_days" });
    }
    amount.addEventListener("change", changed);
    return el("fieldset", { class: "siso-designer__duration" }, [
      el("legend", { text: legend }),
      el("label", { for: amountId, text: S.amount }),
      amount,
      unit,
    ]);
  }

  function title(element) {
    return (element.businessObject && element.businessObject.name) || "";
  }

  function nameField(element) {
    return field(
      S.name,
      textInput(title(element), (value) => service("modeling").updateLabel(element, value), "name"),
    );
  }

  function tasksBefore(element) {
    // Every task from which `element` can be reached: their answers exist when it runs.
    const seen = new Set();
    const found = [];
    const queue = [element];
    while (queue.length) {
      const current = queue.shift();
      (current.incoming || []).forEach((flow) => {
        const source = flow.source;
        if (!source || seen.has(source.id)) return;
        seen.add(source.id);
        if (source.type === "bpmn:UserTask") found.push(source);
        queue.push(source);
      });
    }
    return found;
  }

  function vocabulary(gateway) {
    const words = [];
    tasksBefore(gateway).forEach((task) => {
      const props = siso.readTask(task);
      const name = title(task) || task.id;
      const form = P.questionnaires.find((q) => q.slug === props.form);
      if (!form) {
        words.push({ name: task.id + ".approved", label: name + ": " + S.approved, type: "boolean" });
        return;
      }
      form.fields.forEach((item) => {
        const word = { name: task.id + "." + item.name, label: name + ": " + item.label, type: item.type };
        if (item.choices) word.choices = item.choices;
        words.push(word);
      });
    });
    service("elementRegistry")
      .filter((element) => element.type === "bpmn:ServiceTask")
      .forEach((element) => {
        const props = siso.readAction(element);
        const variable = props.action === "set_variable" && props.params && props.params.name;
        if (typeof variable === "string" && variable) {
          words.push({ name: "vars." + variable, label: variable, type: "text" });
        }
      });
    return words;
  }

  function taskFields(element) {
    const props = siso.readTask(element);
    const assignee = props.assignee || { rule: "role" };
    const write = (patch) => {
      siso.writeTask(element, Object.assign(siso.readTask(element), patch), service);
    };
    const nodes = [];
    nodes.push(
      field(
        S.assignee,
        select(P.rules, assignee.rule, (rule) => {
          write({ assignee: Object.assign({}, assignee, { rule: rule }) });
          render(element);
        }, "assignee_rule"),
      ),
    );
    if ((assignee.rule || "role") === "role") {
      nodes.push(
        field(
          S.role,
          select([{ value: "", label: S.chooseRole }].concat(P.roles), assignee.role, (role) =>
            write({ assignee: Object.assign({}, assignee, { rule: "role", role: role, within: assignee.within || "zone" }) }),
          "role"),
        ),
      );
      nodes.push(
        field(
          S.within,
          select(P.within, assignee.within || "zone", (within) =>
            write({ assignee: Object.assign({}, assignee, { within: within }) }),
          "within"),
        ),
      );
    } else if (assignee.rule === "performer") {
      const others = service("elementRegistry")
        .filter((other) => other.type === "bpmn:UserTask" && other.id !== element.id)
        .map((other) => ({ value: other.id, label: title(other) || other.id }));
      nodes.push(
        field(
          S.performer,
          select([{ value: "", label: "—" }].concat(others), assignee.step, (step) =>
            write({ assignee: { rule: "performer", step: step } }),
          "performer_step"),
        ),
      );
    } else if (assignee.rule === "group") {
      const writeGroup = (group) => write({ assignee: { rule: "group", group: group } });
      const groups = [{ value: "", label: "—" }].concat(P.groups.map((g) => ({ value: g, label: g })));
      nodes.push(field(S.group, select(groups, assignee.group, writeGroup, "group")));
    }
    if (assignee.rule === "role" || assignee.rule === "group" || !assignee.rule) {
      nodes.push(checkbox(S.queue, props.queue, (queue) => write({ queue: queue }), "queue"));
    }
    nodes.push(
      field(
        S.form,
        select(
          [{ value: "", label: S.approve }].concat(P.questionnaires.map((q) => ({ value: q.slug, label: q.title }))),
          props.form,
          (form) => write({ form: form || null }),
          "form",
        ),
      ),
    );
    const deadline = props.deadline || {};
    nodes.push(
      durationControl(S.deadline, deadline, true, (value) => {
        write({
          deadline: value && Object.assign({ escalation: deadline.escalation || "notify" }, value),
        });
      }, "deadline"),
    );
    nodes.push(
      field(
        S.escalation,
        select(P.escalations, deadline.escalation || "notify", (escalation) => {
          const current = siso.readTask(element).deadline;
          if (current) write({ deadline: Object.assign({}, current, { escalation: escalation }) });
        }, "escalation"),
      ),
    );
    return nodes;
  }

  function actionFields(element) {
    const props = siso.readAction(element);
    return [
      field(
        S.action,
        select([{ value: "", label: S.chooseAction }].concat(P.actions), props.action, (action) =>
          siso.writeAction(element, Object.assign(siso.readAction(element), { action: action }), service),
        "action"),
      ),
    ];
  }

  function waitFields(element) {
    const props = siso.readWait(element);
    return [
      durationControl(S.wait, { duration: props.duration }, false, (value) =>
        siso.writeWait(element, { duration: value ? value.duration : null }, service),
      "wait"),
    ];
  }

  function flowFields(element) {
    const source = element.source;
    const nodes = [field(S.branchLabel, textInput(title(element), (value) => service("modeling").updateLabel(element, value), "label"))];
    if (!source || source.type !== "bpmn:ExclusiveGateway") return nodes;
    const isDefault = source.businessObject.default === element.businessObject;
    nodes.push(
      checkbox(S.otherwise, isDefault, (checked) => {
        // the default way has no condition of its own
        if (checked) siso.writeCondition(element, "", service);
        service("modeling").updateProperties(source, { default: checked ? element.businessObject : undefined });
        render(element);
      }, "otherwise"),
    );
    if (isDefault) return nodes;
    const area = el("textarea", { name: "condition", rows: "3" });
    area.value = siso.readCondition(element) || "";
    area.addEventListener("change", () => siso.writeCondition(element, area.value.trim(), service));
    const wrapper = field(S.condition, area);
    wrapper.classList.add("siso-designer__condition");
    nodes.push(wrapper);
    if (window.SisoConditions && window.SisoConditions.mount) {
      window.SisoConditions.mount(area, { vocabulary: vocabulary(source), mode: "condition" });
    } else {
      wrapper.appendChild(el("p", { class: "siso-designer__hint", text: S.noBuilder }));
    }
    return nodes;
  }

  function render(element) {
    panel.replaceChildren();
    if (element && element.type === "bpmn:BoundaryEvent" && element.host) element = element.host;
    if (!element || element.type === "label" || element.type === "bpmn:Process") {
      panel.appendChild(el("p", { text: S.nothing }));
      markSelected(null);
      return;
    }
    const kind = kindOf(element);
    panel.appendChild(el("p", { class: "siso-designer__kind", text: S.kinds[element.type] || element.type }));
    const nodes = kind === "flow" ? [] : [nameField(element)];
    if (kind === "user") nodes.push(...taskFields(element));
    else if (kind === "service") nodes.push(...actionFields(element));
    else if (kind === "timer") nodes.push(...waitFields(element));
    else if (kind === "flow") nodes.push(...flowFields(element));
    nodes.forEach((node) => panel.appendChild(node));
    problemsOf(element.id).forEach((message) =>
      panel.appendChild(el("p", { class: "siso-designer__problem", text: message })),
    );
    (kind === "flow" ? arrowTools(element) : nodeTools(element)).forEach((node) =>
      panel.appendChild(node),
    );
    markSelected(element);
  }

  // --- without a mouse: the list of elements, and adding, connecting, removing -------------
  // Everything the canvas does by pointer is also a button or a select in the page: the list
  // of the diagram's elements selects one; the panel adds a step after it (bpmn-js's
  // autoPlace, as the small menu does), draws an arrow to another step (modeling.connect),
  // goes along its arrows and removes it. The diagram stays the one source of what is saved.

  const list = byId("designer-elements");

  function isNode(element) {
    const bo = element && element.businessObject;
    return (
      !!bo &&
      !element.waypoints &&
      element.type !== "label" &&
      element.type !== "bpmn:BoundaryEvent" &&
      typeof bo.$instanceOf === "function" &&
      bo.$instanceOf("bpmn:FlowNode")
    );
  }

  function flows(element, direction) {
    return (element[direction] || []).filter((flow) => flow.type === "bpmn:SequenceFlow");
  }

  function flowOrder() {
    // From the start along the arrows (breadth first), then whatever no arrow reaches.
    const nodes = service("elementRegistry").filter(isNode);
    const byPlace = (a, b) => a.x - b.x || a.y - b.y;
    const seen = new Set();
    const order = [];
    const starts = nodes.filter((node) => node.type === "bpmn:StartEvent").sort(byPlace);
    const sources = nodes
      .filter((node) => node.type !== "bpmn:StartEvent" && !flows(node, "incoming").length)
      .sort(byPlace);
    const visit = (start) => {
      const todo = [start];
      while (todo.length) {
        const node = todo.shift();
        if (!node || seen.has(node.id)) continue;
        seen.add(node.id);
        order.push(node);
        flows(node, "outgoing").forEach((flow) => todo.push(flow.target));
      }
    };
    starts.concat(sources).forEach(visit);
    nodes.filter((node) => !seen.has(node.id)).sort(byPlace).forEach(visit);
    return order;
  }

  function describe(element) {
    const kind = S.kinds[element.type] || element.type;
    const name = title(element);
    return name ? kind + ": " + name : kind + " (" + element.id + ")";
  }

  function nameOf(element) {
    return title(element) || (S.kinds[element.type] || element.type) + " (" + element.id + ")";
  }

  function say(text) {
    status.textContent = text;
  }

  function show(element) {
    service("selection").select(element);
    const canvas = service("canvas");
    if (canvas.scrollToElement) canvas.scrollToElement(element);
  }

  function listButtons() {
    return Array.from(list.querySelectorAll("button[data-element-id]"));
  }

  function markSelected(element) {
    // The selected element is the list's current item and its one stop of Tab.
    const buttons = listButtons();
    const id = element && isNode(element) ? element.id : null;
    let stop = buttons.find((button) => button.dataset.elementId === id);
    const focused = buttons.find((button) => button === document.activeElement);
    stop = focused || stop || buttons[0];
    buttons.forEach((button) => {
      if (button.dataset.elementId === id) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
      button.tabIndex = button === stop ? 0 : -1;
    });
  }

  function renderList() {
    const focusedId = list.contains(document.activeElement) ? document.activeElement.dataset.elementId : null;
    list.replaceChildren();
    const nodes = flowOrder();
    if (!nodes.length) {
      const first = el("button", { type: "button", class: "button button-small", text: S.palette.start });
      first.addEventListener("click", () => add("start", null));
      list.appendChild(el("li", {}, [first]));
    }
    nodes.forEach((node) => {
      const button = el("button", {
        type: "button",
        class: "siso-designer__element",
        "data-element-id": node.id,
        text: describe(node),
      });
      button.addEventListener("click", () => show(node));
      list.appendChild(el("li", {}, [button]));
    });
    const again = focusedId && listButtons().find((button) => button.dataset.elementId === focusedId);
    if (again) again.focus();
    markSelected(service("selection").get()[0]);
  }

  list.addEventListener("keydown", (event) => {
    // Arrow keys, Home and End move along the list; Enter or Space selects.
    const buttons = listButtons();
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = {
      ArrowDown: at + 1,
      ArrowRight: at + 1,
      ArrowUp: at - 1,
      ArrowLeft: at - 1,
      Home: 0,
      End: buttons.length - 1,
    }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
    buttons.forEach((button) => (button.tabIndex = button === next ? 0 : -1));
    next.focus();
  });

  function placeUnder(shape) {
    // Under everything drawn, at the left edge of the diagram.
    const nodes = service("elementRegistry").filter(isNode);
    let position = { x: 200, y: 200 };
    if (nodes.length) {
      const left = Math.min(...nodes.map((node) => node.x));
      const bottom = Math.max(...nodes.map((node) => node.y + node.height));
      position = { x: left + shape.width / 2, y: bottom + 60 + shape.height / 2 };
    }
    return service("modeling").createShape(shape, position, service("canvas").getRootElement());
  }

  function add(name, source) {
    const [, type] = CREATABLE.find(([which]) => which === name);
    const shape = makeShape(type, name === "timer");
    const created = source ? service("autoPlace").append(source, shape) : placeUnder(shape);
    const editing = service("directEditing");
    if (editing.isActive()) editing.cancel(); // its name is typed in the panel instead
    show(created);
    say(S.added.replace("%(kind)s", S.kinds[created.type] || created.type));
    const input = panel.querySelector('[name="name"]');
    if (input) input.focus();
    return created;
  }

  function appendable(element) {
    return isNode(element) && element.type !== "bpmn:EndEvent";
  }

  function addFromPalette(name) {
    const selected = service("selection").get();
    const source = selected.length === 1 && appendable(selected[0]) ? selected[0] : null;
    return add(name, name === "start" ? null : source);
  }

  function heading(text) {
    counter += 1;
    const id = "designer-tools-" + counter;
    return [id, el("h3", { id: id, class: "siso-designer__tools-title", text: text })];
  }

  function arrowButton(flow) {
    const target = flow.target;
    let text = S.arrowTo.replace("%(name)s", target ? nameOf(target) : "?");
    const source = flow.source;
    if (source && source.businessObject.default === flow.businessObject) text += " · " + S.otherwiseShort;
    else if (title(flow)) text += " · " + title(flow);
    else if (siso.readCondition && siso.readCondition(flow)) text += " · " + S.withCondition;
    const button = el("button", {
      type: "button",
      class: "button button-small button-secondary",
      "data-flow-id": flow.id,
      text: text,
    });
    button.addEventListener("click", () => {
      show(flow);
      const first = panel.querySelector("input, select, textarea");
      if (first) first.focus();
    });
    return button;
  }

  function removeButton(element, text) {
    const button = el("button", { type: "button", class: "button button-small no", "data-designer-remove": true, text: text });
    button.addEventListener("click", () => {
      const ids = listButtons().map((item) => item.dataset.elementId);
      const at = ids.indexOf(element.id);
      const name = element.waypoints ? S.kinds[element.type] : nameOf(element);
      const back = element.waypoints ? element.source : null;
      service("modeling").removeElements([element]);
      say(S.removed.replace("%(name)s", name));
      if (back && service("elementRegistry").get(back.id)) {
        show(back);
        const again = panel.querySelector("[data-designer-connect]") || panel.querySelector("button");
        if (again) again.focus();
        return;
      }
      const buttons = listButtons();
      const next = buttons[Math.max(0, Math.min(at, buttons.length - 1))] || list.querySelector("button");
      if (next) next.focus();
    });
    return button;
  }

  function nodeTools(element) {
    const tools = [];
    const outgoing = flows(element, "outgoing");
    if (outgoing.length) {
      const [id, head] = heading(S.outgoing);
      const items = el("ul", { class: "siso-designer__tools-list", "aria-labelledby": id });
      outgoing.forEach((flow) => items.appendChild(el("li", {}, [arrowButton(flow)])));
      tools.push(el("div", { class: "siso-designer__tools" }, [head, items]));
    }
    if (appendable(element)) {
      const [id, head] = heading(S.appendTitle);
      const group = el("div", { class: "siso-designer__buttons", role: "group", "aria-labelledby": id });
      ["user", "exclusive", "parallel", "timer", "end", "service"].forEach((name) => {
        const button = el("button", {
          type: "button",
          class: "button button-small button-secondary",
          "data-designer-append": name,
          text: S.append[name],
        });
        button.addEventListener("click", () => add(name, element));
        group.appendChild(button);
      });
      tools.push(el("div", { class: "siso-designer__tools" }, [head, group]));

      const rules = service("bpmnRules");
      const reached = new Set(outgoing.map((flow) => flow.target && flow.target.id));
      const targets = flowOrder().filter(
        (other) => other.id !== element.id && !reached.has(other.id) && rules.canConnect(element, other),
      );
      if (targets.length) {
        const [, connectHead] = heading(S.connectTitle);
        const choice = select(
          [{ value: "", label: S.chooseTarget }].concat(
            targets.map((other) => ({ value: other.id, label: describe(other) })),
          ),
          "",
          () => {},
          "connect_to",
        );
        const button = el("button", {
          type: "button",
          class: "button button-small",
          "data-designer-connect": true,
          text: S.connect,
        });
        button.addEventListener("click", () => {
          const target = choice.value && service("elementRegistry").get(choice.value);
          if (!target) {
            say(S.chooseTarget);
            choice.focus();
            return;
          }
          const flow = service("modeling").connect(element, target);
          if (!flow) {
            say(S.cannotConnect);
            return;
          }
          say(S.connected.replace("%(source)s", nameOf(element)).replace("%(target)s", nameOf(target)));
          render(element);
          const made = panel.querySelector('[data-flow-id="' + flow.id + '"]');
          if (made) made.focus();
        });
        tools.push(
          el("div", { class: "siso-designer__tools" }, [
            connectHead,
            field(S.connectLabel, choice),
            button,
          ]),
        );
      }
    }
    tools.push(el("div", { class: "siso-designer__tools" }, [removeButton(element, S.remove)]));
    return tools;
  }

  function arrowTools(flow) {
    const tools = [];
    const source = flow.source;
    if (source) {
      const back = el("button", {
        type: "button",
        class: "button button-small button-secondary",
        "data-designer-back": true,
        text: S.backTo.replace("%(name)s", nameOf(source)),
      });
      back.addEventListener("click", () => {
        show(source);
        const again = panel.querySelector('[data-flow-id="' + flow.id + '"]');
        if (again) again.focus();
      });
      tools.push(back);
    }
    tools.push(removeButton(flow, S.removeArrow));
    return [el("div", { class: "siso-designer__tools siso-designer__buttons" }, tools)];
  }

  // --- problems on the diagram --------------------------------------------------------------

  let marked = [];
  let lastProblems = [];

  function problemsOf(id) {
    return lastProblems.filter((p) => p.step === id).map((p) => p.message);
  }

  function clearProblems() {
    const canvas = service("canvas");
    const overlays = service("overlays");
    marked.forEach((id) => {
      if (service("elementRegistry").get(id)) canvas.removeMarker(id, "siso-problem");
    });
    overlays.remove({ type: "siso-problem" });
    marked = [];
    lastProblems = [];
    const box = byId("designer-problems");
    box.hidden = true;
    box.replaceChildren();
  }

  function showProblems(problems) {
    clearProblems();
    lastProblems = problems;
    const registry = service("elementRegistry");
    const canvas = service("canvas");
    const overlays = service("overlays");
    const list = el("ul");
    const byStep = {};
    problems.forEach((problem) => {
      const element = problem.step && registry.get(problem.step);
      const where = element ? title(element) || element.id : S.procedureProblem;
      const item = el("li", {}, [el("strong", { text: where + ": " }), document.createTextNode(problem.message)]);
      if (element) {
        const link = el("button", { type: "button", class: "button button-small button-secondary", "data-step": element.id, text: S.showStep });
        link.addEventListener("click", () => {
          service("selection").select(element);
          canvas.scrollToElement ? canvas.scrollToElement(element) : null;
        });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(link);
        (byStep[element.id] = byStep[element.id] || []).push(problem.message);
      }
      list.appendChild(item);
    });
    Object.entries(byStep).forEach(([id, messages]) => {
      canvas.addMarker(id, "siso-problem");
      marked.push(id);
      const note = el("div", { class: "siso-designer__overlay", "data-step": id, text: messages.join(" ") });
      overlays.add(id, "siso-problem", { position: { bottom: -8, left: 0 }, html: note });
    });
    const box = byId("designer-problems");
    box.appendChild(el("h2", { text: S.problems }));
    box.appendChild(list);
    box.hidden = false;
  }

  // --- saving and publishing ------------------------------------------------------------------

  const status = byId("designer-status");

  function fixIds() {
    // Pasted or imported shapes may carry ids that are not step keys (the start is no step).
    const modeling = service("modeling");
    service("elementRegistry")
      .filter(
        (element) =>
          PREFIX[element.type] && element.type !== "bpmn:StartEvent" && !KEY.test(element.id),
      )
      .forEach((element) => modeling.updateProperties(element, { id: nextId(element.type) }));
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function send(url) {
    if (document.activeElement && panel.contains(document.activeElement)) {
      document.activeElement.blur(); // a field being typed in is written first
    }
    fixIds();
    status.textContent = S.saving;
    const { xml } = await modeler.saveXML({ format: true });
    const body = new FormData();
    body.append("xml", xml);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      });
    } catch (error) {
      status.textContent = S.failed;
      return;
    }
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    if (response.ok && answer.saved) {
      clearProblems();
      dirty = false;
      status.textContent = answer.version
        ? S.published.replace("%(number)s", answer.version)
        : S.saved;
    } else if (answer.problems) {
      showProblems(answer.problems);
      status.textContent = S.refused;
    } else {
      status.textContent = S.failed;
    }
    render(service("selection").get()[0]);
  }

  let dirty = false;

  async function start() {
    modeler = new window.BpmnJS({
      container: "#designer-canvas",
      additionalModules: [sisoModule],
      moddleExtensions: data.moddle ? { siso: data.moddle } : {},
    });
    await modeler.importXML(initialXml);
    service("canvas").zoom("fit-viewport", "auto");
    const eventBus = service("eventBus");
    eventBus.on("selection.changed", (event) => render(event.newSelection[0]));
    eventBus.on("commandStack.changed", () => {
      dirty = true;
      status.textContent = S.unsaved;
    });
    // Changed on the diagram (moved, undone, removed by its key): the panel follows; a change
    // made from the panel itself (its handlers run synchronously) leaves it as it is.
    let fromPanel = false;
    ["change", "input", "click", "keydown"].forEach((type) =>
      panel.addEventListener(type, () => {
        fromPanel = true;
        setTimeout(() => (fromPanel = false), 0);
      }, true),
    );
    eventBus.on("commandStack.changed", () => {
      renderList();
      if (!fromPanel && !panel.contains(document.activeElement)) {
        render(service("selection").get()[0]);
      }
    });
    render(null);
    renderList();
    document.querySelectorAll("[data-designer-save]").forEach((button) =>
      button.addEventListener("click", () => send(data.save_url)),
    );
    document.querySelectorAll("[data-designer-publish]").forEach((button) =>
      button.addEventListener("click", () => send(data.publish_url)),
    );
    window.addEventListener("beforeunload", (event) => {
      if (dirty) event.preventDefault();
    });
    document.body.dataset.designerReady = "true";
  }

  start();
})();
