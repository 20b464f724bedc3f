"""What the print buttons of casework pages need to know (casework/_print_*.html)."""

from django import template

from siso_platform.casework import subject_access

register = template.Library()


@register.simple_tag
def answers_access_requests(user) -> bool:
    """Whether the user answers data subjects' access requests (a zone administrator)."""
    return user.is_authenticated and subject_access.answers_requests(user)
