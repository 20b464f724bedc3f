"""Benchmark: screening the whole demo region with 10 programmes and 5 indicators, on SQLite
and on PostgreSQL, against one hand-written SQL query for one programme.

Usage: .venv/bin/python bench/bench_screening.py [--persons N] [--database sqlite|postgres]
                                                  [--reuse] [--profile] [--analyze]

For each database (both unless `--database` is given), in a database of its own
(`/tmp/siso-bench/screening-N.sqlite3`, PostgreSQL's `siso_bench_screening` at 127.0.0.1:5432,
with a suffix for other sizes than the region's), a setup process migrates, loads the
territory, writes N demo persons (default 880,000, Umbria's population: about 375,000
households) with `people.demo_data.populate`, publishes the 4 seeded programmes and 4
indicators (`seed_monitoring`) and 6 more programmes and 1 more indicator over the fact sheet,
gives 2% of the households a running intervention of one of the programmes' items (so that
"receiving" is not always false) and, on PostgreSQL, runs VACUUM ANALYZE as autovacuum would.
`--reuse` keeps a database already set up with the same number of persons (populating
880,000 persons takes four to six minutes).

Then a separate process deletes earlier screenings and alerts (every run writes the same
lists and alerts) and times, on the same date:
  * the fact sheets only: `fact_sheet.sheets` over every household, in chunks of 2,000;
  * a full regional screening, `screening.execute(ScreeningRun.objects.create(on=...))`,
    synchronously, its time split into building sheets, judging them (`screen_sheets`),
    the chunks' double-funding and unmet-need detection, and the rest (writing the lists
    and alerts, mostly);
  * the physical limit: one hand-written SQL query that computes, for the programme
    "sostegno-al-reddito" (ISEE up to 6,000), how many households are eligible and how many
    of those receive nothing (best of three). Its counts must equal the screening's.

It prints households per second and the ratio screening / SQL, all measured in the same run,
and the commit measured. The target is a full regional screening in under two minutes.
`--profile` also runs cProfile over one chunk of 2,000 households (`fact_sheet.sheets`, then
`screening.screen_sheets`). SQLite plans without statistics, as nothing in the platform runs
ANALYZE on it; `--analyze` runs it first. The machine may run other work: figures are
indicative.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from shared import commit, recreate_postgres_database

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("SISO_BENCH_DIR", "/tmp/siso-bench"))
REGION = 880_000

ON = datetime.date(2026, 3, 2)  # the demo's facts and memberships start on 2026-01-01
TARGET_SECONDS = 120
CHUNK = 2000
SEED = 880
INTERVENTION_SHARE = 0.02
MARK = "bench-screening"  # source_reference of the interventions the setup writes
BASELINE_SLUG = "sostegno-al-reddito"
BASELINE_ITEM = "E1.01"
BASELINE_MAX_ISEE = 6000


def _programme(slug, title, item, rule, description=""):
    return {
        "format": "siso-rule/1",
        "kind": "programme",
        "slug": slug,
        "title": title,
        "description": description,
        "item": item,
        "starts_on": "2026-01-01",
        "ends_on": None,
        "rule": rule,
    }


def _var(name):
    return {"var": name}


# Six programmes and one indicator beside the seeded ones: realistic variants over the sheet.
EXTRA_RULES = [
    _programme(
        "bonus-utenze",
        "Bonus sociale per le utenze domestiche",
        "E1.03",
        {
            "or": [
                {"<=": [_var("isee"), 9530]},
                {"and": [{">=": [_var("minors"), 3]}, {"<=": [_var("isee"), 20000]}]},
            ]
        },
        "ISEE fino a 9.530 euro, o fino a 20.000 con almeno tre figli minori.",
    ),
    _programme(
        "buoni-spesa-famiglie",
        "Buoni spesa per famiglie con minori",
        "E2.01",
        {
            "and": [
                {">": [_var("minors"), 0]},
                {"<=": [_var("isee"), 12000]},
                {"<": [_var("income.total"), 25000]},
            ]
        },
    ),
    _programme(
        "assegno-di-inclusione",
        "Assegno di inclusione",
        "E1.06",
        {
            "and": [
                {
                    "or": [
                        {">": [_var("minors"), 0]},
                        {">": [_var("over_65"), 0]},
                        {">": [_var("disabled_members"), 0]},
                    ]
                },
                {"<=": [_var("isee"), 10140]},
            ]
        },
        "Nuclei con minori, over 65 o persone con disabilità e ISEE fino a 10.140 euro.",
    ),
    _programme(
        "telesoccorso-anziani",
        "Telesoccorso per anziani",
        "B3.02",
        {
            "and": [
                {"<=": [_var("size"), 2]},
                {"some": [_var("members"), {">=": [_var("age"), 75]}]},
                {"<=": [_var("isee"), 25000]},
            ]
        },
    ),
    _programme(
        "assistenza-domiciliare-disabili",
        "Assistenza domiciliare per persone con disabilità",
        "B1.03",
        {
            "and": [
                {"some": [_var("members"), {">=": [_var("invalidity_percent"), 75]}]},
                {"<=": [_var("isee"), 35000]},
            ]
        },
    ),
    _programme(
        "borsa-lavoro-giovani",
        "Borsa lavoro per giovani in nuclei in affitto",
        "E2.03",
        {
            "and": [
                {"some": [_var("members"), {"<=": [18, _var("age"), 29]}]},
                {">": [_var("rent_yearly"), 0]},
                {"<": [_var("income.total"), 30000]},
            ]
        },
    ),
    {
        "format": "siso-rule/1",
        "kind": "indicator",
        "slug": "nucleo-numeroso-a-basso-reddito",
        "title": "Nucleo numeroso a basso reddito senza sostegno economico",
        "description": "Cinque o più componenti, reddito sotto 20.000 euro, nessun contributo.",
        "need_category": "economic",
        "severity": "medium",
        "message": "Proporre la verifica dell'ISEE e delle misure di sostegno al reddito.",
        "rule": {
            "and": [
                {">=": [_var("size"), 5]},
                {"<": [_var("income.total"), 20000]},
                {"!": {"in": ["economic", _var("intervention_categories")]}},
            ]
        },
    },
]


# --- the parent: one database and one process per backend --------------------------------


def pg_name(persons: int) -> str:
    """One database per size, so that a small debugging run keeps the regional one."""
    return "siso_bench_screening" + ("" if persons == REGION else f"_{persons}")


def _set_up(query, persons: int) -> bool:
    """Whether the database holds a finished setup of `persons` (`query` runs SQL)."""
    try:
        count, marked = query(
            "SELECT (SELECT COUNT(*) FROM people_person), "
            f"(SELECT COUNT(*) FROM casework_intervention WHERE source_reference = '{MARK}')"
        )
    except Exception:  # no database, or not migrated
        return False
    return count == persons and marked > 0  # the interventions are written last


def prepare(db: str, persons: int, reuse: bool) -> tuple[dict[str, str], bool]:
    """The child's environment and whether its database is already set up."""
    env = dict(os.environ, DEBUG="0", SISO_VAR_DIR=str(WORK / f"var-screening-{db}"))
    env["DJANGO_SETTINGS_MODULE"] = "siso_platform.settings.dev"
    if db == "sqlite":
        path = WORK / f"screening-{persons}.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def query(sql):
            with sqlite3.connect(path) as connection:
                return connection.execute(sql).fetchone()

        ready = reuse and path.exists() and _set_up(query, persons)
        if not ready:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return env, ready

    import psycopg

    name = pg_name(persons)
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"

    def query(sql):
        with psycopg.connect(env["DATABASE_URL"]) as connection:
            return connection.execute(sql).fetchone()

    ready = reuse and _set_up(query, persons)
    if not ready:
        recreate_postgres_database(name)
    return env, ready


def report(result: dict) -> None:
    print(
        f"\n{result['db']}: {result['persons']:,} persons, {result['households']:,} households, "
        f"{result['programmes']} programmes, {result['indicators']} indicators, on {ON}, "
        f"code at {result['commit']}"
    )
    if result.get("setup_seconds"):
        print(f"  setup (populate, seed, interventions)  {result['setup_seconds']:8.1f} s")
    phases = result["phases"]
    print(
        f"  fact sheets only                       {result['sheets_seconds']:8.1f} s  "
        f"{result['households'] / result['sheets_seconds']:9,.0f} households/s"
    )
    print(
        f"  full screening                         {result['screening_seconds']:8.1f} s  "
        f"{result['rate']:9,.0f} households/s"
    )
    for name in ("sheets", "judge", "write and other", "detection"):
        print(f"    {name:36} {phases[name]:8.1f} s")
    print(
        f"  lists written                          {result['results']:8,} rows, "
        f"{result['alerts_new']:,} new alerts"
    )
    print(
        f"  SQL baseline ({BASELINE_SLUG})   {result['sql_seconds']:8.2f} s  "
        f"{result['households'] / result['sql_seconds']:9,.0f} households/s"
    )
    sql, screened = result["sql_counts"], result["screening_counts"]
    same = "same" if sql == screened else "DIFFERENT"
    print(
        f"  eligible / eligible not receiving      SQL {sql[0]:,} / {sql[1]:,}, "
        f"screening {screened[0]:,} / {screened[1]:,} ({same})"
    )
    print(f"  screening / SQL                        {result['ratio']:8.0f}x the time")
    print(f"  peak memory of the process             {result['peak_mb']:8.0f} MB")


def table(results: list[dict]) -> None:
    print(
        "\n| database | households | screening | households/s | sheets only | SQL baseline "
        "| screening / SQL | under 120 s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        reached = "yes" if r["screening_seconds"] < TARGET_SECONDS else "no"
        print(
            f"| {r['db']} | {r['households']:,} | {r['screening_seconds']:.1f} s | "
            f"{r['rate']:,.0f} | {r['sheets_seconds']:.1f} s | {r['sql_seconds']:.2f} s | "
            f"{r['ratio']:.0f}x | {reached} |"
        )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=880_000)
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        action="append",
        help="sqlite or postgres (repeatable; both when omitted)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database already set up with this number of persons",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile one chunk of 2,000 households"
    )
    parser.add_argument(
        "--analyze", action="store_true", help="run ANALYZE on SQLite first (off by default)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child and args.setup:
        setup_child(args.child, args.persons)
        return
    if args.child:
        child(args.child, args.persons, args.profile, args.analyze)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for db in args.database or ["sqlite", "postgres"]:
        env, ready = prepare(db, args.persons, args.reuse)
        code = commit("siso_platform")  # before: another commit may land while it runs
        command = [sys.executable, __file__, "--child", db, "--persons", str(args.persons)]
        setup_seconds = 0.0
        if ready:
            print(
                f"{db}: reusing the database set up with {args.persons:,} persons", file=sys.stderr
            )
        else:  # in a process of its own: the measuring one starts clean
            started = time.perf_counter()
            subprocess.run([*command, "--setup"], env=env, check=True)
            setup_seconds = time.perf_counter() - started
        command += ["--profile"] * args.profile + ["--analyze"] * args.analyze
        out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["setup_seconds"] = setup_seconds
        result["commit"] = code
        report(result)
        results.append(result)
    table(results)


# --- the child: set up, measure, print one line of JSON ----------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup(persons: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from siso_platform.people.demo_data import populate

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
    call_command("seed_monitoring", stdout=devnull)
    add_rules()
    given = add_interventions()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load (it is off on some servers, this one's
            # too): statistics, hint bits and the visibility map.
            cursor.execute("VACUUM ANALYZE")
    log(f"  15 rules published, {given:,} interventions ({time.perf_counter() - started:.0f} s)")


def add_rules() -> None:
    from siso_platform.accounts.models import Organisation, OrganisationKind
    from siso_platform.monitoring import publishing

    region = Organisation.objects.get(kind=OrganisationKind.REGION)
    for doc in EXTRA_RULES:
        publishing.save(doc, owner=region, publish_now=True)


def add_interventions() -> int:
    """A running intervention for 2% of the households, given by their municipality: half
    of them drawn at random with any programme's item, half among the households with an
    ISEE up to 15,000 with one of the income-support items (as services reach them)."""
    import random
    from decimal import Decimal

    from siso_platform.accounts.models import Organisation, OrganisationKind
    from siso_platform.casework.models import (
        CatalogueItem,
        Intervention,
        InterventionSource,
        InterventionStatus,
    )
    from siso_platform.monitoring.models import Programme
    from siso_platform.people.models import Fact, FactKind, Household

    rng = random.Random(SEED)
    item_id = dict(
        CatalogueItem.objects.filter(pk__in=Programme.objects.values("item_id")).values_list(
            "code", "pk"
        )
    )
    support = [item_id[code] for code in (BASELINE_ITEM, "E1.02", "E1.03", "E1.06")]
    provider_of = dict(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list(
            "municipality_id", "pk"
        )
    )
    municipality_of = dict(Household.objects.values_list("pk", "municipality_id"))
    low_isee = sorted(
        household
        for household, value in Fact.objects.current(ON)
        .filter(kind=FactKind.ISEE, household__isnull=False)
        .values_list("household_id", "value")
        if float(value.get("isee") or 1e9) <= 15000
    )
    share = round(len(municipality_of) * INTERVENTION_SHARE / 2)
    chosen = {h: rng.choice(support) for h in rng.sample(low_isee, min(share, len(low_isee)))}
    others = sorted(set(municipality_of) - set(chosen))
    chosen.update((h, rng.choice(list(item_id.values()))) for h in rng.sample(others, share))
    rows = []
    for household, item in sorted(chosen.items()):
        starts = ON - datetime.timedelta(days=rng.randint(10, 400))
        ends = None if rng.random() < 0.5 else ON + datetime.timedelta(days=rng.randint(1, 300))
        rows.append(
            Intervention(
                household_id=household,
                item_id=item,
                provider_id=provider_of[municipality_of[household]],
                starts_on=starts,
                ends_on=ends,
                amount=Decimal(rng.randrange(100, 3000, 50)),
                status=InterventionStatus.ACTIVE,
                source=InterventionSource.IMPORT,
                source_reference=MARK,
            )
        )
    Intervention.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def clear_previous_runs() -> None:
    """Screenings and alerts of earlier runs on a reused database: every run starts equal."""
    from django.db import connection, transaction

    from siso_platform.monitoring.models import Alert, ScreeningResult, ScreeningRun

    tables = [
        ScreeningResult._meta.db_table,
        ScreeningRun.programmes.through._meta.db_table,
        ScreeningRun.indicators.through._meta.db_table,
        ScreeningRun._meta.db_table,
        Alert._meta.db_table,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            for name in tables:
                cursor.execute(f"DELETE FROM {name}")


def baseline_sql() -> str:
    """Eligible households and those of them receiving nothing, for `sostegno-al-reddito`:
    the latest current household ISEE up to 6,000 (the fact sheet's `isee`), among the
    households with a current member (those a screening covers); receiving = a running
    intervention of its item for the household or for a current member. Written with
    correlated EXISTS, which both planners answer by index lookups per ISEE fact."""
    from django.db import connection

    from siso_platform.casework.models import CatalogueItem, Intervention
    from siso_platform.people.models import Fact, HouseholdMembership

    if connection.vendor == "postgresql":
        amount = "(f.value->>'isee')::numeric"
    else:
        amount = "json_extract(f.value, '$.isee')"
    membership = HouseholdMembership._meta.db_table
    fact = Fact._meta.db_table
    intervention = Intervention._meta.db_table
    item = CatalogueItem._meta.db_table
    current = "{t}.valid_from <= %(on)s AND ({t}.valid_to IS NULL OR {t}.valid_to > %(on)s)"
    # `+i.item_id`: no index on it, so that both planners look interventions up by their
    # beneficiary (a few rows) rather than by the item (every household's).
    running = (
        f"+i.item_id = (SELECT id FROM {item} WHERE code = %(item)s) "
        "AND i.status = 'active' AND i.starts_on <= %(on)s "
        "AND (i.ends_on IS NULL OR i.ends_on >= %(on)s)"
    )
    return f"""
        SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (
                SELECT 1 FROM {intervention} i
                WHERE i.household_id = e.household_id AND {running}
            ) OR EXISTS (
                SELECT 1 FROM {membership} m
                JOIN {intervention} i ON i.person_id = m.person_id
                WHERE m.household_id = e.household_id AND {current.format(t="m")} AND {running}
            ) THEN 0 ELSE 1 END), 0)
        FROM (
            SELECT f.household_id, {amount} AS amount,
                   ROW_NUMBER() OVER (PARTITION BY f.household_id ORDER BY f.key DESC) AS n
            FROM {fact} f
            WHERE f.kind = 'isee' AND f.household_id IS NOT NULL
              AND {current.format(t="f")} AND {amount} IS NOT NULL
        ) e
        WHERE e.n = 1 AND e.amount <= %(max_isee)s
          AND EXISTS (
            SELECT 1 FROM {membership} m
            WHERE m.household_id = e.household_id AND {current.format(t="m")}
          )
    """


def run_baseline() -> tuple[float, tuple[int, int]]:
    """The best of three runs of the hand-written query, and its counts."""
    from django.db import connection

    on = ON if connection.vendor == "postgresql" else ON.isoformat()
    params = {"on": on, "item": BASELINE_ITEM, "max_isee": BASELINE_MAX_ISEE}
    sql, best, counts = baseline_sql(), float("inf"), None
    for _ in range(3):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, params)
            counts = tuple(int(v) for v in cursor.fetchone())
            best = min(best, time.perf_counter() - started)
    return best, counts


class Phases:
    """Time spent in the functions `screening.execute` calls, by wrapping them for one run."""

    def __init__(self):
        self.seconds = {"sheets": 0.0, "judge": 0.0, "detection": 0.0}

    def wrap(self, module, name, phase):
        original = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - started

        setattr(module, name, timed)
        return module, name, original


def timed_screening():
    from siso_platform.monitoring import detection, fact_sheet, screening
    from siso_platform.monitoring.models import ScreeningRun

    phases = Phases()
    patched = [
        phases.wrap(fact_sheet, "sheets", "sheets"),
        phases.wrap(screening, "screen_sheets", "judge"),
        phases.wrap(detection, "detect_overlaps", "detection"),
        phases.wrap(detection, "detect_gaps", "detection"),
    ]
    try:
        run = ScreeningRun.objects.create(on=ON)
        started = time.perf_counter()
        run = screening.execute(run)
        elapsed = time.perf_counter() - started
    finally:
        for module, name, original in patched:
            setattr(module, name, original)
    phases.seconds["write and other"] = elapsed - sum(phases.seconds.values())
    return run, elapsed, phases.seconds


def profile_chunk(ids: list[int]) -> None:
    import cProfile
    import io
    import pstats
    from collections import Counter, defaultdict

    from siso_platform.monitoring import fact_sheet, publishing, screening

    programmes = publishing.programmes_in_effect(ON)
    indicators = publishing.indicators_in_effect()
    middle = len(ids) // 2
    part = ids[middle : middle + CHUNK]
    counts = defaultdict(Counter)
    for label, call in (
        ("fact_sheet.sheets", lambda: fact_sheet.sheets(part, on=ON)),
        ("screening.screen_sheets", None),
    ):
        if call is None:
            sheets = list(fact_sheet.sheets(part, on=ON).values())

            def call(sheets=sheets):
                return screening.screen_sheets(sheets, programmes, indicators, ON, counts)

        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(call)
        elapsed = time.perf_counter() - started
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(18)
        log(
            f"\n--- profile of {label} over {len(part)} households: {elapsed:.2f} s "
            f"(under the profiler) ---"
        )
        log("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def sqlite_statistics(db: str, analyze: bool) -> None:
    """SQLite plans without statistics unless ANALYZE (or PRAGMA optimize) was run, and
    nothing in the platform runs it: measure that way, or with `--analyze` after ANALYZE."""
    from django.db import connection

    if db != "sqlite":
        return
    with connection.cursor() as cursor:
        if analyze:
            cursor.execute("ANALYZE")
        else:
            for table in ("sqlite_stat1", "sqlite_stat4"):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    connection.close()  # the next connection plans with the statistics as they are now


def _django() -> None:
    import logging

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per publication


def setup_child(db: str, persons: int) -> None:
    _django()
    log(f"{db}: setting up {persons:,} persons (populate takes minutes at regional size)")
    setup(persons)


def child(db: str, persons: int, profile: bool, analyze: bool) -> None:
    import resource

    _django()
    from django.core.management import call_command

    from siso_platform.monitoring import fact_sheet, screening
    from siso_platform.monitoring.models import ScreeningResult, ScreeningRun
    from siso_platform.people.models import Person

    call_command("migrate", "--noinput", verbosity=0)  # a reused database may be behind
    clear_previous_runs()
    sqlite_statistics(db, analyze)
    assert Person.objects.count() == persons

    ids = list(screening.households_of(ScreeningRun(on=ON)).values_list("pk", flat=True))
    log(f"{db}: fact sheets of {len(ids):,} households")
    started = time.perf_counter()
    for begin in range(0, len(ids), CHUNK):
        fact_sheet.sheets(ids[begin : begin + CHUNK], on=ON)
    sheets_seconds = time.perf_counter() - started

    log(f"{db}: full screening")
    run, elapsed, phases = timed_screening()
    assert run.status == "done", run.error
    log(
        f"{db}: sheets only {sheets_seconds:.1f} s, screening {elapsed:.1f} s "
        f"({run.households_total / elapsed:,.0f} households/s), phases "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
    )
    programmes = list(run.programmes.select_related("definition"))
    baseline = next(v for v in programmes if v.definition.slug == BASELINE_SLUG)
    tally = run.counts[f"programme:{baseline.pk}"]
    screened = (tally.get("eligible", 0), tally.get("eligible", 0) - tally.get("covered", 0))

    log(f"{db}: SQL baseline")
    sql_seconds, sql_counts = run_baseline()
    log(f"{db}: SQL {sql_seconds:.2f} s, counts {sql_counts} (screening {screened})")
    if profile:
        profile_chunk(ids)
    result = {
        "db": db + (" (ANALYZE)" if analyze and db == "sqlite" else ""),
        "persons": persons,
        "households": run.households_total,
        "programmes": len(programmes),
        "indicators": run.indicators.count(),
        "sheets_seconds": sheets_seconds,
        "screening_seconds": elapsed,
        "rate": run.households_total / elapsed,
        "phases": phases,
        "results": ScreeningResult.objects.filter(run=run).count(),
        "alerts_new": run.counts.get("alerts_new", 0),
        "sql_seconds": sql_seconds,
        "sql_counts": list(sql_counts),
        "screening_counts": list(screened),
        "ratio": elapsed / sql_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
