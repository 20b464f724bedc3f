"""Structured logs: one JSON object per line in production, readable lines in development.

Every line, from our code (structlog) or a library's (the standard `logging`), carries the
time, level, logger, and while a request is served its request id, the signed-in user's id
and the route's pattern (`people/<int:pk>/`, never the path with its values). Names, tax
codes and answers never go in a log: domain events name ids only, and a traceback is
printed without its local variables.

Domain events (a case opened, an import finished) are named lines with their ids, as Open
Zaak logs them: `logs.event("case_opened", case_id=…)`, written once the change commits.
"""

import time

import structlog

from siso_platform import error_reporting
from siso_platform.audit.context import current_request_id

# The context keys this module binds; a request's end unbinds them.
_REQUEST_KEYS = ("user_id", "route")


def _request_id(logger, method_name, event_dict):
    request_id = current_request_id()
    if request_id:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def _from_request(logger, method_name, event_dict):
    """Django's own request lines (a 404, a 500) pass the request as `extra`: take its ids and
    route from it, and drop it, since its repr carries the query string (a searched name)."""
    request = event_dict.pop("request", None)
    event_dict.pop("server_time", None)  # runserver's, beside the line's own timestamp
    if request is not None and hasattr(request, "request_id"):
        event_dict.setdefault("request_id", request.request_id)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            event_dict.setdefault("route", match.route)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            event_dict.setdefault("user_id", user.pk)
    return event_dict


# Applied to every line: structlog's own and, as foreign_pre_chain, the standard library's.
_SHARED = [
    structlog.contextvars.merge_contextvars,
    _request_id,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


QUIET_ON_CONSOLE = ("siso_platform.logs.requests", "siso_platform.events")


def logging_config(log_format: str, level: str, tasks_level: str) -> dict:
    """settings.LOGGING: one console handler whose formatter renders every record."""
    if log_format == "json":
        renderer = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        # plain_traceback: rich's tracebacks (the default when rich is installed) show locals.
        renderer = [
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            )
        ]
    quiet_on_console = "INFO" if log_format == "json" else "WARNING"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *renderer,
                ],
                "foreign_pre_chain": [*_SHARED, structlog.stdlib.ExtraAdder(), _from_request],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler would print its lines twice (its and the root's).
            "django": {"handlers": [], "level": level, "propagate": True},
            # runserver prints each request; in production the request line is ours (JSON).
            "django.server": {"handlers": [], "propagate": True, "level": level},
            # A line per request and per domain event is for the log collector; the console
            # of `make run` shows runserver's request lines and what goes wrong.
            **{name: {"level": quiet_on_console} for name in QUIET_ON_CONSOLE},
            # One line per task run is noise (wagtail queues a reference-index task per save),
            # and so is the worker's start; failures (ERROR, with their traceback) still show.
            "django_tasks": {"level": tasks_level},
            "django_tasks_db": {"level": tasks_level},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


_events = structlog.stdlib.get_logger("siso_platform.events")


def event(name: str, **ids) -> None:
    """Log a domain event when the transaction commits: a change rolled back did not happen."""
    from django.db import transaction  # settings import this module before Django is set up

    # The request's context as it is now: in a test, or with nested transactions, the
    # commit may come after the request has unbound it.
    context = {**structlog.contextvars.get_contextvars(), "request_id": current_request_id()}
    context = {key: value for key, value in context.items() if value}
    transaction.on_commit(lambda: _events.info(name, **{**context, **ids}))


def bind_user(user) -> None:
    """Name the signed-in user by id on the request's lines (the API signs in in the view)."""
    if user is not None and user.is_authenticated:
        structlog.contextvars.bind_contextvars(user_id=user.pk)
        error_reporting.identify(user.pk)


_requests = structlog.stdlib.get_logger(__name__ + ".requests")


class LogContextMiddleware:
    """Binds the user's id and the route to the lines a request writes, and writes one line
    when it ends (status and duration; INFO in JSON logs, where runserver's line is absent)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        structlog.contextvars.unbind_contextvars(*_REQUEST_KEYS)
        error_reporting.tag_request(current_request_id())
        try:
            response = self.get_response(request)
            bind_user(getattr(request, "user", None))  # DRF's token user is known only now
            _requests.info(
                "request_finished",
                method=request.method,
                status=response.status_code,
                duration_ms=round((time.monotonic() - started) * 1000),
            )
            return response
        finally:
            structlog.contextvars.unbind_contextvars(*_REQUEST_KEYS)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        structlog.contextvars.bind_contextvars(route=match.route if match else "")
        bind_user(getattr(request, "user", None))
