/* A duration chosen as a number and a unit, read and written as the ISO 8601 string the
   procedures' blocks store ("P10D"): the StreamField side of workflows/duration_widget.py,
   whose `parts` and `compose` these functions mirror. A deadline's state also carries its
   task's working-days flag: {"duration": "P10D", "working_days": true}. */
(() => {
  const Widget = window.telepath.constructors["wagtail.widgets.Widget"];
  const BoundWidget = new Widget("").boundWidgetClass;
  const ISO =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
  const FLAG = { working_days: true, days: false, weeks: false, hours: false, months: false };

  function parts(text, workingDays) {
    if (!text) return ["", ""];
    const match = ISO.exec(text);
    if (!match || text.endsWith("T") || !match.slice(1).some((group) => group)) {
      return [text, "other"];
    }
    const [years, months, weeks, days, hours, minutes, seconds] = match
      .slice(1)
      .map((group) => parseInt(group || "0", 10));
    const total = weeks * (workingDays ? 5 : 7) + days;
    if (!years && !months && !hours && !minutes && !seconds) {
      if (workingDays) return [String(total), "working_days"];
      if (!days) return [String(weeks), "weeks"];
      return [String(total), "days"];
    }
    if (workingDays && total) return [text, "other"];
    if (!weeks && !days && !hours && !minutes && !seconds) {
      return [String(years * 12 + months), "months"];
    }
    if (hours && !years && !months && !weeks && !days && !minutes && !seconds) {
      return [String(hours), "hours"];
    }
    return [text, "other"];
  }

  function compose(number, unit) {
    const value = (number || "").trim();
    if (unit === "other" || !/^\d+$/.test(value)) return value;
    const n = parseInt(value, 10);
    return { working_days: `P${n}D`, days: `P${n}D`, weeks: `P${n}W`, hours: `PT${n}H`,
      months: `P${n}M` }[unit] || value;
  }

  class BoundDurationInput extends BoundWidget {
    constructor(element, name, parentCapabilities) {
      super(element, name, parentCapabilities);
      this.unit = this.input.closest("[data-siso-duration]").querySelector("select");
      this.withWorkingDays = !!this.unit.querySelector('option[value="working_days"]');
      this.workingDays = false;
    }

    getValue() {
      return compose(this.input.value, this.unit.value);
    }

    getState() {
      if (!this.withWorkingDays) return this.getValue();
      const flag = FLAG[this.unit.value];
      return {
        duration: this.getValue(),
        working_days: flag === undefined ? this.workingDays : flag,
      };
    }

    setState(state) {
      let text = state;
      this.workingDays = false;
      if (state && typeof state === "object") {
        text = state.duration;
        this.workingDays = !!state.working_days;
      }
      const [number, unit] = parts(text || "", this.workingDays && this.withWorkingDays);
      this.input.value = number;
      if (unit) this.unit.value = unit;
    }

    setInvalid(invalid) {
      super.setInvalid(invalid);
      if (invalid) this.unit.setAttribute("aria-invalid", "true");
      else this.unit.removeAttribute("aria-invalid");
    }

    getValueForLabel() {
      if (!this.input.value) return "";
      if (this.unit.value === "other") return this.input.value;
      return `${this.input.value} ${this.unit.selectedOptions[0].textContent.trim()}`;
    }
  }

  class DurationInput extends Widget {
    boundWidgetClass = BoundDurationInput;
  }

  window.telepath.register("siso.widgets.DurationInput", DurationInput);
})();
