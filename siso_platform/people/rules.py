"""The rules an ISEE attestation and a civil-invalidity verdict must keep, as pure functions.

Each returns the problems it finds as {field: message} (empty: fine), like
`casework.rules`; `people.actions` turns them into a ValidationError keyed by field, so the
operator's form, the API and the import refuse the same input with the same words.
"""

import calendar
import datetime
import re
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Problems = dict[str, str]


class IseeKind(models.TextChoices):
    """The kinds of ISEE an INPS attestation states (DPCM 159/2013)."""

    ORDINARIO = "ordinario", gettext_lazy("ordinary (ordinario)")
    SOCIOSANITARIO = "sociosanitario", gettext_lazy("social and health care (sociosanitario)")
    MINORENNI = "minorenni", gettext_lazy("for minors (minorenni)")
    CORRENTE = "corrente", gettext_lazy("current (corrente)")


# The ISEE of a household's general means test: an ISEE corrente, while valid, takes the place
# of the ordinary one. The other kinds serve particular benefits.
GENERAL_KINDS = (IseeKind.CORRENTE, IseeKind.ORDINARIO)

# INPS's protocol reads like INPS-ISEE-2026-00123456A-00; other issuers' differ a little.
DSU_PROTOCOL = re.compile(r"^[A-Z0-9][A-Z0-9./-]{3,29}$")
FIRST_DSU_YEAR = 2015  # the ISEE of DPCM 159/2013 started on 1 January 2015
MAX_ISEE = Decimal("9999999.99")
CORRENTE_MONTHS = 6  # DL 34/2019, art. 28-bis: an ISEE corrente is valid six months


def normalize_protocol(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def isee_problems(
    *,
    kind: str,
    value: Decimal | None,
    dsu_protocol: str,
    dsu_year: int | None,
    issued_on: datetime.date | None,
    valid_until: datetime.date | None,
    today: datetime.date,
) -> Problems:
    problems: Problems = {}
    if kind not in IseeKind.values:
        problems["kind"] = _("Choose the kind of ISEE stated on the attestation.")
    if value is None:
        problems["value"] = _("Write the ISEE value in euro.")
    elif value < 0 or value > MAX_ISEE:
        problems["value"] = _("The ISEE value is an amount in euro from 0 to 9.999.999,99.")
    elif value != value.quantize(Decimal("0.01")):
        problems["value"] = _("The ISEE value has at most two decimals (cents).")
    if not dsu_protocol:
        problems["dsu_protocol"] = _("Write the DSU protocol number, as on the attestation.")
    elif not DSU_PROTOCOL.match(normalize_protocol(dsu_protocol)):
        problems["dsu_protocol"] = _(
            "A DSU protocol has letters, digits and dashes, e.g. INPS-ISEE-2026-00123456A-00."
        )
    if dsu_year is None:
        problems["dsu_year"] = _("Write the year of the DSU protocol.")
    elif not FIRST_DSU_YEAR <= dsu_year <= today.year:
        problems["dsu_year"] = _("The DSU year is from %(first)s to this year.") % {
            "first": FIRST_DSU_YEAR
        }
    if issued_on is None:
        problems["issued_on"] = _("Write the date the attestation was issued.")
    elif issued_on > today:
        problems["issued_on"] = _("The attestation cannot be issued in the future.")
    elif dsu_year is not None and "dsu_year" not in problems and issued_on.year < dsu_year:
        problems["issued_on"] = _("The attestation cannot be issued before the DSU's year.")
    if valid_until is None:
        problems["valid_until"] = _("Write the last day of validity, as on the attestation.")
    elif issued_on is not None and valid_until < issued_on:
        problems["valid_until"] = _("The validity ends before the date of issue.")
    elif kind == IseeKind.CORRENTE:
        if issued_on is not None and valid_until > _add_months(issued_on, CORRENTE_MONTHS):
            problems["valid_until"] = _("An ISEE corrente is valid six months at most.")
    elif (
        kind in IseeKind.values
        and dsu_year is not None
        and "dsu_year" not in problems
        and valid_until > datetime.date(dsu_year, 12, 31)
    ):
        problems["valid_until"] = _(
            "A DSU is valid until 31 December of its year at the latest (%(year)s)."
        ) % {"year": dsu_year}
    return problems


def invalidity_problems(
    *,
    percent: int | None,
    accompanying_allowance: bool,
    verdict_on: datetime.date | None,
    revision_on: datetime.date | None,
    today: datetime.date,
) -> Problems:
    problems: Problems = {}
    if percent is None:
        problems["percent"] = _("Write the percentage of civil invalidity in the verdict.")
    elif not 0 <= percent <= 100:
        problems["percent"] = _("The percentage is a whole number from 0 to 100.")
    elif accompanying_allowance and percent != 100:
        problems["accompanying_allowance"] = _(
            "The accompanying allowance goes with a total invalidity (100%) only."
        )
    if verdict_on is None:
        problems["verdict_on"] = _("Write the date of the verdict.")
    elif verdict_on > today:
        problems["verdict_on"] = _("The verdict cannot be in the future.")
    if revision_on is not None and verdict_on is not None and revision_on <= verdict_on:
        problems["revision_on"] = _("The revision comes after the verdict.")
    return problems
