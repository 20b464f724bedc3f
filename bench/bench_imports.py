"""Benchmark: importing a regional-size registry file, on SQLite and on PostgreSQL.

Usage: .venv/bin/python bench/bench_imports.py [ROWS] [--db sqlite,postgres]

Writes a synthetic, valid registry file of ROWS persons (default 880,000, Umbria's
population) with `imports.samples`, then for each database, in a fresh database and a
separate process: migrates, loads the territory and times `imports.runs.execute` on the
file, twice. The first run inserts every person, household and membership, and the second
finds every row unchanged. It prints rows per second, the peak memory of the process, and
its memory at 10% of the file against the end, which shows that the file is streamed.

On PostgreSQL it also times `COPY` of the same file into an unindexed staging table of text
columns, which is the physical limit with no validation and no relations. It prints the
ratio of the import rate to the COPY rate, all measured in the same run, with no thresholds.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from shared import recreate_postgres_database

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("SISO_BENCH_DIR", "/tmp/siso-bench"))
PG_BENCH = "postgres://postgres@127.0.0.1:5432/siso_bench"
PERUGIA = "054039"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(rows: int) -> Path:
    path = WORK / f"registry-{rows}.csv"
    if not path.exists():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siso_platform.settings.dev")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from siso_platform.imports.samples import write_registry_rows

        started = time.perf_counter()
        write_registry_rows(path.with_suffix(".tmp"), rows, "G478", seed=880)
        path.with_suffix(".tmp").rename(path)
        print(f"wrote {path} ({rows:,} rows) in {time.perf_counter() - started:.0f} s")
    return path


def fresh_database(db: str) -> dict[str, str]:
    env = dict(os.environ, DEBUG="0", SISO_VAR_DIR=str(WORK / f"var-{db}"))
    env["DJANGO_SETTINGS_MODULE"] = "siso_platform.settings.dev"
    if db == "sqlite":
        database = WORK / "bench.sqlite3"
        database.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    else:
        env["DATABASE_URL"] = recreate_postgres_database("siso_bench")
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_territory"]):
        subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def copy_rate(path: Path, rows: int) -> float:
    """Rows per second of COPY into a staging table of text columns, no index."""
    import psycopg

    with path.open() as f:
        header = f.readline().strip().split(",")
    columns = ", ".join(f'"{name}" text' for name in header)
    with psycopg.connect(PG_BENCH, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE bench_staging ({columns})")
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY bench_staging FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as f,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bench_staging")
    return rows / elapsed


def child(db: str, path: Path, rows: int) -> None:
    """In the benchmark database: import the file twice and report."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from siso_platform.imports import runs
    from siso_platform.territory.models import Municipality

    perugia = Municipality.objects.get(istat_code=PERUGIA)
    result = {"db": db, "rows": rows}
    if db == "postgres":
        result["copy_rate"] = copy_rate(path, rows)
    for label in ("first", "again"):
        with path.open("rb") as f:
            run = runs.create(
                source="registry",
                municipality=perugia,
                file=f,
                file_name=path.name,
                reference_date=timezone.localdate(),
            )
        samples = {}

        def watch(current, samples=samples):
            if "at_10" not in samples and current.bytes_read >= current.file_size / 10:
                samples["at_10"] = rss_mb()

        started = time.perf_counter()
        run = runs.execute(run, progress=watch)
        elapsed = time.perf_counter() - started
        assert run.status == "completed" and run.rows_rejected == 0, (run.status, run.error)
        result[label] = {
            "rate": rows / elapsed,
            "seconds": elapsed,
            "rss_at_10": samples.get("at_10", 0.0),
            "rss_end": rss_mb(),
            "inserted": run.rows_inserted,
            "unchanged": run.rows_unchanged,
        }
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def report(result: dict) -> None:
    db, first, again = result["db"], result["first"], result["again"]
    print(f"\n{db}: {result['rows']:,} registry rows")
    for label, run in (("first import (all new)", first), ("same file again (unchanged)", again)):
        print(
            f"  {label:28} {run['rate']:>9,.0f} rows/s  {run['seconds']:6.1f} s  "
            f"memory {run['rss_at_10']:.0f} MB at 10%, {run['rss_end']:.0f} MB at the end"
        )
    print(f"  peak memory of the process  {result['peak_mb']:.0f} MB")
    if "copy_rate" in result:
        copy = result["copy_rate"]
        print(f"  COPY into a staging table   {copy:>9,.0f} rows/s (the physical limit)")
        print(
            f"  import / COPY               1/{copy / first['rate']:.1f} (first), "
            f"1/{copy / again['rate']:.1f} (again)"
        )


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        child(argv[1], Path(argv[2]), int(argv[3]))
        return
    rows = int(argv[0]) if argv and argv[0].isdigit() else 880_000
    dbs = ["sqlite", "postgres"]
    if "--db" in argv:
        dbs = argv[argv.index("--db") + 1].split(",")
    WORK.mkdir(parents=True, exist_ok=True)
    path = write_file(rows)
    for db in dbs:
        env = fresh_database(db)
        out = subprocess.run(
            [sys.executable, __file__, "--child", db, str(path), str(rows)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        report(json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main(sys.argv[1:])
