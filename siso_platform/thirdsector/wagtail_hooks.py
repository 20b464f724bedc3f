"""The third sector in the admin: the register of bodies, accreditations (revoked from
here) and activity reports, each listing scoped like the API."""

from django.db import models
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton

from siso_platform.accounts.personal_data_admin import PersonalDataViewSet, ScopedInspectView
from siso_platform.accounts.scoped_admin import ScopedEditView, ScopedIndexView, ScopedViewSet

from . import admin_views, visibility
from .models import Accreditation, ActivityReport, ThirdSectorBody


class BodyViewSet(ModelViewSet):
    model = ThirdSectorBody
    icon = "group"
    menu_label = _("Bodies")
    list_display = ["organisation", "legal_form", "runts_number", "legal_seat"]
    list_filter = ["legal_form"]
    search_fields = ["organisation__name", "organisation__tax_code", "runts_number"]
    form_fields = [
        "organisation",
        "legal_form",
        "runts_number",
        "legal_seat",
        "email",
        "pec",
        "phone",
        "website",
    ]
    inspect_view_enabled = True
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # Django 6's default, for a site typed bare
        return super().formfield_for_dbfield(db_field, **kwargs)


class AccreditationIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("body__organisation")

    @cached_property
    def revocable(self) -> set[int]:
        """The approved accreditations the user may revoke: one query for the whole page."""
        decided = visibility.decided_by(self.request.user).filter(status="approved")
        return set(decided.values_list("pk", flat=True))

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.pk in self.revocable:
            buttons.append(
                ListingButton(
                    _("Revoke"),
                    url=reverse("thirdsector_admin_revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=5,
                )
            )
        return buttons


class AccreditationEditView(ScopedEditView):
    def get_queryset(self):
        return visibility.decided_by(self.request.user)


class AccreditationViewSet(ScopedViewSet):
    """Applications arrive through the accreditation procedure; here a zone reads them,
    revokes an approved one and may amend the reasons (the one field of its form). Every
    view reads the accreditations of the user's zones (or the body's own) only."""

    model = Accreditation
    scope = staticmethod(visibility.accreditations)
    icon = "tick-inverse"
    menu_label = _("Accreditations")
    index_view_class = AccreditationIndexView
    edit_view_class = AccreditationEditView
    list_display = ["body", "zone", "status", "valid_from", "valid_to"]
    list_filter = ["status", "zone"]
    search_fields = ["body__organisation__name"]
    form_fields = ["decision_note"]


def _reports(user, queryset, change=False):
    return visibility.reports(user, queryset).select_related(
        "body__organisation", "person", "intervention__item"
    )


class ReportInspectView(ScopedInspectView):
    """A report's fields and its attachments, each a link to the scoped, audited download."""

    def get_fields(self):
        return [*super().get_fields(), "attachments"]

    def get_field_label(self, field_name, field):
        if field_name == "attachments":
            return _("Attachments")
        return super().get_field_label(field_name, field)

    def get_attachments_display_value(self):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("thirdsector:attachment", args=[self.object.pk, a.pk]), a.name)
                for a in self.object.attachments.all()
            ),
        )
        return links or format_html("—")


class ReportViewSet(PersonalDataViewSet):
    """Reports arrive from the bodies (the API) and are reviewed as procedure tasks; here
    they are listed and inspected, scoped and audited like the other personal records (no
    role has the permission to add or change them here)."""

    model = ActivityReport
    scope = staticmethod(_reports)
    persons_of = staticmethod(lambda reports: [report.person_id for report in reports])
    icon = "doc-full"
    menu_label = _("Activity reports")
    list_display = ["date", "body", "person", "intervention", "hours", "status"]
    list_filter = ["status", "activity_type"]
    form_fields = ["notes"]
    inspect_view_class = ReportInspectView


class ThirdSectorGroup(ModelViewSetGroup):
    menu_label = _("Third sector")
    menu_icon = "group"
    menu_order = 450
    items = (
        BodyViewSet("third-sector-bodies"),
        AccreditationViewSet("accreditations"),
        ReportViewSet("activity-reports"),
    )


@hooks.register("register_admin_viewset")
def register_third_sector():
    return ThirdSectorGroup()


@hooks.register("register_admin_urls")
def register_revocation():
    return [
        path(
            "accreditations/<int:pk>/revoke/",
            admin_views.revoke,
            name="thirdsector_admin_revoke",
        )
    ]
