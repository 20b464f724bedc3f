"""The engine's own automatic actions; domain packages register theirs the same way."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .host import host
from .models import Notification
from .registry import ActionStep, register_action


def set_variable(step: ActionStep) -> dict:
    """params: {"name": ..., "value": <JSON Logic, evaluated over the process data>}."""
    return {step.params["name"]: step.params.get("value")}


def send_notification(step: ActionStep) -> dict:
    """params: {"to": "zone_admins" | "starter" | "social_worker", "message": text}."""
    context = step.context
    to = step.params.get("to") or "zone_admins"
    if to == "starter":
        users = get_user_model().objects.filter(pk=context.get("started_by"))
    elif to == "social_worker":
        users = [u for u in [host().social_worker(context)] if u is not None]
    else:
        users = host().zone_admins(context)
    message = str(step.params.get("message") or "")
    Notification.objects.bulk_create(
        Notification(recipient=user, message=message, process=step.process) for user in users
    )
    return {}


register_action("set_variable", _("Set a process variable"), set_variable)
register_action("send_notification", _("Send a notification"), send_notification)
