"""The sample file generator: files the reader accepts, defects where it says, dialects."""

import datetime
import io
import itertools
import types

import pytest
from django.core.management import call_command

from siso_platform.imports.formats import FORMATS
from siso_platform.imports.management.commands.generate_import_samples import Command
from siso_platform.imports.reading import Dialect, converter, open_rows, open_text
from siso_platform.imports.samples import (
    DEFECTS,
    PERUGIA_DIALECT,
    read_bad_rows,
    read_changes,
    registry_rows,
    write_registry_rows,
    write_samples,
)
from siso_platform.people import tax_code as tc
from siso_platform.people.demo_data import MunicipalityInfo, plan_households, write_batch
from siso_platform.territory.models import Municipality

AS_OF = datetime.date(2026, 1, 1)
REFERENCE = datetime.date(2026, 1, 31)
SOURCES = ("registry", "local_taxes", "property", "rentals", "income", "isee")


@pytest.fixture
def perugia(db):
    """About three hundred demo persons in Perugia, one of them Niccolò D'Angelo, and a
    household in Assisi that Perugia's files must not mention."""
    town = Municipality.objects.get(istat_code="054039")
    assisi = Municipality.objects.get(name="Assisi")
    plans = list(
        plan_households(
            300, [MunicipalityInfo(town.pk, town.cadastral_code, 1)], seed=5, as_of=AS_OF
        )
    )
    head = plans[0].members[0]
    head.last_name, head.first_name, head.sex = "D'Angelo", "Niccolò", "M"
    head.tax_code = tc.encode("D'Angelo", "Niccolò", "M", head.birth_date, head.birth_place_code)
    write_batch(plans, AS_OF)
    elsewhere = plan_households(
        3, [MunicipalityInfo(assisi.pk, assisi.cadastral_code, 1)], seed=6, as_of=AS_OF
    )
    write_batch(list(elsewhere), AS_OF)
    town.plans = plans
    return town


def read(path, source, dialect=None):
    """The converted rows of a file, read as an import reads it."""
    dialect = dialect or Dialect()
    fmt = FORMATS[source]
    with open(path, "rb") as binary:
        text = open_text(binary, dialect)
        header, rows = open_rows(text, fmt, dialect)
        convert = converter(fmt, dialect, header)
        return header, [convert(row) for row in rows]


def errors(rows) -> dict[int, list[str]]:
    return {row.number: [column for column, _message in row.errors] for row in rows if row.errors}


def sheets_are_contiguous_heads_first(rows) -> bool:
    seen = set()
    for sheet, members in itertools.groupby(rows, key=lambda r: r.values["family_sheet"]):
        members = list(members)
        if sheet in seen or members[0].values["relation"] != "head":
            return False
        seen.add(sheet)
    return True


def test_the_files_are_read_without_an_error_and_agree_with_each_other(perugia, tmp_path):
    paths = write_samples(perugia, tmp_path, reference_date=REFERENCE)

    assert set(paths) == set(SOURCES)
    read_rows = {}
    for source in SOURCES:
        _header, rows = read(paths[source], source)
        assert rows, source
        assert errors(rows) == {}, source
        assert read_bad_rows(paths[source]) == {}
        read_rows[source] = rows
    registry = read_rows["registry"]
    planned = {m.tax_code: (m, p) for p in perugia.plans for m in p.members}
    assert {r.values["tax_code"] for r in registry} == set(planned)
    for row in registry:
        member, plan = planned[row.values["tax_code"]]
        assert row.values["family_sheet"] == plan.code
        assert row.values["relation"] == member.relation
        assert row.values["birth_date"] == member.birth_date
        assert row.values["address"] == plan.address
        assert row.values["registered_on"] <= AS_OF
        assert row.values["cancelled_on"] is None
    assert sheets_are_contiguous_heads_first(registry)
    for source, column in [
        ("local_taxes", "tax_code"),
        ("property", "tax_code"),
        ("rentals", "tenant_tax_code"),
        ("rentals", "owner_tax_code"),
        ("income", "tax_code"),
        ("isee", "tax_code"),
    ]:
        codes = {r.values[column] for r in read_rows[source]}
        assert codes <= set(planned), (source, column)
        assert len(codes) < len(planned)  # a subset
    for rental in read_rows["rentals"]:
        tenant = planned[rental.values["tenant_tax_code"]][1]
        owner = planned[rental.values["owner_tax_code"]][1]
        assert tenant is not owner
        assert rental.values["address"] == tenant.address
    categories = {r.values["category"] for r in read_rows["property"]}
    assert {"A/2", "A/3", "C/6"} <= categories
    owners = {r.values["tax_code"] for r in read_rows["property"]}
    imu = {r.values["tax_code"] for r in read_rows["local_taxes"] if r.values["tax"] == "IMU"}
    assert imu and imu <= owners


def test_the_registry_file_passes_the_registry_checks(perugia, tmp_path):
    from siso_platform.imports.drivers.base import Context
    from siso_platform.imports.drivers.registry import RegistryDriver

    path = write_samples(perugia, tmp_path, reference_date=REFERENCE)["registry"]
    header, rows = read(path, "registry")
    ctx = Context(perugia.pk, REFERENCE, "test", header)
    for row in rows:
        RegistryDriver().check(row, ctx)
    assert errors(rows) == {}


def test_the_same_seed_writes_the_same_files(perugia, tmp_path):
    first = write_samples(perugia, tmp_path / "a", reference_date=REFERENCE, seed=3)
    again = write_samples(perugia, tmp_path / "b", reference_date=REFERENCE, seed=3)
    other = write_samples(perugia, tmp_path / "c", reference_date=REFERENCE, seed=4)

    for source in SOURCES:
        assert first[source].read_bytes() == again[source].read_bytes()
    assert first["registry"].read_bytes() == other["registry"].read_bytes()  # the population
    assert first["property"].read_bytes() != other["property"].read_bytes()


@pytest.mark.parametrize("dialect", [None, PERUGIA_DIALECT], ids=["canonical", "perugia"])
def test_spoiled_rows_are_rejected_exactly_where_recorded(perugia, tmp_path, dialect):
    paths = write_samples(
        perugia, tmp_path, reference_date=REFERENCE, bad_share=0.05, dialect=dialect
    )

    for source in SOURCES:
        _header, rows = read(paths[source], source, dialect)
        recorded = read_bad_rows(paths[source])
        assert len(recorded) == max(1, round(len(rows) * 0.05)), source
        shown = {line: (dialect or Dialect()).columns.get(c, c) for line, c in recorded.items()}
        assert errors(rows) == {line: [column] for line, column in shown.items()}, source
    listed = "".join((tmp_path / f"{s}.bad_rows.json").read_text("utf-8") for s in SOURCES)
    for defect in DEFECTS:
        assert f'"{defect}"' in listed


def test_heads_of_larger_families_keep_their_rows_whole(perugia, tmp_path):
    path = write_samples(perugia, tmp_path, reference_date=REFERENCE, bad_share=0.3)["registry"]

    recorded = read_bad_rows(path)
    assert len(recorded) == 90
    heads_of_many, line = set(), 2  # each sheet in the order planned, its head first
    for plan in perugia.plans:
        if len(plan.members) > 1:
            heads_of_many.add(line)
        line += len(plan.members)
    assert heads_of_many and not heads_of_many & set(recorded)


def test_a_clean_file_with_a_share_of_zero_lists_no_bad_rows(perugia, tmp_path):
    write_samples(perugia, tmp_path, reference_date=REFERENCE, bad_share=0.1)
    paths = write_samples(perugia, tmp_path, reference_date=REFERENCE)

    assert not list(tmp_path.glob("*.bad_rows.json"))
    assert read_bad_rows(paths["income"]) == {}
    with pytest.raises(ValueError):
        write_samples(perugia, tmp_path, bad_share=1.5)


def test_the_perugia_dialect_round_trips(perugia, tmp_path):
    plain = write_samples(perugia, tmp_path / "plain", reference_date=REFERENCE)
    local = write_samples(
        perugia, tmp_path / "local", reference_date=REFERENCE, dialect=PERUGIA_DIALECT
    )

    raw = local["registry"].read_bytes()
    assert raw.startswith(b"CODICE_FISCALE;COGNOME;NOME;SESSO;DATA_NASCITA;")
    assert "Niccolò".encode("windows-1252") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("windows-1252")
    assert ";IS;" in text and ";1;" in text and "/" in text
    assert any("," in r.raw[3] for r in read(local["property"], "property", PERUGIA_DIALECT)[1])
    for source in SOURCES:
        _h, expected = read(plain[source], source)
        _h, found = read(local[source], source, PERUGIA_DIALECT)
        assert errors(found) == {}, source
        assert [r.values for r in found] == [r.values for r in expected], source


def test_a_later_extraction_differs_exactly_in_the_recorded_persons(perugia, tmp_path):
    first = write_samples(perugia, tmp_path / "first", reference_date=REFERENCE)["registry"]
    paths = write_samples(perugia, tmp_path / "later", reference_date=REFERENCE, changes=True)

    assert set(paths) == {"registry"}
    changes = read_changes(paths["registry"])
    _h, before_rows = read(first, "registry")
    _h, after_rows = read(paths["registry"], "registry")
    assert errors(after_rows) == {}
    assert sheets_are_contiguous_heads_first(
        [r for r in after_rows if not r.values["cancelled_on"]]
    )
    before = {r.values["tax_code"]: r.values for r in before_rows}
    after = {r.values["tax_code"]: r.values for r in after_rows}
    assert set(before) == set(after)
    differing = sorted(code for code in before if before[code] != after[code])
    assert differing == changes["tax_codes"]

    moved, died, readdressed = changes["moved"], changes["died"], changes["address_changed"]
    assert len({moved["tax_code"], died["tax_code"], *readdressed["tax_codes"]}) == len(differing)
    now = after[moved["tax_code"]]
    assert before[moved["tax_code"]]["family_sheet"] == moved["from_family_sheet"]
    assert before[moved["tax_code"]]["relation"] != "head"
    assert (
        now["family_sheet"]
        == moved["family_sheet"]
        not in {v["family_sheet"] for v in before.values()}
    )
    assert now["relation"] == "head"
    assert now["registered_on"] > REFERENCE
    gone = after[died["tax_code"]]
    assert gone["cancellation_reason"] == "death"
    assert REFERENCE < gone["cancelled_on"] <= datetime.date.fromisoformat(changes["extracted_on"])
    assert len(readdressed["tax_codes"]) > 1
    for code in readdressed["tax_codes"]:
        assert before[code]["address"] == readdressed["from_address"]
        assert after[code]["address"] == readdressed["address"] != readdressed["from_address"]

    again = write_samples(perugia, tmp_path / "again", reference_date=REFERENCE, changes=True)
    assert again["registry"].read_bytes() == paths["registry"].read_bytes()


def test_synthetic_registry_rows_stream_valid_families(tmp_path):
    rows = registry_rows(10, "G478", seed=2)
    assert isinstance(rows, types.GeneratorType)
    assert len(list(rows)) == 10

    path = tmp_path / "big" / "registry.csv"
    assert write_registry_rows(path, 600, "G478", seed=2, dialect=PERUGIA_DIALECT) == 600
    _header, read_rows = read(path, "registry", PERUGIA_DIALECT)
    assert len(read_rows) == 600
    assert errors(read_rows) == {}
    assert sheets_are_contiguous_heads_first(read_rows)
    assert len({r.values["tax_code"] for r in read_rows}) == 600
    assert any(r.values["first_name"] == "Niccolò" for r in read_rows)
    for row in read_rows:
        assert tc.is_valid(row.values["tax_code"])
        year, month, day, sex, _place = tc.encoded_birth_data(row.values["tax_code"])
        born = row.values["birth_date"]
        assert (born.year % 100, born.month, born.day, row.values["sex"]) == (year, month, day, sex)

    spoiled = tmp_path / "spoiled.csv"
    write_registry_rows(spoiled, 600, "G478", seed=2, bad_share=0.01)
    _header, read_rows = read(spoiled, "registry")
    recorded = read_bad_rows(spoiled)
    assert len(recorded) == 6
    assert errors(read_rows) == {line: [column] for line, column in recorded.items()}


def test_the_command_writes_the_samples(perugia, tmp_path):
    out = io.StringIO()
    call_command(
        Command(),
        municipality="054039",
        out=tmp_path,
        bad_share=0.02,
        dialect="perugia",
        reference_date=REFERENCE,
        stdout=out,
    )

    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(f"{s}.csv" for s in SOURCES)
    assert "registry" in out.getvalue()
    _header, rows = read(tmp_path / "registry.csv", "registry", PERUGIA_DIALECT)
    assert len(rows) == 300

    call_command(
        Command(), municipality="054039", out=tmp_path / "big", registry_rows=250, stdout=out
    )
    _header, rows = read(tmp_path / "big" / "registry.csv", "registry")
    assert len(rows) == 250 and errors(rows) == {}
