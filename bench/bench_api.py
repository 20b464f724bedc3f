"""Benchmark: the API under load, served by gunicorn with the production settings on
PostgreSQL: a person's social record and the task inbox, against a trivial authenticated
endpoint measured in the same run.

Usage: .venv/bin/python bench/bench_api.py [--persons N] [--reuse] [--duration S]
                                           [--concurrency C] [--workers W] [--threads T]

A setup process builds PostgreSQL's `siso_bench_api` at 127.0.0.1:5432 (with a suffix for
other sizes than the region's): migrate, load the territory, N demo persons (default
880,000, Umbria's population) with `people.demo_data.populate`, the template questionnaires
and procedures (`casework.procedures.seed`), the demo logins, then casework for the measured
user, `operatore` (an operator at Perugia's office, zone 2), written through
`casework.actions` like an operator's work: 300 adults of Perugia each with an access taken
in charge, an open case with one or two needs, a care plan and a running intervention, a
third of them with an earlier information access too. Then procedures: "presa-in-carico"
started by the operator on 40 of the cases (its first task goes to the zone's social
workers' queue, and `assistente` claims half of them: an operator may not), and
"accesso-accoglienza" started by the operator for 40 more persons of Perugia, whose tasks are
assigned to the operator who starts them: the operator's inbox holds those 40 tasks, half of
them moved on to their second step. Last, VACUUM ANALYZE, as autovacuum would after a bulk
load. `--reuse` keeps a database already set up with the same number of persons (populating
880,000 persons takes four to six minutes).

Then this process starts gunicorn (`siso_platform.wsgi`, W sync workers, or W workers of T
threads with `--threads`, on a free port of 127.0.0.1) with
`siso_platform.settings.production`, persistent database connections
(DATABASE_CONN_MAX_AGE=60), the database task backend and the API's rate limits raised out of
the way (they are still counted, in the production cache: Redis at 127.0.0.1:6379, or
CACHE_URL); its log goes to `/tmp/siso-bench/api-gunicorn-N.log`. It signs in as `operatore`
with a device token (POST /api/v1/auth/login/; should that fail, the run stops with the
exception from the server's log; logging out at the end is checked too). Then from C client
threads of its own, each with a keep-alive `http.client` connection (gunicorn's sync workers
close it after every response, and the client opens a new one), it loads three endpoints one
after the other, each for `--warmup` seconds unmeasured, then `--duration` seconds measured:
  * the baseline, GET /api/v1/me/: token authentication, DRF and the user's memberships, the
    stack's limit for an authenticated request;
  * GET /api/v1/persons/{id}/record/, rotating over the persons of the operator's 300 cases:
    the social record (history, open cases, running interventions, household, facts). Every
    read of a person writes an audit event, so this endpoint writes one row per request:
    the report counts them;
  * GET /api/v1/tasks/, the operator's inbox (40 tasks, not paginated).

It prints requests per second, latency percentiles (ms, as the clients see them: with more
clients than workers they include the wait in gunicorn's backlog), the errors (any non-200 or
failed request: there should be none; the first ones are shown with the server's log), the
server's CPU time per request (gunicorn's workers, not PostgreSQL's) and each endpoint's
throughput as a ratio to the baseline's. The load generator runs on the same machine and
takes CPU from the server (its share is printed): figures are indicative, and the ratios are
what compares across machines.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from shared import commit, recreate_postgres_database

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = Path(os.environ.get("SISO_BENCH_DIR", "/tmp/siso-bench"))
REGION = 880_000

SEED = 2026
CASES = 300  # open cases of the measured operator's office, each with its person's history
QUEUED = 40  # "presa-in-carico" processes on those cases (tasks of the social workers' queue)
INBOX = 40  # "accesso-accoglienza" processes the operator started: the operator's inbox
USERNAME, PASSWORD = "operatore", "siso-demo"  # the demo login (accounts.demo_users)
UNLIMITED = "1000000/second"
ENDPOINTS = [  # (label, path template); the first is the baseline
    ("GET /api/v1/me/", "/api/v1/me/"),
    ("GET /api/v1/persons/{id}/record/", "/api/v1/persons/{id}/record/"),
    ("GET /api/v1/tasks/", "/api/v1/tasks/"),
]


# --- the parent: database, server, load ----------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pg_name(persons: int) -> str:
    """One database per size, so that a small debugging run keeps the regional one."""
    return "siso_bench_api" + ("" if persons == REGION else f"_{persons}")


def query(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def _set_up(url: str, persons: int) -> bool:
    """Whether the database holds a finished setup of `persons` (the inbox is written last)."""
    try:
        ((count, inbox),) = query(
            url,
            "SELECT (SELECT COUNT(*) FROM people_person), "
            "(SELECT COUNT(*) FROM viewflow_task t JOIN auth_user u ON u.id = t.owner_id "
            " WHERE u.username = %s AND t.status IN ('ASSIGNED', 'STARTED'))",
            (USERNAME,),
        )
    except Exception:  # no database, or not migrated
        return False
    return count == persons and inbox == INBOX


def prepare(persons: int, reuse: bool) -> tuple[str, bool]:
    """The database's URL and whether it is already set up (otherwise it is made empty)."""

    name = pg_name(persons)
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    ready = reuse and _set_up(url, persons)
    if not ready:
        recreate_postgres_database(name)
    return url, ready


def django_env(url: str) -> dict[str, str]:
    """The environment of the setup process and of the server: production settings."""
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="siso_platform.settings.production",
        SECRET_KEY="bench-api-not-a-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="60",
        SECURE_SSL_REDIRECT="0",
        TASKS_BACKEND="database",
        API_RATE_USER=UNLIMITED,
        API_RATE_ANON=UNLIMITED,
        API_RATE_LOGIN=UNLIMITED,  # the counts outlive a run, in Redis
        SISO_VAR_DIR=str(WORK / "var-api"),
        DEBUG="0",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn in a process group of its own, its output in a log file."""

    def __init__(self, env: dict, workers: int, threads: int, logfile: Path):
        self.port = free_port()
        self.logfile = logfile
        command = [
            str(BIN / "gunicorn"),
            "siso_platform.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            f"--worker-class={'gthread' if threads > 1 else 'sync'}",
            f"--threads={threads}",
            "--timeout=60",
            "--backlog=2048",
            f"--chdir={ROOT}",
        ]
        self.out = open(logfile, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command, env=env, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.tail()}")
            try:
                status, _body = request(self.port, "GET", "/api/v1/me/")
                if status == 401:  # answering, and refusing an anonymous user
                    return
                raise RuntimeError(f"GET /api/v1/me/ without a token answered {status}")
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {seconds} s:\n{self.tail()}")

    def workers(self) -> list[int]:
        """The worker processes (children of gunicorn's master)."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry))
        return found

    def cpu_seconds(self) -> float:
        """User and system time of the workers so far."""
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def tail(self, lines: int = 60) -> str:
        self.out.flush()
        return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])

    def size(self) -> int:
        self.out.flush()
        return self.logfile.stat().st_size

    def errors_logged(self, since: int = 0) -> list[str]:
        """The server errors logged after byte `since`: each failed request with the first
        exception of its traceback (the cause), counted."""
        self.out.flush()
        with open(self.logfile, "rb") as text:
            text.seek(since)
            lines = text.read().decode(errors="replace").splitlines()
        found, current, exception, in_traceback = Counter(), None, None, False

        def flush():
            if current is not None:
                found[(current.split("] ")[-1], exception or "")] += 1

        for line in lines:
            if "Error handling request" in line or line.startswith("Internal Server Error:"):
                flush()
                current, exception, in_traceback = line, None, False
            elif line.startswith("Traceback"):
                in_traceback = True
            elif line.startswith((" ", "The above", "During handling")) or not line.strip():
                continue
            elif in_traceback:  # the exception that ends a traceback
                exception, in_traceback = exception or line, False
            else:  # another log line: the request's report is over
                flush()
                current = None
        flush()
        return [f"{n} x {request}: {error}" for (request, error), n in found.most_common()]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.out.close()


def request(port: int, method: str, path: str, body: dict | None = None, token: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def machine_cpu() -> tuple[int, int]:
    """Busy and total jiffies of the whole machine."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def load(port: int, token: str, paths: list[str], seconds: float, clients: int) -> dict:
    """`clients` threads send GETs of `paths` (in turn) for `seconds`; every answer counted."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    turn = itertools.count()  # shared: the clients rotate over the paths together
    results = []
    end = time.perf_counter() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies, errors, received = [], [], 0
        while time.perf_counter() < end:
            path = paths[next(turn) % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()  # a new connection for the next request
                status, body = None, repr(error).encode()
            latencies.append(time.perf_counter() - started)
            received += len(body)
            if status != 200:
                errors.append((status, path, body[:300].decode(errors="replace")))
        connection.close()
        results.append((latencies, errors, received))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(value for result in results for value in result[0])
    errors = [error for result in results for error in result[1]]
    received = sum(result[2] for result in results)
    return {"elapsed": elapsed, "latencies": latencies, "errors": errors, "bytes": received}


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(server: Server, token: str, paths, args) -> dict:
    """Warm up, then load for `args.duration` seconds, with the CPU spent meanwhile."""
    warm = load(server.port, token, paths, args.warmup, args.concurrency)
    server_cpu, client_cpu, machine = server.cpu_seconds(), os.times(), machine_cpu()
    result = load(server.port, token, paths, args.duration, args.concurrency)
    client_after, machine_after = os.times(), machine_cpu()
    count = len(result["latencies"])
    result.update(
        requests=count,
        rate=count / result["elapsed"],
        p50=percentile(result["latencies"], 0.50) * 1000,
        p90=percentile(result["latencies"], 0.90) * 1000,
        p99=percentile(result["latencies"], 0.99) * 1000,
        server_ms=(server.cpu_seconds() - server_cpu) * 1000 / max(count, 1),
        client_ms=(
            (client_after.user + client_after.system - client_cpu.user - client_cpu.system)
            * 1000
            / max(count, 1)
        ),
        machine_busy=(machine_after[0] - machine[0]) / max(1, machine_after[1] - machine[1]),
        mean_bytes=result["bytes"] / max(count, 1),
        warmup_requests=len(warm["latencies"]),
        warmup_errors=warm["errors"],
    )
    del result["latencies"]
    return result


def audit_events(url: str) -> int:
    return query(url, "SELECT COALESCE(MAX(id), 0) FROM audit_auditevent")[0][0]


def count_new_audit(url: str, since: int) -> tuple[int, int]:
    """Audit events written since `since`: all, and the record reads among them."""
    ((total, records),) = query(
        url,
        # (the purpose is translated: a person read through the API is the record's here)
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE object_type = 'people.person' "
        "AND detail->>'channel' = 'api') "
        "FROM audit_auditevent WHERE id > %s",
        (since,),
    )
    return total, records


def sign_in(server: Server, notes: dict) -> str:
    """A device token from POST /api/v1/auth/login/; the run stops when it fails."""
    since = server.size()
    status, body = request(
        server.port,
        "POST",
        "/api/v1/auth/login/",
        {"username": USERNAME, "password": PASSWORD, "device": "bench"},
    )
    if status != 201:
        errors = "\n".join(server.errors_logged(since))
        raise SystemExit(f"login failed with {status}: {body[:300]!r}\n{errors}")
    notes["login"] = "201, token issued"
    return json.loads(body)["token"]


def run(args) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    url, ready = prepare(args.persons, args.reuse)
    env = django_env(url)
    # read first: another commit may land while it runs
    code = commit("siso_platform", "api", "workflows", "forms")
    setup_seconds = 0.0
    if ready:
        log(f"reusing {pg_name(args.persons)}, set up with {args.persons:,} persons")
        manage = [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity=0"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True)  # a reused database may be behind
    else:  # in a process of its own, like the server: this one never imports Django
        started = time.perf_counter()
        command = [sys.executable, __file__, "--setup", "--persons", str(args.persons)]
        subprocess.run(command, env=env, check=True)
        setup_seconds = time.perf_counter() - started

    cases = "SELECT person_id FROM casework_case WHERE status = 'open' ORDER BY id"
    person_ids = [row[0] for row in query(url, cases)]
    logfile = WORK / f"api-gunicorn-{args.persons}.log"
    server = Server(env, args.workers, args.threads, logfile)
    results, notes = [], {}
    try:
        server.wait_ready()
        token = sign_in(server, notes)
        status, body = request(server.port, "GET", "/api/v1/tasks/", token=token)
        notes["inbox"] = len(json.loads(body)) if status == 200 else f"answer {status}"
        status, body = request(
            server.port, "GET", f"/api/v1/persons/{person_ids[0]}/record/", token=token
        )
        notes["entries"] = len(json.loads(body)["entries"]) if status == 200 else f"answer {status}"
        for label, template in ENDPOINTS:
            paths = (
                [template.format(id=pk) for pk in person_ids] if "{id}" in template else [template]
            )
            log(f"{label}: {args.warmup:g} s warm-up, {args.duration:g} s measured")
            before, since = audit_events(url), server.size()
            result = measure(server, token, paths, args)
            result.update(
                label=label,
                audit=count_new_audit(url, before),
                server_errors=server.errors_logged(since),
            )
            results.append(result)
            log(
                f"  {figure(result['rate'])} requests/s, p50 {result['p50']:.1f} ms, "
                f"{len(result['errors'])} errors"
            )
        since = server.size()
        status, _body = request(server.port, "POST", "/api/v1/auth/logout/", {}, token=token)
        notes["logout"] = status
        if status != 204:
            notes["logout_errors"] = server.errors_logged(since)
    finally:
        server.stop()
    report(results, notes, args, code, setup_seconds, len(person_ids), logfile)


def figure(value: float) -> str:
    """Three significant digits or so: rates and ratios span 0.003 to thousands."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{1 if value >= 10 else 2 if value >= 0.1 else 3}f}"


def report(results, notes, args, code, setup_seconds, cases, logfile) -> None:
    server = f"{args.workers} {'sync ' * (args.threads <= 1)}worker{'s' * (args.workers > 1)}"
    if args.threads > 1:
        server += f" x {args.threads} threads"
    print(
        f"\nAPI under load: {args.persons:,} persons, user {USERNAME} (operator, zone 2 "
        f"Perugia), {cases} open cases, {notes.get('inbox')} tasks in the inbox; gunicorn "
        f"{server}, production settings, PostgreSQL; {args.concurrency} clients, "
        f"{args.warmup:g} s warm-up and {args.duration:g} s per endpoint; code at {code}"
    )
    if setup_seconds:
        print(f"setup (migrate, populate, casework, VACUUM ANALYZE): {setup_seconds:.0f} s")
    print(f"login: {notes.get('login')}")
    baseline = results[0]["rate"] if results else 0
    print(
        "\n| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | errors | vs /me/ "
        "| server CPU ms/req | bytes/resp |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['label']} | {r['requests']:,} | {figure(r['rate'])} | {r['p50']:.1f} | "
            f"{r['p90']:.1f} | {r['p99']:.1f} | {len(r['errors'])} | "
            f"{figure(r['rate'] / baseline)} | {r['server_ms']:.1f} | {r['mean_bytes']:,.0f} |"
        )
    print()
    for r in results:
        print(
            f"{r['label']}: machine CPU busy {r['machine_busy']:.0%}, load generator "
            f"{r['client_ms']:.2f} ms CPU/request; audit events written {r['audit'][0]:,} "
            f"({r['audit'][1]:,} social record reads) for {r['requests'] + r['warmup_requests']:,} "
            f"requests, warm-up included"
        )
    print(
        f"The first case's person's social record shows {notes.get('entries')} entries. Every "
        "read of a person writes an audit event: the record endpoint writes one row per request."
    )
    if notes.get("logout") != 204:
        print(f"logout: answered {notes.get('logout')} (FAILED, expected 204)")
        for line in notes.get("logout_errors", []):
            print(f"  server log: {line}")
    for r in results:
        if r["warmup_errors"]:
            print(f"\n{r['label']}: {len(r['warmup_errors'])} ERRORS during the warm-up")
        if r["errors"]:
            print(f"\n{r['label']}: {len(r['errors'])} ERRORS (non-200 or failed); the first:")
        for status, path, body in (r["errors"] or r["warmup_errors"])[:3]:
            print(f"  {status} {path}: {body}")
        for line in r["server_errors"]:
            print(f"  server log: {line}")
    print(f"(gunicorn's log: {logfile})")


# --- the setup process ---------------------------------------------------------------------


def _django() -> None:
    import logging

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per publication


def setup(persons: int) -> None:
    _django()
    from django.core.management import call_command
    from django.db import connection

    from siso_platform.people.demo_data import populate

    log(f"setting up {persons:,} persons (populate takes minutes at regional size)")
    devnull = open(os.devnull, "w")  # noqa: SIM115
    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_territory", stdout=devnull)
    log(f"  migrated, territory loaded ({time.perf_counter() - started:.0f} s)")
    started = time.perf_counter()

    def progress(done):
        if done % 100_000 < 5000 or done == persons:
            log(f"  populated {done:,}/{persons:,} persons ({time.perf_counter() - started:.0f} s)")

    populate(persons, seed=1, progress=progress)
    started = time.perf_counter()
    cases, queued, inbox = add_casework()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(
        f"  {cases} open cases, {queued} tasks queued for the social workers, {inbox} in the "
        f"operator's inbox ({time.perf_counter() - started:.0f} s)"
    )


def add_casework() -> tuple[int, int, int]:
    """The operator's casework and procedures among Perugia's adults; deterministic."""
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from siso_platform.accounts.demo_users import ensure_demo_users
    from siso_platform.accounts.models import Organisation
    from siso_platform.casework import actions, procedures
    from siso_platform.casework.demo_data import PLANS, REASONS
    from siso_platform.casework.models import CatalogueItem, NeedCategory
    from siso_platform.people.models import Person
    from siso_platform.territory.models import Municipality
    from workflows import runtime

    versions = {version.definition.slug: version for version in procedures.seed()}
    ensure_demo_users()
    rng = random.Random(SEED)
    users = get_user_model().objects
    operator, social_worker = users.get(username=USERNAME), users.get(username="assistente")
    perugia = Municipality.objects.get(name="Perugia")
    office = operator.memberships.get().office  # Perugia's default office
    municipality = Organisation.objects.get(municipality=perugia)
    today = timezone.localdate()
    adults = (
        Person.objects.filter(
            residence_municipality=perugia,
            deceased_on__isnull=True,
            birth_date__lte=today - datetime.timedelta(days=25 * 365),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(list(adults), CASES + INBOX)
    persons = Person.objects.in_bulk(chosen)
    categories = {category.code: category for category in NeedCategory.objects.all()}
    items = {item.code: item for item in CatalogueItem.objects.all()}
    cases = []
    for number, pk in enumerate(chosen[:CASES]):
        person = persons[pk]
        first, *other = rng.sample(sorted(REASONS), 2)
        date = today - datetime.timedelta(days=rng.randint(20, 400))
        if number % 3 == 0:  # an earlier visit that ended with information only
            actions.register_access(
                by=operator,
                office=office,
                person=person,
                channel="phone",
                reason=REASONS[first],
                outcome="information",
                date=date - datetime.timedelta(days=rng.randint(10, 200)),
            )
        access = actions.register_access(
            by=operator,
            office=office,
            person=person,
            channel=rng.choice(["in_person", "in_person", "phone", "referral"]),
            reason=REASONS[first],
            outcome="taking_in_charge",
            date=date,
        )
        case = actions.open_case(
            by=operator,
            person=person,
            office=office,
            social_worker=social_worker,
            access=access,
            opened_on=date,
            needs=[categories[code] for code in [first, *other[: number % 2]]],
        )
        actions.update_care_plan(
            case,
            by=social_worker,
            summary=REASONS[first],
            agreed_on=date + datetime.timedelta(days=7),
            review_on=today + datetime.timedelta(days=rng.randint(10, 120)),
            goals=[{"description": "Stabilizzare la situazione entro sei mesi"}],
        )
        code, unit, value = PLANS[first]
        actions.record_intervention(
            by=social_worker,
            case=case,
            person=person,
            need=case.needs.order_by("pk").first(),
            item=items[code],
            provider=municipality,
            starts_on=date + datetime.timedelta(days=10),
            ends_on=date + datetime.timedelta(days=190 + rng.randint(0, 400)),
            status="active",
            **({"amount": value} if unit == "euro" else {"quantity": value}),
        )
        if first == "economic":
            actions.record_intervention(
                by=social_worker,
                case=case,
                person=person,
                item=items["E1.06"],
                provider=municipality,
                starts_on=date,
                amount=Decimal("500.00"),
                status="active",
            )
        cases.append(case)

    # Taking in charge: the zone's social workers' queue, not the operator's.
    for case in cases[:QUEUED]:
        runtime.start(versions["presa-in-carico"], user=operator, case=case)
    queued = list(runtime.queue(social_worker))
    try:
        runtime.claim(queued[0], operator)
        raise AssertionError("an operator claimed a social worker's task")
    except PermissionDenied:
        pass
    for task in queued[: QUEUED // 2]:
        runtime.claim(task, social_worker)

    # The operator's inbox: accesses in progress, assigned to the operator who started them.
    for pk in chosen[CASES:]:
        runtime.start(versions["accesso-accoglienza"], user=operator, subject=persons[pk])
    for task in list(runtime.my_tasks(operator))[::2]:
        runtime.complete(
            task, operator, answers={"channel": "in_person", "reason": "Difficoltà economiche"}
        )
    inbox = runtime.my_tasks(operator).count()
    assert inbox == INBOX, inbox
    return len(cases), len(queued), inbox


# --- entry point ---------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=REGION)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database already set up with this number of persons",
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each measure")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (gthread when above 1)"
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        setup(args.persons)
        return
    run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
