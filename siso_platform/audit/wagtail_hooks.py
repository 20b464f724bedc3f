import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from . import log
from .models import Action, AuditEvent


class AuditEventFilterSet(WagtailFilterSet):
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    action = django_filters.ChoiceFilter(label=_("Action"), choices=Action.choices)
    actor_username = django_filters.CharFilter(label=_("Actor"), lookup_expr="iexact")
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="iexact")
    person = django_filters.NumberFilter(label=_("Person id"), field_name="person_id")
    request_id = django_filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEvent
        fields = ["timestamp", "action", "actor_username", "object_type", "person", "request_id"]


class AuditEventInspectView(InspectView):
    def get(self, request, *args, **kwargs):
        # The page names the person concerned (name and tax code): reading it is audited too.
        if self.object.person_id:
            log.record(
                "view",
                actor=request.user,
                obj=self.object,
                person=self.object.person_id,
                purpose=str(_("audit inspect")),
            )
        return super().get(request, *args, **kwargs)


class AuditEventViewSet(ModelViewSet):
    """Read-only: the auditor lists, filters and inspects; nobody adds, edits or deletes."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    filterset_class = AuditEventFilterSet
    list_display = [
        "timestamp",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "person_id",
        "purpose",
    ]
    search_fields = ["purpose", "actor_username", "object_id"]
    inspect_view_enabled = True
    inspect_view_class = AuditEventInspectView
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = []
    _read_only = {"index", "index_results", "inspect"}

    def get_common_view_kwargs(self, **kwargs):
        # No links to views that do not exist, even for a superuser.
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name in self._read_only]


@hooks.register("register_admin_viewset")
def register_audit():
    return AuditEventViewSet("audit")
