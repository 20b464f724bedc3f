"""Who edits the public site: the regional administrators, over the whole page tree.

Wagtail decides page permissions from `GroupPagePermission` rows (a group, a page, a
permission, inherited by the page's descendants), not from the group's model permissions:
the `wagtailcore.*_page` permissions that `accounts.roles` gives the regional
administrator role open nothing in the page explorer without a row here. So after every
migrate the role's group gets the same permissions on the tree's root page.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from siso_platform.accounts.models import Role
from siso_platform.accounts.roles import ROLE_PERMISSIONS, group_name

# The roles that edit pages, and what they may do: taken from their model permissions.
PAGE_EDITING_ROLES = (Role.REGIONAL_ADMIN,)


def page_permission_codenames(role: str) -> list[str]:
    return [
        name.split(".", 1)[1]
        for name in ROLE_PERMISSIONS[role]
        if name.startswith("wagtailcore.") and name.endswith("_page")
    ]


def ensure_page_permissions(**kwargs) -> None:
    """Give each page-editing role exactly its page permissions on the root page."""
    root = Page.get_first_root_node()
    if root is None:
        return
    create_permissions(apps.get_app_config("wagtailcore"), verbosity=0)
    for role in PAGE_EDITING_ROLES:
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=page_permission_codenames(role)
        )
        GroupPagePermission.objects.filter(group=group, page=root).exclude(
            permission__in=wanted
        ).delete()
        for permission in wanted:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
