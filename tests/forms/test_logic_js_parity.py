"""The browser evaluates form logic with the vendored json-logic-js plus logic-ops.js; the
server with forms.logic. Both must give the same results: run the same cases through node."""

import datetime
import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest

from forms.logic import LogicError, evaluate

from .test_logic import BAD_DATES, JS_SEMANTICS_CASES, SUITE_CASES, same

STATIC = Path(__file__).resolve().parents[2] / "forms" / "static" / "forms"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None, reason="node is not on PATH: cannot run the browser's json-logic-js"
)

# The browser side runs logic-ops.js twice: required as a node module, and as plain
# scripts in a fresh global context after vendor/logic.js, as a browser page loads them.
SCRIPT = r"""
const fs = require("fs");
const vm = require("vm");
const [opsPath, vendorPath, casesPath] = process.argv.slice(2);

const asModule = require(opsPath);
const page = {};
vm.createContext(page);
vm.runInContext(fs.readFileSync(vendorPath, "utf8"), page, { filename: vendorPath });
vm.runInContext(fs.readFileSync(opsPath, "utf8"), page, { filename: opsPath });

function run(jsonLogic, logic, data) {
  try {
    const value = jsonLogic.apply(logic, data);
    return { value: value === undefined ? null : value };
  } catch (error) {
    return { error: String(error) };
  }
}

// NaN and infinities survive as {"$number": ...}; JSON would turn them into null.
function encode(key, value) {
  return typeof value === "number" && !Number.isFinite(value) ? { $number: String(value) } : value;
}

const cases = JSON.parse(fs.readFileSync(casesPath, "utf8"));
const results = cases.map(([logic, data]) => ({
  module: run(asModule, logic, data),
  page: run(page.jsonLogic, logic, data),
}));
process.stdout.write(JSON.stringify(results, encode));
"""

DOMAIN_CASES = [
    ({"age": ["2000-06-15", "2018-06-14"]}, None),
    ({"age": ["2000-06-15", "2018-06-15"]}, None),
    ({"age": ["2000-02-29", "2001-02-28"]}, None),
    ({"age": ["2000-02-29", "2001-03-01"]}, None),
    ({"age": ["2000-02-29", "2004-02-29"]}, None),
    ({"age": ["2020-05-01", "2019-06-01"]}, None),
    ({"age": ["2020-05-01", "2019-04-30"]}, None),
    ({"age": ["0001-01-01", "9999-12-31"]}, None),
    ({"age": [{"var": "birth"}, {"var": "on"}]}, {"birth": "1980-05-04", "on": "2024-05-03"}),
    ({"age": [{"var": "birth"}, {"var": "on"}]}, {"birth": "1980-05-04"}),
    ({"days_between": ["2024-02-01", "2024-03-01"]}, None),
    ({"days_between": ["2024-03-01", "2024-02-01"]}, None),
    ({"days_between": ["0001-01-01", "9999-12-31"]}, None),
    ({"days_between": ["0099-12-31", "0100-03-01"]}, None),
    ({"days_between": ["1969-12-31", "1970-01-02"]}, None),
    ({"months_between": ["2024-01-31", "2024-02-29"]}, None),
    ({"months_between": ["2024-01-31", "2024-03-31"]}, None),
    ({"months_between": ["2024-01-15", "2025-01-14"]}, None),
    ({"months_between": ["2024-03-15", "2024-01-20"]}, None),
    ({"months_between": ["2024-01-20", "2024-01-10"]}, None),
    ({"add_days": ["2024-02-28", 1]}, None),
    ({"add_days": ["2024-03-01", -1]}, None),
    ({"add_days": ["0050-01-01", "0x10"]}, None),
    ({"add_days": ["2024-01-01", " 3 "]}, None),
    ({"add_days": ["2024-01-01", "1e1"]}, None),
    ({"add_days": ["2024-01-01", 2.0]}, None),
    ({"add_days": ["2024-01-01", 1.5]}, None),
    ({"add_days": ["2024-01-01", ""]}, None),
    ({"add_days": ["2024-01-01", True]}, None),
    ({"add_days": ["2024-01-01", None]}, None),
    ({"add_days": ["2024-01-01", "Infinity"]}, None),
    ({"add_days": ["9999-12-31", 1]}, None),
    ({"add_days": ["0001-01-01", -1]}, None),
    ({"add_days": ["2024-01-01", 100000000000000000000]}, None),
    ({"days_between": [{"add_days": ["2024-02-20", 10]}, "2024-03-01"]}, None),
    ({">=": [{"age": [{"var": "birth"}, "2024-01-01"]}, 18]}, {"birth": None}),
    (
        {"some": [{"var": "members"}, {"<": [{"age": [{"var": "birth"}, "2024-01-01"]}, 6]}]},
        {"members": [{"birth": "2020-01-02"}, {"birth": "1980-01-01"}]},
    ),
    *[
        ({op: args}, None)
        for bad in BAD_DATES
        for op, args in [
            ("age", [bad, "2024-01-01"]),
            ("age", ["2000-01-01", bad]),
            ("days_between", [bad, "2024-01-01"]),
            ("months_between", ["2024-01-01", bad]),
            ("add_days", [bad, 1]),
        ]
    ],
]

# Failing cases in both: errors must match too.
ERROR_CASES = [({"*": []}, None), ({"nope": [1]}, None), ({"missing_some": [1, None]}, None)]


def python_result(logic, data):
    try:
        return {"value": encode(evaluate(logic, data))}
    except LogicError as error:
        return {"error": str(error)}


def encode(value):
    """As the node script writes it: NaN and infinities as {"$number": ...}."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return {"$number": text}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def run_node(tmp_path, cases):
    script = tmp_path / "parity.js"
    script.write_text(SCRIPT)
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps([[logic, data] for logic, data in cases]))
    done = subprocess.run(
        [
            NODE,
            str(script),
            str(STATIC / "logic-ops.js"),
            str(STATIC / "vendor" / "logic.js"),
            str(cases_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def test_browser_and_server_agree(tmp_path):
    cases = (
        DOMAIN_CASES
        + [(logic, data) for logic, data, _ in JS_SEMANTICS_CASES]
        + [(logic, data) for _, logic, data, _ in SUITE_CASES[::3]]  # a sample of the suite
        + ERROR_CASES
    )
    results = run_node(tmp_path, cases)
    assert len(results) == len(cases)
    mismatches = []
    for (logic, data), js in zip(cases, results, strict=True):
        py = python_result(logic, data)
        if "error" in py or "error" in js["module"] or "error" in js["page"]:
            agree = all("error" in r for r in (py, js["module"], js["page"]))
        else:
            agree = same(py["value"], js["module"]["value"]) and same(
                py["value"], js["page"]["value"]
            )
        if not agree:
            mismatches.append((logic, data, py, js))
    assert not mismatches, "\n".join(map(json.dumps, mismatches))


def test_today_and_age_without_date_use_the_local_date(tmp_path):
    before = datetime.date.today()
    cases = [({"today": []}, None), ({"age": ["2000-01-01"]}, None)]
    js_today, js_age = run_node(tmp_path, cases)
    after = datetime.date.today()
    for js in (js_today["module"], js_today["page"]):
        assert js["value"] in {before.isoformat(), after.isoformat()}
    for js in (js_age["module"], js_age["page"]):
        assert js["value"] in {
            evaluate({"age": ["2000-01-01"]}, None, today=before),
            evaluate({"age": ["2000-01-01"]}, None, today=after),
        }


def test_now_gives_the_same_local_minute_in_the_browser(tmp_path):
    before = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M")
    (js_now,) = run_node(tmp_path, [({"now": []}, None)])
    python = evaluate({"now": []}, None)
    after = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M")
    assert before <= python <= after
    for js in (js_now["module"], js_now["page"]):
        assert before <= js["value"] <= after
