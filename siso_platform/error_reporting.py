"""Optional error reporting to Sentry (or GlitchTip), scrubbed of personal data.

Nothing is sent without a SENTRY_DSN. With one, an event leaves the machine only after
`scrub`, which keeps what finds a bug (the exception's type, the stack's files, lines and
functions, the route, the request id, the user's id) and drops what may hold a person:
local variables, request bodies, query strings, cookies, headers but a few, the user's
name and address, breadcrumbs' data. What remains in free text (exception messages, log
messages) has tax codes, e-mail addresses, long digit runs and the values PostgreSQL quotes
in its errors ("Key (tax_code)=(…)") replaced.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

FILTERED = "[filtered]"
# Italian tax codes (the 16 characters, omocodia letters included), e-mail addresses, runs of
# 6+ digits (a company's tax code, a phone, an IBAN's body), PostgreSQL's quoted values.
_PATTERNS = [
    re.compile(
        r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b",
        re.IGNORECASE,
    ),
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    re.compile(r"(?<![\w.:-])\d{6,}(?![\w.:-])"),
    re.compile(r"(?<=\)=\().*?(?=\)( |$))"),
]
_SAFE_HEADERS = {"user-agent", "x-request-id", "content-type", "content-length", "accept-language"}


def scrub_text(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(FILTERED, text)
    return text


def _frames(event):
    for exception in (event.get("exception") or {}).get("values") or []:
        yield from (exception.get("stacktrace") or {}).get("frames") or []
    for thread in (event.get("threads") or {}).get("values") or []:
        yield from (thread.get("stacktrace") or {}).get("frames") or []


def _scrub_in(container: dict | None, *keys: str) -> None:
    for key in keys:
        value = (container or {}).get(key)
        if isinstance(value, str):
            container[key] = scrub_text(value)
        elif isinstance(value, list):
            container[key] = [scrub_text(str(item)) for item in value]


def _scrub_breadcrumb(crumb, hint=None):
    crumb.pop("data", None)
    _scrub_in(crumb, "message")
    return crumb


def scrub(event, hint=None):
    """Sentry's before_send (and before_send_transaction): the event as it may leave."""
    for frame in _frames(event):
        frame.pop("vars", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        _scrub_in(exception, "value")
    _scrub_in(event, "message", "transaction")
    _scrub_in(event.get("logentry"), "message", "formatted", "params")
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS}
        _scrub_in(request, "url")
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        _scrub_breadcrumb(crumb)
    event.pop("extra", None)
    return event


def identify(user_id) -> None:
    """The signed-in user, by id only, on the events of this request."""
    sentry_sdk.set_user({"id": user_id})


def tag_request(request_id: str) -> None:
    """The request id on the events of this request, to find its log lines."""
    sentry_sdk.set_tag("request_id", request_id)


def init(dsn: str, *, environment: str, release: str = "") -> None:
    """Start reporting when a DSN is given."""
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        # Collected by the SDK: no user details, cookies, bodies, query strings, SQL
        # parameters or local variables; scrub then checks what remains.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(_SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=_scrub_breadcrumb,
        traces_sample_rate=0,
    )
