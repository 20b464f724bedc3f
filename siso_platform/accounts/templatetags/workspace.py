"""The header's account box: who is signed in, in which role(s), and where they start."""

from django import template

from ..login_views import home_url
from ..models import Membership

register = template.Library()


@register.simple_tag
def current_roles(user) -> list[dict]:
    """The user's active memberships as `{"role", "organisation"}` labels, one per role and
    organisation (an operator at two offices of one municipality is listed once)."""
    if not user.is_authenticated:
        return []
    rows = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("role", "organisation__name")
    )
    seen, labels = set(), []
    for membership in rows:
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
    return home_url(user) if user.is_authenticated else "/"
