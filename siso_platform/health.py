"""Liveness and readiness probes for load balancers and orchestrators.

`/healthz` says the process answers (no database). `/readyz` says it can serve: the database
answers, the cache keeps a value, the task backend is reachable and every migration is
applied. Both are open to anyone, so their answers name a check and a generic reason only:
never an exception's message, which may carry a host name, a user or a path.

Each check is a function returning None when it holds, or the reason it does not.
"""

import logging
import uuid

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_tasks import default_task_backend

logger = logging.getLogger(__name__)


def check_database(connection) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            return "unexpected answer"
    return None


def check_cache(cache) -> str | None:
    key, value = f"siso:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    kept = cache.get(key)
    cache.delete(key)
    return None if kept == value else "a value set is not read back"


def check_tasks(backend) -> str | None:
    """The queue the backend writes to can be read; the immediate backend has none."""
    name = type(backend).__name__
    if name == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    elif name == "RQBackend":
        import django_rq

        for queue in sorted(backend.queues):
            django_rq.get_queue(queue).connection.ping()
    return None


def check_migrations(connection) -> str | None:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return f"{len(pending)} not applied" if pending else None


def readiness(connection=None, cache=None, backend=None) -> dict[str, str]:
    """Each check's name and its outcome: "ok" or the reason it failed."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    checks = {
        "database": lambda: check_database(connection),
        "cache": lambda: check_cache(cache or caches["default"]),
        "tasks": lambda: check_tasks(backend or default_task_backend),
        "migrations": lambda: check_migrations(connection),
    }
    outcomes = {}
    for name, check in checks.items():
        try:
            outcomes[name] = check() or "ok"
        except Exception as error:  # a probe answers 503, never 500
            # The message stays in the server's log: it may name hosts or users.
            logger.warning("readiness check %s failed", name, exc_info=True)
            outcomes[name] = f"unreachable ({type(error).__name__})"
    return outcomes


@csrf_exempt
@require_safe
@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_safe
@never_cache
def readyz(request):
    outcomes = readiness()
    ready = all(outcome == "ok" for outcome in outcomes.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": outcomes},
        status=200 if ready else 503,
    )
