/* Where the designer keeps a step's properties on its BPMN elements, as workflows/bpmn.py
 * writes and reads them (the moddle descriptor of `siso:` comes with the page):
 *   user task     <extensionElements><siso:task form queue><siso:assignee rule role within
 *                 step group/></siso:task></extensionElements>; its deadline is a timer
 *                 attached to it (boundary event `deadline-<key>`, timeDuration) with
 *                 <siso:deadline workingDays escalation/> in its extension elements
 *   service task  siso:action="..." (parameters in <siso:params>, kept as they are)
 *   wait          a timer event's timeDuration
 *   decision      a flow's conditionExpression (JSON Logic), the gateway's `default` flow
 * Each read gives the canonical graph's shape (docs/workflows.md); each write goes through
 * bpmn-js's modeling, so it can be undone like a move. */
(function () {
  "use strict";

  const TIMER = "bpmn:TimerEventDefinition";
  const JSON_LOGIC = "application/json+logic";

  function extension(bo, type) {
    const values = (bo.extensionElements && bo.extensionElements.values) || [];
    return values.find((value) => value.$type === type) || null;
  }

  // The extension element of `type` on `element`, created (undoably) when missing.
  function ensureExtension(element, type, service) {
    const bo = element.businessObject;
    const moddle = service("moddle");
    const modeling = service("modeling");
    let container = bo.extensionElements;
    if (!container) {
      container = moddle.create("bpmn:ExtensionElements", { values: [] });
      container.$parent = bo;
      modeling.updateProperties(element, { extensionElements: container });
    }
    let found = extension(bo, type);
    if (!found) {
      found = moddle.create(type);
      found.$parent = container;
      modeling.updateModdleProperties(element, container, {
        values: (container.values || []).concat([found]),
      });
    }
    return found;
  }

  function timerOf(bo) {
    return (bo.eventDefinitions || []).find((definition) => definition.$type === TIMER) || null;
  }

  function deadlineOf(element) {
    return (
      (element.attachers || []).find(
        (other) => other.type === "bpmn:BoundaryEvent" && timerOf(other.businessObject),
      ) || null
    );
  }

  function readTask(element) {
    const own = extension(element.businessObject, "siso:Task");
    const written = own && own.assignee;
    const assignee = { rule: (written && written.rule) || "role" };
    ["role", "within", "step", "group"].forEach((name) => {
      if (written && written[name]) assignee[name] = written[name];
    });
    let deadline = null;
    const boundary = deadlineOf(element);
    if (boundary) {
      const timer = timerOf(boundary.businessObject);
      const settings = extension(boundary.businessObject, "siso:Deadline");
      deadline = {
        duration: (timer.timeDuration && timer.timeDuration.body) || "",
        working_days: !!settings && settings.workingDays === "true",
        escalation: (settings && settings.escalation) || "notify",
      };
    } else if (own && own.deadline && own.deadline.duration) {
      deadline = {
        duration: own.deadline.duration,
        working_days: own.deadline.workingDays === "true",
        escalation: own.deadline.escalation || "notify",
      };
    }
    return {
      form: (own && own.form) || null,
      assignee: assignee,
      queue: !!own && own.queue === "true",
      deadline: deadline,
    };
  }

  function writeTask(element, props, service) {
    const moddle = service("moddle");
    const modeling = service("modeling");
    const own = ensureExtension(element, "siso:Task", service);
    const given = props.assignee || {};
    const rule = given.rule || "role";
    const attrs = { rule: rule };
    if (rule === "role") {
      attrs.role = given.role || "";
      attrs.within = given.within || "zone";
    } else if (rule === "performer") {
      attrs.step = given.step || "";
    } else if (rule === "group") {
      attrs.group = given.group || "";
    }
    const assignee = moddle.create("siso:Assignee", attrs);
    assignee.$parent = own;
    modeling.updateModdleProperties(element, own, {
      form: props.form || undefined,
      queue: props.queue ? "true" : "false",
      assignee: assignee,
      deadline: undefined, // kept on the timer attached to the task
    });
    writeDeadline(element, props.deadline, service);
  }

  function writeDeadline(task, deadline, service) {
    const modeling = service("modeling");
    let boundary = deadlineOf(task);
    if (!deadline || !deadline.duration) {
      if (boundary) modeling.removeShape(boundary);
      return;
    }
    if (!boundary) {
      const bo = service("bpmnFactory").create("bpmn:BoundaryEvent", {
        id: (service.deadlinePrefix || "deadline-") + task.id,
        cancelActivity: false,
      });
      const shape = service("elementFactory").createShape({
        type: "bpmn:BoundaryEvent",
        businessObject: bo,
        eventDefinitionType: TIMER,
      });
      boundary = modeling.createShape(
        shape,
        { x: task.x + task.width - 20, y: task.y + task.height },
        task,
        { attach: true },
      );
    }
    const timer = timerOf(boundary.businessObject);
    const expression = service("bpmnFactory").create("bpmn:FormalExpression", {
      body: deadline.duration,
    });
    modeling.updateModdleProperties(boundary, timer, { timeDuration: expression });
    const settings = ensureExtension(boundary, "siso:Deadline", service);
    modeling.updateModdleProperties(boundary, settings, {
      workingDays: deadline.working_days ? "true" : "false",
      escalation: deadline.escalation || "notify",
    });
  }

  function readAction(element) {
    const bo = element.businessObject;
    const written = extension(bo, "siso:Params");
    let params = {};
    try {
      params = JSON.parse((written && written.text) || "{}");
    } catch (error) {
      params = {};
    }
    return { action: bo.get("siso:action") || "", params: params };
  }

  function writeAction(element, props, service) {
    service("modeling").updateProperties(element, { "siso:action": props.action || undefined });
  }

  function readWait(element) {
    const timer = timerOf(element.businessObject);
    const duration = timer && timer.timeDuration;
    return { duration: duration ? duration.body : null };
  }

  function writeWait(element, props, service) {
    const timer = timerOf(element.businessObject);
    if (!timer) return;
    const expression = props.duration
      ? service("bpmnFactory").create("bpmn:FormalExpression", { body: props.duration })
      : undefined;
    service("modeling").updateModdleProperties(element, timer, { timeDuration: expression });
  }

  function readCondition(element) {
    const expression = element.businessObject.conditionExpression;
    return expression ? expression.body || "" : "";
  }

  function writeCondition(element, text, service) {
    const expression = text
      ? service("bpmnFactory").create("bpmn:FormalExpression", { body: text, language: JSON_LOGIC })
      : undefined;
    service("modeling").updateProperties(element, { conditionExpression: expression });
  }

  window.SisoBpmn = {
    deadlineOf,
    readTask,
    writeTask,
    readAction,
    writeAction,
    readWait,
    writeWait,
    readCondition,
    writeCondition,
  };
})();
