import datetime
import io

import pytest

from siso_platform.imports import runs
from siso_platform.imports.formats import FORMATS
from siso_platform.people import tax_code as tc
from siso_platform.territory.models import Municipality

PERUGIA = "054039"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def perugia(db):
    return Municipality.objects.get(istat_code=PERUGIA)


def code(last, first, sex, born, place="G478"):
    return tc.encode(last, first, sex, born, place)


def person_row(last, first, sex, born, sheet, relation, **extra):
    """A registry row as a dict of canonical columns."""
    row = {
        "tax_code": code(last, first, sex, born),
        "last_name": last,
        "first_name": first,
        "sex": sex,
        "birth_date": born.isoformat(),
        "birth_place_code": "G478",
        "citizenship": "IT",
        "address": "Via dei Priori 12",
        "family_sheet": sheet,
        "relation": relation,
        "registered_on": "2015-03-02",
        "cancelled_on": "",
        "cancellation_reason": "",
    }
    row.update(extra)
    return row


def csv_text(source: str, rows: list[dict], *, delimiter=",") -> str:
    names = FORMATS[source].names
    lines = [delimiter.join(names)]
    lines += [delimiter.join(str(row.get(n, "")) for n in names) for row in rows]
    return "\n".join(lines) + "\n"


def run_import(source, text, municipality, *, on=datetime.date(2026, 1, 31), profile=None, **kw):
    data = text.encode(profile.encoding if profile else "utf-8") if isinstance(text, str) else text
    run = runs.create(
        source=source,
        municipality=municipality,
        file=io.BytesIO(data),
        file_name=f"{source}.csv",
        reference_date=on,
        profile=profile,
    )
    return runs.execute(run, **kw)


def family(sheet="F1", address="Via dei Priori 12"):
    """A couple and their child, registered in 2015."""
    return [
        person_row(
            "Rossi", "Mario", "M", datetime.date(1980, 1, 1), sheet, "head", address=address
        ),
        person_row(
            "Verdi", "Anna", "F", datetime.date(1982, 5, 20), sheet, "spouse", address=address
        ),
        person_row(
            "Rossi", "Luca", "M", datetime.date(2012, 9, 3), sheet, "child", address=address
        ),
    ]
