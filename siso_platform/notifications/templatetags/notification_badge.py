"""The header's badge: how many notifications the user has not read (one query)."""

from django import template

from ..visibility import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_count(user) if user.is_authenticated else 0
