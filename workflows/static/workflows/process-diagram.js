/* A running process on its procedure's diagram (workflows/process.html): bpmn-js's
 * read-only viewer (vendor/bpmn-js), each step marked done, in progress or not reached.
 * It replaces the plain flow chart the page shows without scripts. */
(function () {
  "use strict";

  const holder = document.getElementById("process-diagram");
  const source = document.getElementById("process-diagram-data");
  if (!holder || !source || !window.BpmnJS) return;
  const diagram = JSON.parse(source.textContent);
  const hasStates = Object.keys(diagram.states).length > 0;

  async function show() {
    const frame = document.createElement("div");
    frame.className = "process-diagram__canvas";
    const viewer = new window.BpmnJS({
      container: frame,
      moddleExtensions: diagram.moddle ? { siso: diagram.moddle } : {},
    });
    const chart = holder.firstElementChild;
    holder.appendChild(frame); // measured by the viewer: it must be in the page
    try {
      await viewer.importXML(diagram.xml);
    } catch (error) {
      frame.remove(); // the plain chart stays
      return;
    }
    if (chart) chart.remove();
    frame.setAttribute("role", "region");
    frame.setAttribute("aria-label", holder.dataset.label || "");
    const canvas = viewer.get("canvas");
    const registry = viewer.get("elementRegistry");
    canvas.resized();
    canvas.zoom("fit-viewport", "auto");
    if (!hasStates) return;
    diagram.steps.forEach((key) => {
      if (!registry.get(key)) return;
      const state = diagram.states[key] || "pending";
      canvas.addMarker(key, "process-diagram--" + state);
    });
  }

  show();
})();
