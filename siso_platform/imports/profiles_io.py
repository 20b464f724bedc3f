"""A mapping profile as a JSON file, so that a municipality or zone can share how a source's
file is written with another.

`to_json` and `read` are pure (no database): `read` checks a whole file and names the key
at fault in its error. `save` writes a checked document, replacing a profile of that name.
"""

import json

from django.db import transaction
from django.utils.translation import gettext as _

from definitions import strict_json
from siso_platform.territory.models import Municipality

from .formats import FORMATS
from .models import ColumnMapping, MappingProfile
from .reading import DATE_FORMATS, DELIMITERS, ENCODINGS, Dialect

FORMAT = "siso-mapping-profile"
VERSION = 1
DIALECT_KEYS = (
    "encoding",
    "delimiter",
    "date_format",
    "decimal_separator",
    "thousands_separator",
)
TOP_KEYS = ("format", "version", "name", "source", "municipality", *DIALECT_KEYS, "columns")
COLUMN_KEYS = ("field", "column", "codes")


class ProfileFileError(ValueError):
    """The file is not a mapping profile this platform can read; the message says where."""


def _choices(name: str) -> tuple[str, ...]:
    return tuple(value for value, _label in MappingProfile._meta.get_field(name).choices)


def _allowed() -> dict[str, tuple[str, ...]]:
    return {
        "encoding": ENCODINGS,
        "delimiter": DELIMITERS,
        "date_format": tuple(DATE_FORMATS),
        "decimal_separator": _choices("decimal_separator"),
        "thousands_separator": _choices("thousands_separator"),
    }


def document(name: str, source: str, municipality: str | None, dialect: Dialect) -> dict:
    """The exported form of a profile reading `source` files written in `dialect`."""
    fields = [n for n in FORMATS[source].names if n in dialect.columns or n in dialect.values]
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "source": source,
        "municipality": municipality,
        **{key: getattr(dialect, key) for key in DIALECT_KEYS},
        "columns": [
            {
                "field": field,
                "column": dialect.columns.get(field, ""),
                "codes": dict(dialect.values.get(field, {})),
            }
            for field in sorted(fields)
        ],
    }


def to_json(profile: MappingProfile) -> dict:
    municipality = profile.municipality.istat_code if profile.municipality_id else None
    return document(profile.name, profile.source, municipality, profile.dialect())


def dumps(profile: MappingProfile) -> bytes:
    return json.dumps(to_json(profile), ensure_ascii=False, indent=2).encode("utf-8")


def _refuse(key: str, message: str) -> ProfileFileError:
    return ProfileFileError(_("“%(key)s”: %(message)s") % {"key": key, "message": message})


def _text(data: dict, key: str, *, where: str = "", max_length: int = 100) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _refuse(where + key, _("it should be a text."))
    if len(value) > max_length:
        raise _refuse(where + key, _("it is longer than %(max)d characters.") % {"max": max_length})
    return value.strip()


def _unknown(data: dict, known: tuple[str, ...], where: str = "") -> None:
    for key in data:
        if key not in known:
            raise _refuse(
                where + str(key),
                _("unknown key; the keys are: %(keys)s.") % {"keys": ", ".join(known)},
            )


def _codes(value, where: str) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise _refuse(where, _("it should map each value of the file to a canonical value."))
    codes = {}
    for source, canonical in value.items():
        # The codes are stored one “file value = canonical value” per line.
        if not source.strip() or "=" in source or "\n" in source:
            raise _refuse(
                where, _("“%(value)s” cannot be a value of the file.") % {"value": source}
            )
        if not isinstance(canonical, str) or "\n" in canonical:
            raise _refuse(
                where, _("the value for “%(value)s” should be a text.") % {"value": source}
            )
        codes[source.strip()] = canonical.strip()
    return codes


def read(content: bytes) -> dict:
    """The checked document of an exported profile, or ProfileFileError naming the bad key."""
    try:
        data = strict_json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProfileFileError(_("The file is not text in UTF-8.")) from None
    except strict_json.Refused as error:
        # too deep, a key given twice, or not JSON at all: the message says where
        raise ProfileFileError(error.message) from None
    if not isinstance(data, dict):
        raise ProfileFileError(_("The file should hold one JSON object."))
    if data.get("format") != FORMAT:
        raise _refuse("format", _("this is not a mapping profile (expected “%s”).") % FORMAT)
    if data.get("version") != VERSION:
        raise _refuse(
            "version", _("version %(version)s cannot be read.") % {"version": data.get("version")}
        )
    _unknown(data, TOP_KEYS)
    name = _text(data, "name")
    if not name:
        raise _refuse("name", _("a name is required."))
    source = data.get("source")
    if source not in FORMATS:
        raise _refuse(
            "source",
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": source, "choices": ", ".join(FORMATS)},
        )
    municipality = data.get("municipality")
    if municipality is not None and (
        not isinstance(municipality, str) or len(municipality) != 6 or not municipality.isdigit()
    ):
        raise _refuse("municipality", _("it should be an ISTAT code of six digits, or null."))
    document = {"name": name, "source": source, "municipality": municipality}
    defaults = {key: MappingProfile._meta.get_field(key).default for key in DIALECT_KEYS}
    for key, allowed in _allowed().items():
        value = data.get(key, defaults[key])
        if value not in allowed:
            raise _refuse(
                key,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(f"“{a}”" for a in allowed)},
            )
        document[key] = value
    if document["thousands_separator"] == document["decimal_separator"]:
        raise _refuse("thousands_separator", _("it must differ from the decimal separator."))
    document["columns"] = _columns(data.get("columns", []), FORMATS[source])
    return document


def _columns(value, fmt) -> list[dict]:
    if not isinstance(value, list):
        raise _refuse("columns", _("it should be a list."))
    columns, seen = [], set()
    for index, item in enumerate(value):
        where = f"columns[{index}]"
        if not isinstance(item, dict):
            raise _refuse(where, _("it should be an object with “field”, “column”, “codes”."))
        _unknown(item, COLUMN_KEYS, where=f"{where}.")
        field = item.get("field")
        if field not in fmt.names:
            raise _refuse(
                f"{where}.field",
                _("the %(source)s format has no column “%(field)s”; it has: %(names)s.")
                % {"source": fmt.name, "field": field, "names": ", ".join(fmt.names)},
            )
        if field in seen:
            raise _refuse(f"{where}.field", _("“%(field)s” is mapped twice.") % {"field": field})
        seen.add(field)
        columns.append(
            {
                "field": field,
                "column": _text(item, "column", where=f"{where}."),
                "codes": _codes(item.get("codes"), f"{where}.codes"),
            }
        )
    return columns


def codes_text(codes: dict[str, str]) -> str:
    return "\n".join(f"{source} = {canonical}" for source, canonical in codes.items())


@transaction.atomic
def save(document: dict) -> tuple[MappingProfile, bool]:
    """Create the profile, or replace the one with the same name; returns (profile, created)."""
    municipality = None
    if document["municipality"]:
        municipality = Municipality.objects.filter(istat_code=document["municipality"]).first()
        if municipality is None:
            raise _refuse(
                "municipality",
                _("no municipality has the ISTAT code %(code)s.")
                % {"code": document["municipality"]},
            )
    profile = MappingProfile.objects.select_for_update().filter(name=document["name"]).first()
    created = profile is None
    profile = profile or MappingProfile(name=document["name"])
    profile.source = document["source"]
    profile.municipality = municipality
    for key in DIALECT_KEYS:
        setattr(profile, key, document[key])
    profile.save()
    ColumnMapping.objects.filter(profile=profile).delete()
    ColumnMapping.objects.bulk_create(
        ColumnMapping(
            profile=profile,
            field=column["field"],
            column=column["column"],
            codes=codes_text(column["codes"]),
        )
        for column in document["columns"]
    )
    return profile, created
