"""Benchmark: our tax_code.is_valid against python-codicefiscale's is_valid.

Usage: .venv/bin/python bench/bench_tax_code.py [N]

Generates N (default 20,000) valid tax codes deterministically with tax_code.encode(),
times our is_valid on all of them and the library's on a 1/20 subsample, and reports the
per-code times and their ratio (library / ours), measured in the same run. It also reports
how many codes both implementations agree on, for the valid subsample and for a corrupted
copy of it. No absolute thresholds: timings depend on the machine.
"""

from __future__ import annotations

import datetime
import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import codicefiscale
from codicefiscale.data import get_countries_data, get_municipalities_data
from django.conf import settings

from siso_platform.people import tax_code

if not settings.configured:
    # Only error messages need translation machinery; keep it minimal and offline.
    settings.configure(USE_I18N=False)

SEED = 20240501
SUBSAMPLE_EVERY = 20
REPEATS = 5

SURNAMES = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
    "Rizzo", "Lombardi", "Moretti", "D'Angelo", "Fo", "Ng", "Öztürk", "Nuñez",
]  # fmt: skip
FIRST_NAMES = [
    "Mario", "Giulia", "Luca", "Francesca", "Giovanni", "Chiara", "Alessandro", "Sara",
    "Andrea", "Anna", "Marco", "Elisa", "Gianfranco", "Maria Grazia", "Ugo", "Eva", "Zoë",
]  # fmt: skip


def active_place_codes() -> list[str]:
    records = get_municipalities_data() + get_countries_data()
    return sorted({r["code"] for r in records if r["active"]})


def generate(n: int, places: list[str]) -> list[str]:
    rng = random.Random(SEED)
    start = datetime.date(1925, 1, 1)
    return [
        tax_code.encode(
            rng.choice(SURNAMES),
            rng.choice(FIRST_NAMES),
            rng.choice("MF"),
            start + datetime.timedelta(days=rng.randrange(36_500)),
            rng.choice(places),
        )
        for _ in range(n)
    ]


def corrupt(codes: list[str]) -> list[str]:
    """Wrong check character, impossible day or unknown place (check character redone)."""
    rng = random.Random(SEED + 1)
    out = []
    for code in codes:
        kind = rng.randrange(3)
        if kind == 0:
            out.append(code[:15] + rng.choice(string.ascii_uppercase.replace(code[15], "")))
            continue
        if kind == 1:
            first15 = code[:9] + rng.choice(["00", "32", "72"]) + code[11:15]
        else:
            first15 = code[:11] + rng.choice(["Z999", "A000"])
        out.append(first15 + codicefiscale.encode_cin(first15))
    return out


def per_code_seconds(function, codes: list[str], repeats: int) -> float:
    """Best of ``repeats`` runs over ``codes``, divided by the number of codes."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for code in codes:
            function(code)
        best = min(best, time.perf_counter() - started)
    return best / len(codes)


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 20_000
    if n < SUBSAMPLE_EVERY:
        raise SystemExit(f"N must be at least {SUBSAMPLE_EVERY}")

    started = time.perf_counter()
    tax_code.place("H501")  # builds the place index once
    index_seconds = time.perf_counter() - started

    places = active_place_codes()
    started = time.perf_counter()
    codes = generate(n, places)
    encode_seconds = time.perf_counter() - started
    subsample = codes[::SUBSAMPLE_EVERY]
    corrupted = corrupt(subsample)

    started = time.perf_counter()
    codicefiscale.is_valid(codes[0])  # the library builds its own index on first use
    library_index_seconds = time.perf_counter() - started

    ours = per_code_seconds(tax_code.is_valid, codes, REPEATS)
    decode = per_code_seconds(tax_code.decode, codes, 1)
    theirs = per_code_seconds(codicefiscale.is_valid, subsample, 1)

    agree_valid = sum(tax_code.is_valid(c) == codicefiscale.is_valid(c) for c in subsample)
    ours_true = sum(tax_code.is_valid(c) for c in subsample)
    agree_bad = sum(tax_code.is_valid(c) == codicefiscale.is_valid(c) for c in corrupted)
    ours_false = sum(not tax_code.is_valid(c) for c in corrupted)

    print(f"codes generated with encode(): {n} ({encode_seconds / n * 1e6:.1f} µs/code)")
    print(f"place index build (once):      {index_seconds * 1e3:.0f} ms")
    print(f"library first call (its index): {library_index_seconds * 1e3:.0f} ms")
    print(f"ours   is_valid: {ours * 1e6:8.2f} µs/code  (N={n}, best of {REPEATS})")
    print(f"ours   decode:   {decode * 1e6:8.2f} µs/code  (N={n})")
    print(f"library is_valid:{theirs * 1e6:9.2f} µs/code  (N={len(subsample)})")
    print(f"ratio library/ours (is_valid): {theirs / ours:.0f}x")
    print(f"ours: 100,000 codes would take {ours * 1e5:.2f} s")
    print(
        f"agreement on valid subsample:     {agree_valid}/{len(subsample)}"
        f" (ours valid: {ours_true})"
    )
    print(
        f"agreement on corrupted subsample: {agree_bad}/{len(corrupted)}"
        f" (ours invalid: {ours_false})"
    )


if __name__ == "__main__":
    main(sys.argv)
