"""Benchmark: the form engine validating submissions of a 100-field form with logic, against
plain Django form validation of the same 100 fields without logic.

Usage: .venv/bin/python bench/bench_forms.py [N]

Builds a 10-step, 100-field schema (text, integer, decimal, date, choice, yes/no; 30 fields
shown by a condition, 10 computed, the numbers with a JSON Logic rule), generates N (default 10,000)
submissions as the browser posts them (strings), and times `forms.validation.validate` over
all of them with the version compiled once, as a published version is. The baseline is a
`django.forms.Form` with the same fields and types, validating the same dicts. It prints
submissions per second for both and their ratio, measured in the same run; no thresholds.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=False, USE_TZ=True)
    django.setup()

from django import forms as django_forms

from forms.schema import compile_form
from forms.validation import validate

SEED = 20261123
STEPS, PER_STEP = 10, 10
KINDS = ["text", "integer", "decimal", "date", "choice", "boolean"]
CHOICES = ["a", "b", "c", "d"]


def label(text: str) -> dict:
    return {"it": text, "en": text}


def build_schema() -> dict:
    steps, index = [], 0
    for step in range(STEPS):
        fields = []
        for _ in range(PER_STEP):
            key, kind = f"f{index}", KINDS[index % len(KINDS)]
            spec: dict = {"key": key, "kind": kind, "label": label(key), "required": True}
            if kind == "choice":
                spec["choices"] = [{"value": v, "label": label(v)} for v in CHOICES]
            if kind in ("integer", "decimal"):
                spec["validations"] = {"min": 0, "max": 100000}
            if index % 10 == 3 and index > 6:  # shown by a condition on an earlier choice
                spec["visible_if"] = {"in": [{"var": f"f{index - 7}"}, ["a", "b"]]}
            elif index % 10 == 5 and index > 10:
                spec["visible_if"] = {"==": [{"var": f"f{index - 6}"}, True]}
            elif index % 10 == 7:
                spec["visible_if"] = {"<": [{"age": [{"var": f"f{index - 4}"}]}, 70]}
            if index % 10 == 8 and index > 20:  # computed from earlier numbers
                spec = {
                    "key": key,
                    "kind": "decimal",
                    "label": label(key),
                    "computed": {
                        "+": [{"var": f"f{index - 7}"}, {"*": [{"var": f"f{index - 6}"}, 2]}]
                    },
                }
            if spec.get("kind") in ("integer", "decimal") and "computed" not in spec:
                spec.setdefault("validations", {})["rules"] = [
                    {"rule": {"<=": [{"var": key}, 50000]}, "message": label("too high")}
                ]
            fields.append(spec)
            index += 1
        steps.append({"key": f"s{step}", "title": label(f"Step {step}"), "fields": fields})
    return {"slug": "bench", "title": label("Bench"), "steps": steps}


def answer(kind: str, rng: random.Random) -> str:
    if kind == "text":
        return rng.choice(["Mario", "Anna", "Via Roma 3", "nessuna nota"])
    if kind == "integer":
        return str(rng.randint(0, 1000))
    if kind == "decimal":
        return f"{rng.uniform(0, 5000):.2f}"
    if kind == "date":
        day = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 30000))
        return day.isoformat()
    if kind == "choice":
        return rng.choice(CHOICES)
    return rng.choice(["true", "false"])


def submissions(schema: dict, count: int) -> list[dict]:
    rng = random.Random(SEED)
    specs = [spec for step in schema["steps"] for spec in step["fields"]]
    return [
        {spec["key"]: answer(spec["kind"], rng) for spec in specs if "computed" not in spec}
        for _ in range(count)
    ]


def plain_form(schema: dict) -> type[django_forms.Form]:
    """The same fields as a Django form, without any condition, rule or computed value."""
    fields = {}
    for step in schema["steps"]:
        for spec in step["fields"]:
            kind, key = spec["kind"], spec["key"]
            if "computed" in spec:
                continue
            fields[key] = {
                "text": lambda: django_forms.CharField(max_length=200),
                "integer": lambda: django_forms.IntegerField(min_value=0, max_value=100000),
                "decimal": lambda: django_forms.DecimalField(min_value=0, max_value=100000),
                "date": lambda: django_forms.DateField(),
                "choice": lambda: django_forms.ChoiceField(choices=[(v, v) for v in CHOICES]),
                "boolean": lambda: django_forms.TypedChoiceField(
                    choices=[("true", "yes"), ("false", "no")], coerce=lambda v: v == "true"
                ),
            }[kind]()
    return type("PlainForm", (django_forms.Form,), fields)


def main(count: int) -> None:
    schema = build_schema()
    data = submissions(schema, count)
    compiled = compile_form(schema)
    today = datetime.date(2026, 11, 23)
    Plain = plain_form(schema)

    start = time.perf_counter()
    valid = sum(validate(compiled, answers, today=today).is_valid for answers in data)
    engine = time.perf_counter() - start

    start = time.perf_counter()
    plain_valid = sum(Plain(answers).is_valid() for answers in data)
    plain = time.perf_counter() - start

    print(f"{count} submissions of a {STEPS * PER_STEP}-field form")
    print(f"  form engine (logic):      {count / engine:10.0f} submissions/s  ({valid} valid)")
    print(f"  plain Django form:        {count / plain:10.0f} submissions/s  ({plain_valid} valid)")
    print(f"  ratio engine / plain:     {plain / engine:10.2f}x the throughput")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
