"""What the benchmarks share: a fresh PostgreSQL database, and the code they measured."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def recreate_postgres_database(name: str) -> str:
    """Drop and create database `name` at 127.0.0.1:5432; its URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
        # The production setting the README recommends for SSDs: without it the planner
        # reads a whole table rather than a few thousand index entries.
        connection.execute(f"ALTER DATABASE {name} SET random_page_cost = 1.1")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def commit(*paths: str) -> str:
    """The code measured: HEAD, and whether the working tree differs from it under `paths`."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = git("status", "--porcelain", *paths).strip()
    return head + (" (modified)" if changed else "")


def in_two_steps(script: str, *, work, env: dict, reuse: bool, measure: list[str], label: str):
    """Run a benchmark as two processes of `script`: `--step setup` into a fresh `work`
    directory (skipped with `reuse` when its database exists), then `--step measure` with
    the `measure` arguments; each with `env` added to the environment."""
    import os
    import shutil
    import sys
    import time

    env = {**os.environ, **env}
    if not (reuse and (work / "siso.sqlite3").exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, script, "--step", "setup"], env=env, check=True)
        print(f"setup ({label}): {time.perf_counter() - started:.0f} s")
    step = [sys.executable, script, "--step", "measure", *measure]
    subprocess.run(step, env=env, check=True)
