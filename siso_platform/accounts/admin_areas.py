"""The parts of wagtail's admin that only some roles need, closed to the others.

wagtail lets anyone who may enter the admin open its choosers (pages, documents, images,
embeds, snippets), its page explorer's API and its test pages: they check no model permission.
Nothing there is personal data, but nobody should reach what their work does not need. Each
area names the permission that opens it; anyone without it gets a 404, as if it did not exist.
"""

import re

from django.http import Http404

# (path, permission): the first matching path decides; None closes the area to everybody.
_CHARTER = "wagtailcore.change_page"  # the region edits the service charter
CLOSED_AREAS = [
    (r"^/admin/(failwhale|test404)/", None),  # wagtail's own error tests
    (r"^/admin/(choose-[a-z-]+|api/main|embeds|block-preview|tag-autocomplete|bulk)/", _CHARTER),
    (r"^/admin/(pages|images|documents|collections|redirects|sites|settings|forms)/", _CHARTER),
    (r"^/admin/workflows/", _CHARTER),  # page moderation, not the platform's procedures
    (r"^/admin/reports/(locked|workflow|workflow_tasks|aging-pages|page-types-usage)/", _CHARTER),
    (r"^/admin/snippets/choose/forms/", "forms.change_formdefinition"),
    (r"^/admin/snippets/choose/workflows/", "workflows.change_workflowdefinition"),
    (r"^/admin/snippets/choose/monitoring/", "monitoring.change_programme"),
]
_COMPILED = [(re.compile(path), permission) for path, permission in CLOSED_AREAS]


def required_permission(path: str) -> tuple[bool, str | None]:
    """(whether the path is in a closed area, the permission that opens it)."""
    for pattern, permission in _COMPILED:
        if pattern.match(path):
            return True, permission
    return False, None


class ClosedAdminAreasMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        closed, permission = required_permission(request.path_info)
        user = request.user
        # Anonymous users go on to wagtail, which sends them to the login page.
        if closed and user.is_authenticated and not (permission and user.has_perm(permission)):
            raise Http404
        return self.get_response(request)
