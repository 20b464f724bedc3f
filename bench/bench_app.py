"""Benchmark: the field app's first load over loopback and its start from the service worker's
cache, against the platform's sign-in page (/accedi/) loaded in the same run.

Usage: .venv/bin/python bench/bench_app.py [--repeat N] [--reuse]

A setup process migrates an SQLite database of its own (`/tmp/siso-bench/app/`, with the
development settings and DEBUG off, as a server runs). Then the platform is served by
Django's threaded WSGI server on 127.0.0.1 (a real loopback connection; static files by
Django's static handler, as `make run` serves them), and Debian's chromium (through the
`playwright` wheel, as the browser tests use it) opens:

- the baseline: /accedi/ in a new browser context (nothing cached), until `load`;
- the app's first load: /app/ in a new context, until the shell is ready (`body[data-ready]`:
  the sign-in screen drawn, the database opened);
- the app's cached start: /app/ again in a context whose service worker controls the page, so
  the shell comes from Cache Storage, until ready; and the same with the network cut.

Each N times (default 10); it prints the median and best of each and the ratio to the
baseline. No thresholds: the figures are indicative and the ratios are what compares across
machines. The targets (issue 22) are a first load under 2 s and a cached start under 500 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

from shared import commit, in_two_steps

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("SISO_BENCH_DIR", "/tmp/siso-bench")) / "app"
ENV = {
    "DJANGO_SETTINGS_MODULE": "siso_platform.settings.dev",
    "SISO_VAR_DIR": str(WORK),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "TASKS_BACKEND": "immediate",
    "LOG_LEVEL": "WARNING",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
READY = "body[data-ready]"


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def serve() -> str:
    """The platform on 127.0.0.1 in a thread; its origin."""
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(WSGIHandler()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def summary(seconds: list[float]) -> dict:
    return {"median": statistics.median(seconds), "best": min(seconds)}


def measure(args) -> None:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: the playwright wheel is not installed")
        return
    if not chromium:
        print("skipped: Debian's chromium is not installed")
        return
    origin = serve()
    results: dict[str, list[float]] = {
        "sign-in page (baseline)": [],
        "app, first load": [],
        "app, cached start": [],
        "app, cached start offline": [],
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        viewport = {"width": 390, "height": 844}

        def fresh():
            context = browser.new_context(base_url=origin, locale="it-IT", viewport=viewport)
            context.set_default_timeout(30000)
            return context

        for attempt in range(args.repeat + 1):  # the first round warms the server
            context = fresh()
            page = context.new_page()
            start = time.perf_counter()
            page.goto("/accedi/", wait_until="load")
            baseline = time.perf_counter() - start
            context.close()

            context = fresh()
            page = context.new_page()
            start = time.perf_counter()
            page.goto("/app/")
            page.wait_for_selector(READY, state="attached")
            first = time.perf_counter() - start
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            page.close()
            page = context.new_page()
            start = time.perf_counter()
            page.goto("/app/")
            page.wait_for_selector(READY, state="attached")
            cached = time.perf_counter() - start
            page.close()
            context.set_offline(True)
            page = context.new_page()
            start = time.perf_counter()
            page.goto("/app/")
            page.wait_for_selector(READY, state="attached")
            offline = time.perf_counter() - start
            context.close()
            if attempt:
                results["sign-in page (baseline)"].append(baseline)
                results["app, first load"].append(first)
                results["app, cached start"].append(cached)
                results["app, cached start offline"].append(offline)
        browser.close()

    figures = {name: summary(seconds) for name, seconds in results.items()}
    base = figures["sign-in page (baseline)"]["median"]
    print(f"Field app benchmark, commit {commit('siso_platform/fieldapp', 'bench')}")
    print(f"Chromium at 390x844 over loopback ({origin}), {args.repeat} rounds after 1 unmeasured:")
    for name, figure in figures.items():
        print(
            f"  {name:<27} median {figure['median'] * 1000:7.0f} ms  best "
            f"{figure['best'] * 1000:7.0f} ms  ratio {figure['median'] / base:5.2f}"
        )
    print("targets: first load < 2000 ms, cached start < 500 ms (not asserted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--step", choices=["setup", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if args.step == "setup":
        return setup()
    if args.step == "measure":
        return measure(args)
    in_two_steps(
        __file__,
        work=WORK,
        env=ENV,
        reuse=args.reuse,
        measure=["--repeat", str(args.repeat)],
        label="migrate",
    )


if __name__ == "__main__":
    main()
