"""The project's side of the workflow engine: roles, assignees, case context and summaries.

`settings.WORKFLOWS_HOST` names a class with the methods of `WorkflowsHost`; the engine asks it
instead of importing domain packages.

Task audiences are strings stored in viewflow's `Task.owner_permission`: a role within a zone
or an office (`role:social_worker:zone:4`), or a named group (`group:Commissione`). A user may
claim a queued task when the audience is among their `grants`.
"""

from collections.abc import Callable
from datetime import date
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

WHOLE = "whole"
PARTNER = "partner"


class WorkflowsHost:
    def roles(self) -> dict[str, str]:
        """Role names an assignee rule may name, with their labels."""
        raise NotImplementedError

    def groups(self) -> set[str]:
        """Named groups an assignee rule may name."""
        raise NotImplementedError

    def grants(self, user) -> set[str]:
        """The audiences `user` belongs to today."""
        raise NotImplementedError

    def members(self, audience: str):
        """Active users in `audience` (a queryset of users)."""
        raise NotImplementedError

    def start_context(self, *, user, subject=None, case=None, office=None) -> dict:
        """Ids describing where a process runs: zone, office, case, subject, started_by."""
        raise NotImplementedError

    def case_for(self, user, case_id):
        """The case `user` may start a procedure on (with its `person`), or None; a task's
        questionnaire is prefilled from it (prefill sources that need "case")."""
        raise NotImplementedError

    def owner_preference(self, context: dict) -> list[int]:
        """Owners whose workflows apply to a process in `context`, most specific first."""
        raise NotImplementedError

    def social_worker(self, context: dict):
        """The responsible social worker of the process's case, or None."""
        raise NotImplementedError

    def zone_admins(self, context: dict):
        """The administrators of the process's zone (a queryset of users)."""
        raise NotImplementedError

    def reach(self, user, process) -> str | None:
        """How much of `process` `user` sees today: `WHOLE`, `PARTNER` (only their own tasks
        and submissions and the questionnaires shared with assigned partners), or None: then
        the process and its tasks are as if they did not exist. Asked on every read, from
        today's memberships and assignments; having worked a task grants nothing by itself."""
        raise NotImplementedError

    def audit_read(self, user, context: dict, purpose: str) -> None:
        """Record that `user` read a process about its person (answers, history)."""
        raise NotImplementedError

    def summary(self, context: dict, user) -> dict:
        """What a task page shows about the process's person and case (audited)."""
        raise NotImplementedError

    def under_review(self, user, process) -> dict | None:
        """What `process` is about, for its task page to show beside the decision (an
        activity report with its hours and attachments, an application with its documents):
        `{"template": name, "context": {...}}` included by the page, or None. Read within
        `user`'s scope and audited by the host."""
        return None

    def closed_on(self, context: dict) -> Callable[[date], bool] | None:
        """Whether the office where a process in `context` runs is closed on a day, beyond
        weekends and national holidays (its municipality's patron saint, its own closures),
        so that a working-days deadline skips it; None: no local closures."""
        return None


@cache
def host() -> WorkflowsHost:
    return import_string(settings.WORKFLOWS_HOST)()


def role_audience(role: str, within: str, context: dict) -> str | None:
    place = context.get(within)
    return f"role:{role}:{within}:{place}" if place else None


def group_audience(group: str) -> str:
    return f"group:{group}"
