"""Runs: rejected rows reported and re-imported, whole batches only, resumed after a kill."""

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from siso_platform.imports import rejected, runs, samples
from siso_platform.imports.models import RunStatus
from siso_platform.people.models import Household, HouseholdMembership, Person

from .conftest import PERUGIA, run_import

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_thousand_rows_with_five_bad_import_995_and_the_fixed_rows_import(
    english, perugia, tmp_path
):
    path = tmp_path / "registry.csv"
    samples.write_registry_rows(path, 1000, "G478", seed=7, bad_share=0.005)
    spoiled = samples.read_bad_rows(path)
    assert len(spoiled) == 5

    run = run_import("registry", path.read_bytes(), perugia)

    assert (run.rows_inserted, run.rows_rejected) == (995, 5)
    report = {r.row_number: r.errors for r in run.rejected_rows.all()}
    assert sorted(report) == sorted(spoiled)
    for line, errors in report.items():
        assert len(errors) == 1 and errors[0]["message"]
        assert errors[0]["column"] == spoiled[line]

    # The download has the file's columns plus the errors; fixed, it imports as it is.
    download = b"".join(rejected.encoded(run)).decode()
    table = list(csv.DictReader(io.StringIO(download)))
    assert [int(r["_row"]) for r in table] == sorted(spoiled)
    original = {i: r for i, r in enumerate(csv.DictReader(path.open()), start=2)}
    clean = samples.registry_rows(1000, "G478", seed=7)
    good = {i: r for i, r in enumerate(clean, start=2) if i in spoiled}
    for row in table:
        number = int(row["_row"])
        assert {k: v for k, v in row.items() if not k.startswith("_")} == original[number]
        column = spoiled[number]
        value = good[number][column]
        row[column] = value.isoformat() if hasattr(value, "isoformat") else value
    fixed = io.StringIO()
    writer = csv.DictWriter(fixed, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)

    again = run_import("registry", fixed.getvalue(), perugia)

    assert (again.rows_inserted, again.rows_rejected) == (5, 0)
    assert Person.objects.count() == 1000


def test_the_same_file_twice_gives_no_duplicate(perugia, tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "ANALYZE_EVERY", 2)  # statistics refreshed mid-run, as on big files
    path = tmp_path / "registry.csv"
    samples.write_registry_rows(path, 300, "G478", seed=8)
    run_import("registry", path.read_bytes(), perugia, batch_size=50)
    before = (
        Person.objects.count(),
        Household.objects.count(),
        HouseholdMembership.objects.count(),
    )

    again = run_import("registry", path.read_bytes(), perugia, batch_size=50)

    assert (again.rows_unchanged, again.rows_inserted, again.rows_updated) == (300, 0, 0)
    after = (Person.objects.count(), Household.objects.count(), HouseholdMembership.objects.count())
    assert after == before == (300, before[1], 300)


def _query(database: Path, sql: str):
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql).fetchone()


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="runs on a copy of the SQLite test database"
)
def test_a_killed_import_leaves_whole_batches_and_resumes_to_the_end(perugia, tmp_path):
    database = tmp_path / "copy.sqlite3"
    source, target = sqlite3.connect(connection.settings_dict["NAME"]), sqlite3.connect(database)
    source.backup(target)  # migrations and territory, committed by the session setup
    source.close()
    target.close()
    path = tmp_path / "registry.csv"
    rows = samples.write_registry_rows(path, 8000, "G478", seed=9)
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="siso_platform.settings.test",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    command = [sys.executable, str(ROOT / "manage.py"), "import_source", "-v0"]
    process = subprocess.Popen(
        [*command, "registry", str(path), "--municipality", PERUGIA, "--batch-size", "100"],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        read = _query(database, "select max(rows_read) from imports_importrun")[0]
        if read and read >= 500:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()

    run_id, status, read, inserted = _query(
        database, "select id, status, rows_read, rows_inserted from imports_importrun"
    )
    persons = _query(database, "select count(*) from people_person")[0]
    assert status == RunStatus.RUNNING and 500 <= read < rows
    assert persons == inserted == read  # no row of a half-written batch is there

    subprocess.run([*command, "--resume", str(run_id)], env=env, check=True)

    status, read, inserted = _query(
        database,
        f"select status, rows_read, rows_inserted from imports_importrun where id={run_id}",
    )
    assert (status, read, inserted) == (RunStatus.COMPLETED, rows, rows)
    assert _query(database, "select count(distinct tax_code), count(*) from people_person") == (
        rows,
        rows,
    )
    assert _query(database, "select count(*) from people_householdmembership")[0] == rows
