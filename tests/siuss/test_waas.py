"""The SIUSS e-service as INPS calls it: `/waas/<codice_ente>/v1/`, INPS's `api-comuni.yaml`,
behind PDND's voucher (AUTH_REST_01).

A test client plays INPS: it polls the flows from since=0 seven at a time and gets each once,
in order, even when many share a millisecond; it posts its verdicts twice and the second post
changes nothing. Vouchers are made with a test RSA key published in a test JWKS file.
"""

import base64
import datetime
import json
import os
import time
import traceback
from pathlib import Path

import jwt
import pytest
import schemathesis
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.utils.translation import gettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from siso_platform.audit.models import AuditEvent
from siso_platform.siuss import actions
from siso_platform.siuss.models import Flow, FlowKind, FlowState, Outcome
from siso_platform.siuss.waas import auth, views
from siso_platform.territory.models import Municipality

SPEC = Path(actions.__file__).parent / "inps" / "api-comuni.yaml"
ISSUER = "uat.interop.pagopa.it"
AUDIENCE = "https://siso.test/waas/{ente}/v1"
PURPOSE = "2f6a1a1e-5b1c-4a77-9d4e-0c1f3b2a9e10"
KID = "pdnd-test-key"
AUTH = "Authorization"
PROBLEM = "application/problem+json"
XML = "<Flusso><Beneficiario>{n}</Beneficiario></Flusso>"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def keys():
    return {"pdnd": _key(), "stranger": _key()}


@pytest.fixture
def pdnd(settings, tmp_path, keys):
    """PDND configured: a JWKS file with the test key, INPS's audience, issuer and purpose."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys["pdnd"].public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}))
    settings.PDND_JWKS = str(jwks)
    settings.PDND_AUDIENCE = AUDIENCE
    settings.PDND_ISSUER = ISSUER
    settings.PDND_PURPOSE_IDS = ["another-purpose", PURPOSE]
    auth.KEYS.clear()
    yield settings
    auth.KEYS.clear()


def voucher(keys, ente="G478", *, key="pdnd", kid=KID, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE.replace("{ente}", ente),
        "sub": "inps-client",
        "client_id": "inps-client",
        "purposeId": PURPOSE,
        "jti": "a-voucher",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        # a callable is a time relative to now: a test's parameters outlive their collection
        **{name: value(now) if callable(value) else value for name, value in claims.items()},
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    headers = {"kid": kid, "typ": "at+jwt"} if kid else {"typ": "at+jwt"}
    return jwt.encode(payload, keys[key], algorithm="RS256", headers=headers)


def inps(keys, ente="G478", **claims) -> Client:
    """INPS's client: a voucher on every call, no session."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {voucher(keys, ente, **claims)}")


def _flow(zone, n: int, *, ente="G478", name="Comune di Perugia", kind=FlowKind.PS_PSA_SINA):
    flow = Flow(
        kind=kind,
        state=FlowState.BLOCKED,
        ente_code=ente,
        ente_name=name,
        zone=zone,
        xml=XML.format(n=n),
    )
    return actions.number(flow, on=datetime.date(2026, 6, 15))


@pytest.fixture
def flows(db, monkeypatch):
    """23 ready flows of Perugia, all numbered in the same millisecond (the clock stands
    still), a blocked one, and 3 of Assisi."""
    monkeypatch.setattr(actions, "now_ms", lambda: 1_781_000_000_000)
    perugia = Municipality.objects.get(cadastral_code="G478")
    assisi = Municipality.objects.get(name="Assisi")
    made = [
        _flow(perugia.zone, n, kind=FlowKind.SINBA if n % 5 == 0 else FlowKind.PS_PSA_SINA)
        for n in range(23)
    ]
    Flow.objects.create(
        kind=FlowKind.PS_PSA_SINA,
        state=FlowState.BLOCKED,
        ente_code="G478",
        ente_name="Comune di Perugia",
        zone=perugia.zone,
        blocked_reason="Manca il codice INPS",
    )
    for n in range(3):
        _flow(assisi.zone, 100 + n, ente=assisi.cadastral_code, name="Comune di Assisi")
    return made


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


# --- INPS polls the flows --------------------------------------------------------------------


def test_polling_seven_at_a_time_gets_every_ready_flow_once_in_order(pdnd, keys, flows):
    assert len({flow.ts_ms for flow in flows}) == len(flows)  # one millisecond, all distinct
    client, since, received, pages = inps(keys), 0, [], 0
    while True:
        response = client.get("/waas/G478/v1/flussi", {"since": since, "limit": 7})
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        entries = response.json()["elenco_flussi"]
        if not entries:
            break
        pages += 1
        assert len(entries) <= 7
        received += entries
        # INPS sends back the last ts_flusso it got, in milliseconds
        last = datetime.datetime.fromisoformat(entries[-1]["ts_flusso"])
        since = round(last.timestamp() * 1000)
    assert pages == 4
    assert [entry["id_flusso"] for entry in received] == [flow.id_flusso for flow in flows]
    first = received[0]
    assert first["codice_ente"] == "G478"
    assert first["denominazione_ente"] == "Comune di Perugia"
    assert first["ts_flusso"] == "2026-06-09T10:13:20.000Z"
    assert first["tipo"] == "SINBA" and received[1]["tipo"] == "PS_PSA_SINA"
    assert base64.b64decode(first["flusso"]).decode() == XML.format(n=0)
    assert response.json() == {"elenco_flussi": []}
    # served once: sent, with the time it was first served
    perugia = Flow.objects.filter(ente_code="G478")
    assert set(perugia.exclude(id_flusso=None).values_list("state", flat=True)) == {"sent"}
    assert not perugia.exclude(id_flusso=None).filter(first_served_at=None).exists()
    assert perugia.get(id_flusso=None).state == FlowState.BLOCKED
    assert set(Flow.objects.exclude(ente_code="G478").values_list("state", flat=True)) == {"ready"}


def test_every_flow_served_is_in_the_audit_log_with_inps_as_the_reader(pdnd, keys, flows):
    client = inps(keys)
    client.get("/waas/G478/v1/flussi", {"since": 0, "limit": 5})
    first_times = {flow.pk: flow.first_served_at for flow in Flow.objects.all()}
    client.get("/waas/G478/v1/flussi", {"since": 0, "limit": 5})  # served again: audited again
    events = AuditEvent.objects.filter(object_type="siuss.flow").order_by("pk")
    assert events.count() == 10
    event = events.first()
    assert event.action == "export" and event.actor_id is None
    assert event.actor_username == "PDND inps-client"
    assert event.object_id == str(flows[0].pk)
    assert event.detail["id_flusso"] == flows[0].id_flusso
    assert event.detail["purpose_id"] == PURPOSE
    assert [e.detail["first_time"] for e in events] == [True] * 5 + [False] * 5
    assert first_times == {flow.pk: flow.first_served_at for flow in Flow.objects.all()}


def test_the_limit_and_the_default(pdnd, keys, flows):
    client = inps(keys)
    assert len(client.get("/waas/G478/v1/flussi", {"since": 0}).json()["elenco_flussi"]) == 10
    assert client.get("/waas/G478/v1/flussi", {"since": 0, "limit": 0}).json() == {
        "elenco_flussi": []
    }
    response = client.get("/waas/G478/v1/flussi", {"since": 0, "limit": 100})
    assert len(response.json()["elenco_flussi"]) == 23
    after_all = client.get("/waas/G478/v1/flussi", {"since": 10**20})
    assert after_all.json() == {"elenco_flussi": []}


@pytest.mark.parametrize(
    "query",
    [{}, {"since": "abc"}, {"since": -1}, {"since": 0, "limit": 101}, {"since": "1.5"}],
)
def test_a_malformed_query_is_a_400_in_italian(pdnd, keys, flows, query):
    body = _is_problem(inps(keys).get("/waas/G478/v1/flussi", query), 400)
    assert body["title"] == gettext("Bad request")
    assert not Flow.objects.filter(state=FlowState.SENT).exists()


def test_another_entes_flows_are_served_at_its_own_code(pdnd, keys, flows):
    assisi = Municipality.objects.get(name="Assisi").cadastral_code
    response = inps(keys, assisi).get(f"/waas/{assisi}/v1/flussi", {"since": 0, "limit": 100})
    assert {e["codice_ente"] for e in response.json()["elenco_flussi"]} == {assisi}
    assert len(response.json()["elenco_flussi"]) == 3


def test_an_unknown_ente_is_a_404(pdnd, keys, db):
    body = _is_problem(inps(keys, "Z999").get("/waas/Z999/v1/flussi", {"since": 0}), 404)
    assert "Z999" in body["detail"]
    _is_problem(inps(keys).get("/waas/G478/v1/nothing"), 404)


# --- INPS's verdicts -------------------------------------------------------------------------


def _esito(flow, code, **more):
    return {
        "id_flusso": flow.id_flusso,
        "ts_flusso": views.ts_flusso(flow.ts_ms),
        "ts_acquisizione": "2026-06-16T08:00:00.000Z",
        "tipo": flow.kind,
        "codice_esito": code,
        **more,
    }


def _post(client, body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/waas/G478/v1/esiti", data, content_type=content_type)


def test_verdicts_are_recorded_once_and_the_second_post_changes_nothing(pdnd, keys, flows):
    client = inps(keys)
    client.get("/waas/G478/v1/flussi", {"since": 0, "limit": 100})
    why = "In cooperazione è possibile inviare solo un beneficiario e una prestazione sociale"
    body = {
        "elenco_esiti": [
            _esito(flows[0], "OK", id_acquisizione_siuss="22738"),
            _esito(flows[1], "RICHIESTA_INVALIDA", descrizione_esito=why),
            _esito(flows[2], "DATI_NON_TROVATI", descrizione_esito="Beneficiario non trovato"),
            _esito(flows[3], "ERRORE_GENERICO"),
            # a flow this ente never had: left aside, the notification is delivered
            {**_esito(flows[4], "OK"), "id_flusso": "G478.PS.20200101.0000001"},
        ]
    }
    response = _post(client, body)
    assert response.status_code == 204 and response.content == b""
    before = {flow.pk: (flow.updated_at, flow.outcome_at) for flow in Flow.objects.all()}
    assert _post(client, body).status_code == 204
    assert before == {flow.pk: (flow.updated_at, flow.outcome_at) for flow in Flow.objects.all()}

    accepted, invalid, not_found, error = (Flow.objects.get(pk=flow.pk) for flow in flows[:4])
    assert accepted.state == FlowState.ACCEPTED and accepted.outcome == Outcome.OK
    assert accepted.siuss_acquisition_id == "22738"
    assert invalid.state == FlowState.REJECTED and invalid.outcome == Outcome.INVALID
    assert invalid.outcome_description == why
    assert not_found.state == FlowState.REJECTED
    assert not_found.outcome_description == "Beneficiario non trovato"
    assert error.state == FlowState.REJECTED and error.outcome == Outcome.ERROR
    # the rejected flows are the zone's worklist of flows to fix and send again
    rejected = Flow.objects.filter(zone=flows[0].zone, state=FlowState.REJECTED)
    assert set(rejected) == {invalid, not_found, error}
    assert Flow.objects.get(pk=flows[4].pk).state == FlowState.SENT
    # still served to INPS (accepted and rejected flows are not hidden from a poll from 0)
    served = client.get("/waas/G478/v1/flussi", {"since": 0, "limit": 3}).json()
    assert [e["id_flusso"] for e in served["elenco_flussi"]] == [f.id_flusso for f in flows[:3]]


def test_a_later_verdict_replaces_an_earlier_one(pdnd, keys, flows):
    client = inps(keys)
    _post(client, {"elenco_esiti": [_esito(flows[0], "ERRORE_GENERICO")]})
    _post(client, {"elenco_esiti": [_esito(flows[0], "OK", id_acquisizione_siuss="9")]})
    flow = Flow.objects.get(pk=flows[0].pk)
    assert (flow.state, flow.siuss_acquisition_id, flow.outcome_description) == (
        FlowState.ACCEPTED,
        "9",
        "",
    )


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        {"elenco_esiti": {}},
        {"elenco_esiti": [], "altro": 1},
        {"elenco_esiti": ["x"]},
        {"elenco_esiti": [{"id_flusso": "G478.PS.20260615.0000001"}]},
        "codice_esito",
        "ts_flusso",
        "id_flusso",
        {"elenco_esiti": [{}] * 101},
    ],
)
def test_a_malformed_body_is_a_400_naming_the_problem_and_records_nothing(pdnd, keys, flows, body):
    good = _esito(flows[0], "OK", id_acquisizione_siuss="1")
    if body == "codice_esito":
        body = {"elenco_esiti": [good, {**good, "codice_esito": "FORSE"}]}
    elif body == "ts_flusso":
        body = {"elenco_esiti": [good, {**good, "ts_flusso": "ieri"}]}
    elif body == "id_flusso":
        body = {"elenco_esiti": [good, {**good, "id_flusso": 7}]}
    problem = _is_problem(_post(inps(keys), body), 400)
    assert problem["detail"]
    assert Flow.objects.get(pk=flows[0].pk).state == FlowState.READY


def test_the_body_must_be_json(pdnd, keys, flows):
    _is_problem(_post(inps(keys), "elenco_esiti=", "application/x-www-form-urlencoded"), 415)


def test_an_empty_notification_is_delivered(pdnd, keys, flows):
    assert _post(inps(keys), {}).status_code == 204
    assert _post(inps(keys), {"elenco_esiti": []}).status_code == 204


# --- status and methods ----------------------------------------------------------------------


def test_status_is_a_problem_with_200(pdnd, keys, db):
    body = _is_problem(inps(keys).get("/waas/G478/v1/status"), 200)
    assert set(body) <= {"type", "title", "status", "detail", "instance"}


def test_a_method_the_spec_does_not_name_is_a_405(pdnd, keys, db):
    response = inps(keys).post("/waas/G478/v1/flussi")
    _is_problem(response, 405)
    assert response["Allow"] == "GET"
    _is_problem(inps(keys).get("/waas/G478/v1/esiti"), 405)


# --- the voucher -----------------------------------------------------------------------------


def _refused(client, path="/waas/G478/v1/flussi?since=0"):
    response = client.get(path)
    body = _is_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    if response.wsgi_request.headers.get("Authorization", "").startswith("Bearer "):
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    return body


def test_a_valid_voucher_gets_in(pdnd, keys, flows):
    assert inps(keys).get("/waas/G478/v1/flussi", {"since": 0}).status_code == 200
    assert inps(keys).get("/waas/G478/v1/status").status_code == 200


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": lambda now: now - 120},  # expired (beyond the leeway)
        {"aud": "https://siso.test/waas/A475/v1"},  # another ente's audience
        {"aud": "https://elsewhere.example/api"},  # another e-service
        {"iss": "interop.example.org"},  # not PDND
        {"purposeId": "a-purpose-not-allowed"},
        {"purposeId": None},
        {"nbf": lambda now: now + 600},  # not valid yet
        {"iat": lambda now: now + 600},  # issued in the future
        {"exp": None},
        {"iat": None},
        {"kid": "a-key-pdnd-never-published"},  # an unknown key
        {"kid": None},
        {"key": "stranger"},  # a bad signature: the right kid, another key
    ],
)
def test_a_voucher_that_fails_any_check_is_a_401(pdnd, keys, flows, claims):
    _refused(inps(keys, **claims))
    assert not Flow.objects.filter(state=FlowState.SENT).exists()


def test_no_voucher_a_broken_one_or_another_scheme_is_a_401(pdnd, keys, flows, make_member):
    assert Client().get("/waas/G478/v1/status")["WWW-Authenticate"] == "Bearer"
    _refused(Client())
    _refused(Client(HTTP_AUTHORIZATION="Bearer not-a-jwt"))
    _refused(Client(HTTP_AUTHORIZATION="Token 0123456789abcdef"))
    _refused(Client(HTTP_AUTHORIZATION="Basic aW5wczppbnBz"))
    # a HS256 token "signed" with the public key is refused outright
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys["pdnd"].public_key()))
    forged = jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE.replace("{ente}", "G478"), "purposeId": PURPOSE},
        public["n"],
        algorithm="HS256",
        headers={"kid": KID},
    )
    _refused(Client(HTTP_AUTHORIZATION=f"Bearer {forged}"))
    # a signed-in user's session is no way in, whatever the role
    client = Client()
    client.force_login(make_member("zone_admin", zone_number=2))
    _refused(client)
    body = _refused(client, "/waas/G478/v1/status")
    assert body["detail"] == gettext("A PDND voucher is required (Authorization: Bearer).")


def test_posting_verdicts_needs_a_voucher_too(pdnd, keys, flows):
    response = Client().post(
        "/waas/G478/v1/esiti",
        json.dumps({"elenco_esiti": [_esito(flows[0], "OK")]}),
        content_type="application/json",
    )
    _is_problem(response, 401)
    assert Flow.objects.get(pk=flows[0].pk).state == FlowState.READY


@pytest.mark.parametrize("unset", ["PDND_JWKS", "PDND_AUDIENCE", "PDND_ISSUER", "PDND_PURPOSE_IDS"])
def test_without_pdnd_configured_the_e_service_refuses_everything(pdnd, keys, flows, unset):
    setattr(pdnd, unset, [] if unset == "PDND_PURPOSE_IDS" else "")
    body = _refused(inps(keys))
    assert body["detail"] == gettext(
        "The e-service accepts no voucher yet: PDND is not configured."
    )


def test_a_new_key_in_the_jwks_file_is_read_without_a_restart(pdnd, keys, flows):
    assert inps(keys).get("/waas/G478/v1/status").status_code == 200
    path = Path(pdnd.PDND_JWKS)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys["stranger"].public_key()))
    path.write_text(json.dumps({"keys": [{**jwk, "kid": "rotated"}]}))
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))
    assert inps(keys, key="stranger", kid="rotated").get("/waas/G478/v1/status").status_code == 200
    _refused(inps(keys), "/waas/G478/v1/status")  # the old key is gone


def test_keys_from_an_url_are_kept_and_fetched_again_for_a_new_kid(pdnd, keys, flows, monkeypatch):
    def jwks(*names):
        published = []
        for name in names:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys[name].public_key()))
            published.append({**jwk, "kid": name})
        return json.dumps({"keys": published})

    fetched = []
    served = {"body": jwks("pdnd")}
    monkeypatch.setattr(auth, "_fetch", lambda url: fetched.append(url) or served["body"])
    pdnd.PDND_JWKS = "https://interop.example/.well-known/jwks.json"
    clock = {"now": 1000.0}
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock["now"])
    status = "/waas/G478/v1/status"
    for _ in range(3):
        assert inps(keys, kid="pdnd").get(status).status_code == 200
        clock["now"] += 10
    assert len(fetched) == 1  # kept
    served["body"] = jwks("pdnd", "stranger")  # PDND adds a key
    clock["now"] += 10
    _refused(inps(keys, key="stranger", kid="stranger"), status)  # looked for a minute ago
    assert len(fetched) == 1
    clock["now"] += 61
    assert inps(keys, key="stranger", kid="stranger").get(status).status_code == 200
    assert len(fetched) == 2
    served["body"] = "not json"  # a failed fetch keeps the keys it had
    clock["now"] += auth.KEYS_LIFETIME + 1
    assert inps(keys, kid="pdnd").get(status).status_code == 200
    assert len(fetched) == 3


def test_the_audience_may_name_no_ente(pdnd, keys, flows):
    pdnd.PDND_AUDIENCE = "https://siso.test/waas"
    client = inps(keys, aud="https://siso.test/waas")
    assert client.get("/waas/G478/v1/status").status_code == 200


# --- the contract: schemathesis driven by INPS's api-comuni.yaml ------------------------------


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application itself, whose request_finished signal would
    close the test's database connection (Django's test client unhooks it the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
RANDOM = os.environ.get("SCHEMATHESIS_RANDOM") == "1"


def test_the_e_service_keeps_inps_contract(pdnd, keys, flows, keep_connection):
    """Every operation of `api-comuni.yaml`, as the file defines it, against Perugia's
    e-service: no server error, no status, content type or body the file does not allow."""
    from siso_platform.wsgi import application

    schema = schemathesis.openapi.from_path(str(SPEC))
    schema.app = application
    headers = {AUTH: f"Bearer {voucher(keys)}"}
    failures, operations = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            if mode == GenerationMode.NEGATIVE and operation.label == "GET /status":
                continue  # nothing of it can break the spec: no parameter, no body

            @given(case=operation.as_strategy(mode))
            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=not RANDOM,
                suppress_health_check=list(HealthCheck),
            )
            def check(case):
                response = case.call(base_url="http://localhost/waas/G478/v1", headers=headers)
                if response.status_code == 401:
                    # a negative case that spoils the voucher: refused, as PDND's security
                    # scheme asks, though the file lists no 401 for /flussi
                    assert response.request.headers.get(AUTH) != headers[AUTH]
                    sent = {name.lower(): value for name, value in response.headers.items()}
                    assert sent["content-type"] in ([PROBLEM], PROBLEM)
                    return
                case.validate_response(response, checks=CHECKS)

            operations.add(operation.label)
            try:
                check()
            except Exception as error:  # the report names the operation and the case
                report = "".join(traceback.format_exception(error))[-4000:]
                failures.append(f"{operation.label} ({mode}): {report}")
    assert operations == {"GET /flussi", "POST /esiti", "GET /status"}
    assert not failures, "\n\n".join(failures)
    # it did serve flows, and took verdicts
    assert Flow.objects.filter(state=FlowState.SENT).exists()
