"""Mapping profiles as JSON files: what a file must hold, errors naming the key at fault,
and a profile that comes back as it was."""

import json
import re

import pytest

from siso_platform.imports import profiles_io
from siso_platform.imports.models import ColumnMapping, MappingProfile
from siso_platform.imports.profiles_io import ProfileFileError

GOOD = {
    "format": "siso-mapping-profile",
    "version": 1,
    "name": "Anagrafe Perugia",
    "source": "registry",
    "municipality": "054039",
    "encoding": "windows-1252",
    "delimiter": ";",
    "date_format": "%d/%m/%Y",
    "decimal_separator": ",",
    "thousands_separator": ".",
    "columns": [
        {"field": "tax_code", "column": "CODICE_FISCALE", "codes": {}},
        {"field": "sex", "column": "SESSO", "codes": {"1": "M", "2": "F"}},
    ],
}


def file_of(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def changed(**changes) -> bytes:
    return file_of({**GOOD, **changes})


def test_a_good_file_reads_into_its_document():
    document = profiles_io.read(file_of(GOOD))

    assert document["name"] == "Anagrafe Perugia"
    assert document["municipality"] == "054039"
    assert document["delimiter"] == ";"
    assert document["columns"][1] == {
        "field": "sex",
        "column": "SESSO",
        "codes": {"1": "M", "2": "F"},
    }


def test_missing_dialect_keys_take_the_canonical_defaults():
    minimal = {k: GOOD[k] for k in ("format", "version", "name", "source")}

    document = profiles_io.read(file_of(minimal))

    assert (document["encoding"], document["delimiter"], document["date_format"]) == (
        "utf-8",
        ",",
        "%Y-%m-%d",
    )
    assert document["municipality"] is None and document["columns"] == []


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (changed(format="siso-form"), "“format”"),
        (changed(version=2), "“version”"),
        (changed(name=" "), "“name”"),
        (changed(name=["x"]), "“name”"),
        (changed(source="taxes"), "“source”"),
        (changed(municipality="Perugia"), "“municipality”"),
        (changed(encoding="latin-9"), "“encoding”"),
        (changed(delimiter=":"), "“delimiter”"),
        (changed(date_format="%m/%d/%Y"), "“date_format”"),
        (changed(thousands_separator=","), "“thousands_separator”"),
        (changed(delimeter=";"), "“delimeter”"),
        (changed(columns={"sex": "SESSO"}), "“columns”"),
        (changed(columns=["sex"]), "“columns[0]”"),
        (changed(columns=[{"field": "tax"}]), "“columns[0].field”"),
        (changed(columns=[{"field": "sex"}, {"field": "sex"}]), "“columns[1].field”"),
        (changed(columns=[{"field": "sex", "colum": "SESSO"}]), "“columns[0].colum”"),
        (changed(columns=[{"field": "sex", "codes": "1 = M"}]), "“columns[0].codes”"),
        (changed(columns=[{"field": "sex", "codes": {"1=": "M"}}]), "“columns[0].codes”"),
        (changed(columns=[{"field": "sex", "codes": {"1": 1}}]), "“columns[0].codes”"),
    ],
)
def test_a_bad_file_is_refused_naming_the_key(content, key):
    with pytest.raises(ProfileFileError) as refused:
        profiles_io.read(content)

    assert str(refused.value).startswith(key), str(refused.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{", "not text in UTF-8"),
        (b'{"name": ', "not valid JSON (line 1"),
        (b"[]", "one JSON object"),
        (b'{"name": "a", "name": "b"}', "“name” is given more than once"),
        (b'{"a": ' * 40 + b"1" + b"}" * 40, "Nested more than 32 levels deep"),
    ],
)
def test_a_file_that_is_not_a_profile_says_so(english, content, message):
    with pytest.raises(ProfileFileError, match=re.escape(message)):
        profiles_io.read(content)


def test_a_column_of_another_source_names_the_columns_there_are():
    content = changed(source="income", columns=[{"field": "tax_code"}, {"field": "sex"}])

    with pytest.raises(ProfileFileError) as refused:
        profiles_io.read(content)

    message = str(refused.value)
    assert message.startswith("“columns[1].field”")
    assert "tax_code, year, income_type, amount" in message


@pytest.mark.django_db
def test_a_saved_document_exports_back_to_the_same_file(perugia):
    profile, created = profiles_io.save(profiles_io.read(file_of(GOOD)))

    assert created
    assert profile.municipality == perugia
    assert profile.dialect().values == {"sex": {"1": "M", "2": "F"}}
    assert profiles_io.to_json(profile) == {
        **GOOD,
        "columns": sorted(GOOD["columns"], key=lambda c: c["field"]),
    }
    assert json.loads(profiles_io.dumps(profile)) == profiles_io.to_json(profile)


@pytest.mark.django_db
def test_saving_a_document_with_a_known_name_replaces_that_profile():
    old = MappingProfile.objects.create(name="Anagrafe Perugia", source="income")
    ColumnMapping.objects.create(profile=old, field="amount", column="IMPORTO")

    profile, created = profiles_io.save(profiles_io.read(changed(municipality=None)))

    assert not created and profile.pk == old.pk
    assert profile.source == "registry"
    assert sorted(profile.columns.values_list("field", flat=True)) == ["sex", "tax_code"]
    assert MappingProfile.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_municipality_is_refused_and_nothing_is_saved():
    with pytest.raises(ProfileFileError, match=r"^“municipality”: .*999999"):
        profiles_io.save(profiles_io.read(changed(municipality="999999")))

    assert not MappingProfile.objects.exists()
