"""The e-service INPS calls through PDND: INPS's `api-comuni.yaml` v2.0.1 (`../inps/`), served
for each ente at `/waas/<codice_ente>/v1/`.

- `GET /flussi?since=<ms>&limit=<n>`: the ente's flows after `since`, in ascending
  `ts_flusso`, at most `limit` (0 to 100, 10 by default); a flow served for the first time
  becomes sent; every flow served is written to the audit log.
- `POST /esiti`: INPS's verdicts, each recorded on its flow (idempotent); 204.
- `GET /status`: 200 with a problem+json body, as the spec asks.

Every call needs a PDND voucher (`auth.py`), checked before anything else; the answers in
Italian, errors as `application/problem+json`. Plain Django views: the e-service is INPS's
contract, not the platform's API (`api/`), and it reads only the flows.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from siso_platform.audit import log as audit
from siso_platform.territory.models import Municipality, SocialZone

from .. import actions
from ..models import Flow, FlowState, Outcome
from . import auth

logger = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
SERVED_STATES = (FlowState.READY, FlowState.SENT, FlowState.ACCEPTED, FlowState.REJECTED)
DEFAULT_LIMIT, MAX_LIMIT = 10, 100
MAX_ESITI = 100
LARGEST_TS = 2**63 - 1  # a `since` beyond any ts_ms (the spec allows up to 1e20)
ACQUISITION_ID_LENGTH = Flow._meta.get_field("siuss_acquisition_id").max_length


@dataclass(frozen=True)
class Ente:
    code: str


def ente(code: str) -> Ente | None:
    """The ente the platform keeps under `code`: a municipality by its cadastral (Belfiore)
    code, or a zone acting for its municipalities under the code INPS gave it."""
    if (
        Municipality.objects.filter(cadastral_code=code).exists()
        or SocialZone.objects.filter(inps_code=code).exclude(inps_code="").exists()
    ):
        return Ente(code)
    return None


def problem(status: int, title: str, detail: str = "", **headers) -> HttpResponse:
    """An RFC 7807 problem, as the spec's `Problem` schema allows."""
    body = {"title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)[:4096]
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status)
    response["Content-Type"] = PROBLEM
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def e_service(*methods: str):
    """The e-service's door: the method, then the voucher (401), then the ente (404); the
    answer in Italian and never cached; an unexpected failure is a problem+json 500."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def door(request, codice_ente: str):
            with translation.override("it"):
                return _no_store(_answer(view, methods, request, codice_ente))

        return door

    return decorate


def _answer(view, methods, request, code: str) -> HttpResponse:
    if request.method not in methods:
        return problem(
            405,
            gettext("Method not allowed"),
            gettext("This resource answers %(methods)s only.") % {"methods": ", ".join(methods)},
            Allow=", ".join(methods),
        )
    try:
        caller = auth.verify(request.headers.get("Authorization", ""), code)
    except auth.Refused as refusal:
        return problem(
            401,
            gettext("Unauthorised"),
            str(refusal.args[0]),
            WWW_Authenticate=(
                "Bearer" if isinstance(refusal, auth.NoVoucher) else 'Bearer error="invalid_token"'
            ),
        )
    found = ente(code)
    if found is None:
        return problem(
            404,
            gettext("Not found"),
            gettext("No ente with code %(code)s is served here.") % {"code": code[:10]},
        )
    try:
        return view(request, found, caller)
    except Exception:
        logger.exception("siuss: the e-service failed on %s %s", request.method, request.path)
        return problem(500, gettext("Internal error"), gettext("The request could not be served."))


def not_found(request) -> HttpResponse:
    """Any other path under /waas/: the spec has no such resource."""
    with translation.override("it"):
        return _no_store(
            problem(404, gettext("Not found"), gettext("The e-service has no such resource."))
        )


# GET /flussi ----------------------------------------------------------------------------------


class Malformed(ValueError):
    """A request that breaks the spec; its message names the problem (in Italian)."""


def _whole_number(request, name: str, default: int | None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise Malformed(gettext("The parameter %(name)s is required.") % {"name": name})
        return default
    if not raw.isascii() or not raw.isdigit():
        raise Malformed(
            gettext("The parameter %(name)s must be a whole number of zero or more.")
            % {"name": name}
        )
    return int(raw)


def ts_flusso(ts_ms: int) -> str:
    """`ts_ms` as the spec's date-time: UTC, with milliseconds (2023-11-27T11:04:56.852Z)."""
    seconds, millis = divmod(ts_ms, 1000)
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis:03d}Z"


def _entry(flow: Flow) -> dict:
    return {
        "codice_ente": flow.ente_code,
        "denominazione_ente": flow.ente_name,
        "id_flusso": flow.id_flusso,
        "ts_flusso": ts_flusso(flow.ts_ms),
        "tipo": flow.kind,
        "flusso": base64.b64encode(flow.xml.encode("utf-8")).decode("ascii"),
    }


@e_service("GET")
def flussi(request, ente: Ente, caller: auth.Voucher) -> HttpResponse:
    try:
        since = _whole_number(request, "since", None)
        limit = _whole_number(request, "limit", DEFAULT_LIMIT)
        if limit > MAX_LIMIT:
            raise Malformed(
                gettext("The parameter limit must be at most %(max)s.") % {"max": MAX_LIMIT}
            )
        if since > 10**20:
            raise Malformed(gettext("The parameter since is beyond any time."))
    except Malformed as error:
        return problem(400, gettext("Bad request"), str(error))
    served = serve(ente, since=min(since, LARGEST_TS), limit=limit, caller=caller)
    return JsonResponse({"elenco_flussi": [_entry(flow) for flow in served]})


def serve(ente: Ente, *, since: int, limit: int, caller: auth.Voucher) -> list[Flow]:
    """The ente's flows after `since` (never a blocked one), oldest first; those served for the
    first time become sent. Each one served is audited: INPS's client read it."""
    if limit == 0:
        return []
    with transaction.atomic():
        flows = list(
            Flow.objects.filter(ente_code=ente.code, state__in=SERVED_STATES, ts_ms__gt=since)
            .exclude(id_flusso=None)
            .annotate(
                concerned=Coalesce(
                    F("intervention__person_id"),
                    F("case__person_id"),
                    F("intervention__case__person_id"),
                )
            )
            .only(
                "kind",
                "state",
                "ente_code",
                "ente_name",
                "id_flusso",
                "ts_ms",
                "xml",
                "first_served_at",
            )
            .order_by("ts_ms")[:limit]
        )
        now = timezone.now()
        first = [flow.pk for flow in flows if flow.state == FlowState.READY]
        if first:
            Flow.objects.filter(pk__in=first, state=FlowState.READY).update(
                state=FlowState.SENT, first_served_at=now, updated_at=now
            )
        purpose = gettext("SIUSS feed to INPS (PDND purpose %(purpose)s)") % {
            "purpose": caller.purpose_id
        }
        for flow in flows:
            audit.record(
                "export",
                actor=None,
                actor_name=caller.label,
                obj=flow,
                person=flow.concerned,
                purpose=purpose,
                detail={
                    "id_flusso": flow.id_flusso,
                    "ente": ente.code,
                    "client_id": caller.client_id,
                    "purpose_id": caller.purpose_id,
                    "voucher": caller.token_id,
                    "first_time": flow.pk in first,
                },
            )
    return flows


# POST /esiti ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    id_flusso: str
    code: str
    description: str
    acquisition_id: str


@e_service("POST")
def esiti(request, ente: Ente, caller: auth.Voucher) -> HttpResponse:
    if request.content_type != "application/json":
        return problem(
            415,
            gettext("Unsupported media type"),
            gettext("The body must be application/json."),
        )
    try:
        verdicts = _verdicts(request)
    except Malformed as error:
        return problem(400, gettext("Bad request"), str(error))
    except RequestDataTooBig:
        return problem(413, gettext("Request too large"), gettext("The body is too large."))
    recorded = record(ente, verdicts)
    logger.info(
        "siuss: %s verdicts for %s from %s: %s changed, %s unknown",
        len(verdicts),
        ente.code,
        caller.label,
        recorded["changed"],
        len(recorded["unknown"]),
    )
    return HttpResponse(status=204)


def _text(item: dict, name: str, where: str, *, required: bool) -> str:
    value = item.get(name)
    if value is None and not required:
        return ""
    if value is None:
        raise Malformed(gettext("%(where)s lacks %(name)s.") % {"where": where, "name": name})
    if not isinstance(value, str):
        raise Malformed(
            gettext("%(where)s: %(name)s must be a string.") % {"where": where, "name": name}
        )
    return value


def _date_time(value: str, name: str, where: str) -> None:
    try:
        moment = datetime.datetime.fromisoformat(value.upper())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or value[10:11] not in ("T", "t"):
        raise Malformed(
            gettext("%(where)s: %(name)s must be a date-time with its offset (RFC 3339).")
            % {"where": where, "name": name}
        )


def _verdicts(request) -> list[Verdict]:
    """The body's verdicts, or `Malformed` naming what breaks `ElencoEsiti`."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Malformed(gettext("The body is not valid JSON.")) from error
    if not isinstance(body, dict):
        raise Malformed(gettext("The body must be an object with elenco_esiti."))
    extra = sorted(set(body) - {"elenco_esiti"})
    if extra:
        raise Malformed(
            gettext("The body has unexpected properties: %(names)s.")
            % {"names": ", ".join(extra)[:200]}
        )
    items = body.get("elenco_esiti", [])
    if not isinstance(items, list):
        raise Malformed(gettext("elenco_esiti must be a list."))
    if len(items) > MAX_ESITI:
        raise Malformed(
            gettext("elenco_esiti holds at most %(max)s verdicts.") % {"max": MAX_ESITI}
        )
    verdicts = []
    for number, item in enumerate(items, start=1):
        where = gettext("Verdict %(number)s") % {"number": number}
        if not isinstance(item, dict):
            raise Malformed(gettext("%(where)s must be an object.") % {"where": where})
        id_flusso = _text(item, "id_flusso", where, required=True)
        _text(item, "tipo", where, required=True)
        for name in ("ts_flusso", "ts_acquisizione"):
            _date_time(_text(item, name, where, required=True), name, where)
        code = _text(item, "codice_esito", where, required=True)
        if code not in Outcome.values:
            raise Malformed(
                gettext("%(where)s: codice_esito must be one of %(codes)s.")
                % {"where": where, "codes": ", ".join(Outcome.values)}
            )
        acquisition_id = _text(item, "id_acquisizione_siuss", where, required=False)
        if len(acquisition_id) > ACQUISITION_ID_LENGTH:
            raise Malformed(
                gettext("%(where)s: id_acquisizione_siuss is longer than %(max)s characters.")
                % {"where": where, "max": ACQUISITION_ID_LENGTH}
            )
        description = _text(item, "descrizione_esito", where, required=False)
        verdicts.append(Verdict(id_flusso, code, description, acquisition_id))
    return verdicts


def record(ente: Ente, verdicts: list[Verdict]) -> dict:
    """Each verdict on its flow, all or none. A verdict naming no flow of this ente is left
    aside (logged): answering 2xx tells INPS the notification arrived, and an error would make
    it send again, in vain, a verdict no flow here will ever match."""
    ids = {verdict.id_flusso for verdict in verdicts}
    flows = {
        flow.id_flusso: flow
        for flow in Flow.objects.filter(ente_code=ente.code, id_flusso__in=ids).exclude(
            state=FlowState.BLOCKED
        )
    }
    changed, unknown = 0, []
    with transaction.atomic():
        for verdict in verdicts:
            flow = flows.get(verdict.id_flusso)
            if flow is None:
                unknown.append(verdict.id_flusso)
                continue
            changed += actions.record_outcome(
                flow,
                verdict.code,
                description=verdict.description,
                acquisition_id=verdict.acquisition_id,
            )
    if unknown:
        logger.warning(
            "siuss: verdicts for %s on flows it does not have: %s", ente.code, unknown[:20]
        )
    return {"changed": changed, "unknown": unknown}


# GET /status ----------------------------------------------------------------------------------


@e_service("GET")
def status(request, ente: Ente, caller: auth.Voucher) -> HttpResponse:
    return problem(200, gettext("The service is working"), gettext("Ready to serve SIUSS flows."))
