"""The header's account box: who is signed in, in which role(s), and where they start."""

from django import template
from django.shortcuts import resolve_url

from ..homes import home_url_name
from ..models import Membership

register = template.Library()


def _active_memberships(user) -> list[Membership]:
    """Read once per request: the header asks for the roles and, twice, for the home."""
    if not hasattr(user, "_workspace_memberships"):
        user._workspace_memberships = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("organisation")
            .order_by("role", "organisation__name")
        )
    return user._workspace_memberships


@register.simple_tag
def current_roles(user) -> list[dict]:
    """The user's active memberships as `{"role", "organisation"}` labels, one per role and
    organisation (an operator at two offices of one municipality is listed once)."""
    if not user.is_authenticated:
        return []
    seen, labels = set(), []
    for membership in _active_memberships(user):
        key = (membership.role, membership.organisation_id)
        if key not in seen:
            seen.add(key)
            labels.append(
                {
                    "role": membership.get_role_display(),
                    "organisation": membership.organisation.name,
                }
            )
    return labels


@register.simple_tag
def user_home(user) -> str:
    if not user.is_authenticated:
        return "/"
    roles = [membership.role for membership in _active_memberships(user)]
    return resolve_url(home_url_name(roles, superuser=user.is_superuser))
