"""A condition "this column is one of these ids" sent as one parameter, whatever their number.

An `__in` filter with thousands of ids costs Django time per id to prepare, and SQLite
refuses more than 32,766 parameters. Here the ids travel as one JSON text (SQLite's
`json_each`) or one array (PostgreSQL's `unnest`).
"""

import json
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL


def among(column: str, ids: Iterable[int]) -> Q:
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        subquery = RawSQL("SELECT unnest(%s::bigint[])", [ids])
    else:
        subquery = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    return Q(**{f"{column}__in": subquery})
