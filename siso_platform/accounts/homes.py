"""Where each role starts after signing in: its own work, never a screen it cannot use.

A user with several memberships starts at the first of their roles in `HOMES`' order: the
front-line work first, then the administration of a territory, then the specialised roles.
"""

from collections.abc import Iterable

from .models import Role

# (role, URL name of its home), in order of precedence.
HOMES: tuple[tuple[str, str], ...] = (
    (Role.OPERATOR, "casework:home"),
    (Role.SOCIAL_WORKER, "casework:home"),
    (Role.ZONE_ADMIN, "casework:home"),
    (Role.REGIONAL_ADMIN, "monitoring:analysis"),
    (Role.DATA_STEWARD, "import_runs:index"),
    (Role.THIRD_SECTOR_OPERATOR, "thirdsector:body"),
    (Role.AUDITOR, "audit:index"),
)
# Signed in but without an active membership: the public home page, which shows nothing more;
# a superuser without one (the installation's first account) configures the platform.
NO_ROLE_HOME = "/"  # resolve_url takes a path as it is
SUPERUSER_HOME = "wagtailadmin_home"


def home_url_name(roles: Iterable[str], *, superuser: bool = False) -> str:
    """The URL name of the home of a user with these active roles."""
    roles = set(roles)
    for role, url_name in HOMES:
        if role in roles:
            return url_name
    return SUPERUSER_HOME if superuser else NO_ROLE_HOME
