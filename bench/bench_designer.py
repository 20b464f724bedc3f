"""Benchmark: opening the questionnaire designer of the 36-field intake questionnaire, against
the admin's plain page list (/admin/pages/) and the old StreamField editor of the same
questionnaire, measured in the same run.

Usage: .venv/bin/python bench/bench_designer.py [--repeat N] [--no-browser] [--reuse]

A setup process builds an SQLite database of its own (`/tmp/siso-bench/designer/`, with the
development settings and DEBUG off, as a server runs): migrate, load the territory, import
and publish the demo's intake questionnaire (`people/questionnaires`, as `setup_demo` does)
and the demo logins. `--reuse` keeps a database already set up.

Then, signed in as the regional administrator `regione`, it serves each page N times
(default 20, after 3 unmeasured) through Django's test client in this process, and prints
the median and fastest server time of each page, the page's size and the ratio of each to
the page list. With Debian's chromium and the `playwright` wheel (as the browser tests use),
it also opens each page in Chromium, served by the same client, and times it until the page
is usable: `load` for the page list and the old editor, the designer's steps drawn for the
designer (median of 5). No thresholds: the figures are indicative and the ratios are what
compares across machines. The target is the designer usable in under 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from shared import commit, in_two_steps

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("SISO_BENCH_DIR", "/tmp/siso-bench")) / "designer"
ENV = {
    "DJANGO_SETTINGS_MODULE": "siso_platform.settings.dev",
    "SISO_VAR_DIR": str(WORK),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "TASKS_BACKEND": "immediate",
    "LOG_LEVEL": "WARNING",
}
INTAKE = "scheda-accesso"
# The page's length: wagtail's admin scrolls inside its own containers, not the document.
HEIGHT = """() => Math.max(...Array.from(document.querySelectorAll('html, body, main, #main'))
    .map((node) => node.scrollHeight))"""


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from siso_platform.accounts.demo_users import ensure_demo_users
    from siso_platform.people.questionnaires import INTAKE_FORM

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_territory", verbosity=0)
    call_command("import_form", INTAKE_FORM, owner="Regione Umbria", publish=True, verbosity=0)
    ensure_demo_users()


def timed(client, url: str, repeat: int) -> dict:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - start)
    size = len(response.content)
    return {"median": statistics.median(seconds), "best": min(seconds), "bytes": size}


def browser_times(client, pages: dict, ready: dict) -> dict | None:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import TimeoutError, sync_playwright
    except ImportError:
        return None
    if not chromium:
        return None
    sys.path.insert(0, str(ROOT))
    from tests.browser import CHROMIUM_ARGS, ORIGIN, _serve

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=ORIGIN, locale="it-IT")
        context.route("**/*", lambda route: _serve(client, route))
        for name, url in pages.items():
            page = context.new_page()
            page.set_default_timeout(30000)
            page.on("pageerror", lambda error: print("page error:", error))
            seconds = []
            try:
                for attempt in range(6):
                    start = time.perf_counter()
                    page.goto(url, wait_until="load")
                    if ready.get(name):
                        page.wait_for_selector(ready[name])
                    if attempt:  # the first fills the browser's cache, as for a returning user
                        seconds.append(time.perf_counter() - start)
                    height = page.evaluate(HEIGHT)
                results[name] = {"median": statistics.median(seconds), "height": height}
            except TimeoutError:
                results[name] = None  # reported as not usable within 30 s
            page.close()
        browser.close()
    return results


def measure(args) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from forms.models import FormDefinition

    intake = FormDefinition.objects.get(slug=INTAKE)
    fields = sum(len(step["fields"]) for step in intake.schema["steps"])
    client = Client()
    client.force_login(get_user_model().objects.get(username="regione"))
    pages = {
        "page list (baseline)": "/admin/pages/",
        "designer": reverse("forms_designer:designer", args=[intake.pk]),
        "old editor": reverse("wagtailsnippets_forms_formdefinition:edit", args=[intake.pk]),
    }
    server = {name: timed(client, url, args.repeat) for name, url in pages.items()}
    browser = None
    if args.browser:
        ready = {"designer": "#qd-steps .qd-step"}
        browser = browser_times(client, pages, ready)

    base = server["page list (baseline)"]
    print(f"Designer benchmark, commit {commit('forms', 'bench')}")
    print(f"questionnaire {INTAKE}: {len(intake.schema['steps'])} steps, {fields} fields")
    print(f"server (Django test client, {args.repeat} requests after 3 unmeasured):")
    for name, figures in server.items():
        print(
            f"  {name:<22} median {figures['median'] * 1000:7.1f} ms  best "
            f"{figures['best'] * 1000:7.1f} ms  {figures['bytes'] / 1024:7.0f} KB  "
            f"ratio {figures['median'] / base['median']:5.2f}"
        )
    if browser:
        base = browser["page list (baseline)"] or {"median": float("nan")}
        print("browser (Chromium, until usable, median of 5):")
        for name, figures in browser.items():
            if figures is None:
                print(f"  {name:<22} not usable within 30 s")
                continue
            print(
                f"  {name:<22} {figures['median'] * 1000:7.0f} ms  page height "
                f"{figures['height']:6d} px  ratio {figures['median'] / base['median']:5.2f}"
            )
    elif args.browser:
        print("browser: skipped (no chromium or no playwright)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-browser", dest="browser", action="store_false")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--step", choices=["setup", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if args.step == "setup":
        return setup()
    if args.step == "measure":
        return measure(args)
    wanted = ["--repeat", str(args.repeat)] + ([] if args.browser else ["--no-browser"])
    in_two_steps(
        __file__,
        work=WORK,
        env=ENV,
        reuse=args.reuse,
        measure=wanted,
        label="migrate, territory, intake, logins",
    )


if __name__ == "__main__":
    main()
