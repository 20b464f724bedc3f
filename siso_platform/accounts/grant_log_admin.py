"""Privilege grants for the auditor: the audit events of memberships granted, changed,
approved, rejected and revoked, with who acted, scoped like `visibility.grant_events`."""

from django.contrib.auth import get_user_model
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from siso_platform.audit import times
from siso_platform.audit.models import AuditEvent

from . import visibility
from .models import MembershipStatus, Organisation, Role

STEPS = {
    "grant": _("granted"),
    "change": _("changed"),
    "approve": _("approved"),
    "reject": _("rejected"),
    "revoke": _("revoked"),
}


def _by_id(model, key: str, field: str) -> Subquery:
    detail_id = Cast(KeyTextTransform(key, OuterRef("detail")), IntegerField())
    return Subquery(model.objects.filter(pk=detail_id).values(field)[:1])


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or ""


class GrantEventIndexView(generic.IndexView):
    def get_base_queryset(self):
        return visibility.grant_events(self.request.user, super().get_base_queryset()).annotate(
            organisation_name=_by_id(Organisation, "organisation", "name"),
            grantee=_by_id(get_user_model(), "user", "username"),
        )


class GrantEventViewSet(ModelViewSet):
    """A read-only listing over the audit log (the audit log's own viewset owns the model's
    permissions and links)."""

    model = AuditEvent
    icon = "key"
    menu_label = _("Privilege grants")
    menu_order = 910
    add_to_admin_menu = True
    index_view_class = GrantEventIndexView
    list_display = [
        # Rome time in the audit log's format (the admin would follow the profile's zone).
        Column(
            "timestamp",
            label=_("Date and time"),
            accessor=lambda e: times.shown(e.timestamp),
            sort_key="timestamp",
        ),
        Column("actor", label=_("Administrator"), accessor="actor_username"),
        Column(
            "step", label=_("Operation"), accessor=lambda e: STEPS.get(e.detail.get("change"), "")
        ),
        Column("grantee", label=_("User")),
        Column("role", label=_("Role"), accessor=lambda e: _label(Role, e.detail.get("role"))),
        Column("organisation_name", label=_("Organisation")),
        Column(
            "status",
            label=_("Status"),
            accessor=lambda e: _label(MembershipStatus, e.detail.get("status")),
        ),
    ]
    search_fields = ["actor_username", "object_id"]
    form_fields = []
    inspect_view_enabled = False
    copy_view_enabled = False
    add_to_reference_index = False

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name in ("index", "index_results")]

    def register_admin_url_finder(self):
        pass

    def register_permissions(self):
        pass
