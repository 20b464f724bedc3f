import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from . import auditor_views, describe, log, times
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


class AuditEventIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor", "person")

    @cached_property
    def columns(self):
        # The time, in Rome as everywhere, links to the event's page.
        title = self._get_title_column_class(TitleColumn)(
            "timestamp",
            label=_("Date and time"),
            accessor=lambda e: times.shown(e.timestamp),
            sort_key="timestamp",
            get_url=self.get_inspect_url,
        )
        return [title, *super().columns]

    @cached_property
    def header_buttons(self):
        # The auditor's usual question starts from a person, not from an id.
        return [
            HeaderButton(_("Find a person"), url=reverse("audit:find_person"), icon_name="search"),
            HeaderButton(
                _("Privilege grants"), url=reverse("privilege-grants:index"), icon_name="key"
            ),
        ]


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

    def get_timestamp_display_value(self):
        return times.shown(self.object.timestamp)  # as the lists and downloads show it

    def get_action_display_value(self):
        return describe.action_words(self.object.action)

    def get_object_type_display_value(self):
        return describe.object_words(self.object.object_type, self.object.object_id)


def _actor(event) -> str:
    if event.actor_id and event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    return event.actor_username


def _person(event) -> str:
    person = event.person if event.person_id else None
    return f"{person.last_name} {person.first_name}" if person else ""


class AuditEventViewSet(ModelViewSet):
    """Read-only: the auditor lists, filters and inspects; nobody adds, edits or deletes."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    filterset_class = AuditEventFilterSet
    index_view_class = AuditEventIndexView
    list_display = [  # after the time (the index view's first column)
        Column("actor_username", label=_("Who"), accessor=_actor),
        Column("action", label=_("Action"), accessor=lambda e: describe.action_words(e.action)),
        Column(
            "object_type",
            label=_("Object"),
            accessor=lambda e: describe.object_words(e.object_type, e.object_id),
        ),
        Column("person", label=_("Person concerned"), accessor=_person),
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
        return [p for p in super().get_urlpatterns() if p.name in self._read_only] + [
            path("person/", auditor_views.find_person, name="find_person"),
            path("person/<int:pk>/", auditor_views.person_trail, name="person_trail"),
        ]


@hooks.register("register_admin_viewset")
def register_audit():
    return AuditEventViewSet("audit")
