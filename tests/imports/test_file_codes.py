"""A file written in its own codes (mapped by its profile) is told its own codes in errors."""

import io

from django.utils import translation

from siso_platform.imports.formats import FORMATS
from siso_platform.imports.reading import Dialect, converter, open_rows

DIALECT = Dialect(
    delimiter=";",
    columns={"sex": "SESSO", "relation": "RAPPORTO", "family_sheet": "FOGLIO"},
    values={"sex": {"1": "M", "2": "F"}, "relation": {"IS": "head", "CG": "spouse"}},
)
HEADER = "tax_code;last_name;first_name;SESSO;birth_date;FOGLIO;RAPPORTO;registered_on"


def rows(*lines):
    fmt = FORMATS["registry"]
    header, found = open_rows(io.StringIO("\n".join([HEADER, *lines]) + "\n"), fmt, DIALECT)
    convert = converter(fmt, DIALECT, header)
    return [convert(row) for row in found]


def test_a_bad_code_names_the_row_the_column_and_the_files_own_codes():
    with translation.override("it"):
        good, bad = rows(
            "RSSMRA80A01G478P;Rossi;Mario;1;1980-01-01;F1;IS;2015-03-02",
            "VRDNNA82E60G478X;Verdi;Anna;3;1982-05-20;F1;XX;2015-03-02",
        )
    assert good.values["sex"] == "M" and good.values["relation"] == "head"
    assert bad.number == 3
    errors = dict(bad.errors)
    assert "«3»" in errors["SESSO"] or "“3”" in errors["SESSO"]
    assert "(1, 2)" in errors["SESSO"] and "M, F" not in errors["SESSO"]
    assert "(IS, CG)" in errors["RAPPORTO"] and "head" not in errors["RAPPORTO"]


def test_our_own_codes_are_still_taken_from_a_mapped_file():
    (row,) = rows("RSSMRA80A01G478P;Rossi;Mario;F;1980-01-01;F1;spouse;2015-03-02")
    assert row.values["sex"] == "F" and row.values["relation"] == "spouse"
