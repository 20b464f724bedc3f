import csv
import io

import pytest

from siso_platform.territory.loading import load_territory
from siso_platform.territory.models import CitizenOffice, Municipality, SocialZone
from siso_platform.territory.municipalities_csv import (
    UMBRIA_CSV,
    TerritoryFileError,
    parse_rows,
    read_file,
)

pytestmark = pytest.mark.django_db


def csv_total_population() -> int:
    with UMBRIA_CSV.open(encoding="utf-8") as handle:
        return sum(int(row["population_2011"]) for row in csv.DictReader(handle))


def test_the_region_has_92_municipalities_in_12_zones_with_the_csv_population():
    assert Municipality.objects.count() == 92
    assert SocialZone.objects.count() == 12
    total = sum(Municipality.objects.values_list("population_2011", flat=True))
    assert total == csv_total_population() == 884268
    assert SocialZone.objects.get(number=2).lead_municipality.name == "Perugia"
    assert Municipality.objects.get(name="Terni").zone.number == 10


def test_every_municipality_has_one_default_citizen_office():
    assert CitizenOffice.objects.filter(is_default=True).count() == 92
    assert not Municipality.objects.exclude(offices__is_default=True).exists()


def test_loading_again_changes_nothing():
    before = list(Municipality.objects.values_list("pk", "name", "zone_id", "population_2011"))
    offices = CitizenOffice.objects.count()
    report = load_territory(read_file())
    assert not report.changed
    assert list(Municipality.objects.values_list("pk", "name", "zone_id", "population_2011")) == (
        before
    )
    assert CitizenOffice.objects.count() == offices


def test_a_changed_population_is_updated_on_reload():
    Municipality.objects.filter(name="Assisi").update(population_2011=1)
    report = load_territory(read_file())
    assert report.updated == {"municipality": 1}
    assert Municipality.objects.get(name="Assisi").population_2011 == 27377


def test_bad_rows_are_reported_by_row_and_column(english):
    text = (
        "istat_code,name,province,cadastral_code,population_2011,social_zone,"
        "zone_lead_municipality\n"
        "054001,Assisi,PG,A475,27377,3,Assisi\n"
        "54002,Bastia,PG,A710,abc,3,Assisi\n"
    )
    with pytest.raises(TerritoryFileError) as caught:
        parse_rows(io.StringIO(text))
    errors = caught.value.errors
    assert any("row 3" in e and "istat_code" in e for e in errors)
    assert any("row 3" in e and "population_2011" in e for e in errors)
    assert not any("row 2" in e for e in errors)


def test_a_missing_column_is_named(english):
    with pytest.raises(TerritoryFileError, match="cadastral_code"):
        parse_rows(io.StringIO("istat_code,name\n054001,Assisi\n"))
