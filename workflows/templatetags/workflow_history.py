"""A process's history in words (see `workflows.history`)."""

from django import template

from .. import history

register = template.Library()


@register.filter
def history_rows(tasks) -> list[dict]:
    return history.rows(tasks)
