from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from siso_platform.accounts import visibility
from siso_platform.accounts.scoped_admin import ScopedForm, ScopedViewSet

from .models import CitizenOffice, Closure, Municipality, SocialZone


class SocialZoneViewSet(ModelViewSet):
    model = SocialZone
    icon = "site"
    list_display = ["number", "name", "lead_municipality", "inps_code"]
    form_fields = ["name", "lead_municipality", "inps_code"]
    inspect_view_enabled = True


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    icon = "home"
    list_display = ["name", "province", "istat_code", "cadastral_code", "zone", "population_2011"]
    list_filter = ["province", "zone"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    form_fields = ["name", "province", "istat_code", "cadastral_code", "population_2011", "zone"]
    inspect_view_enabled = True


def _zone_rows(user, queryset, path: str):
    """The region every row; a zone administrator their zone's; anyone else none."""
    authority = visibility.authority(user)
    if authority.empty:
        return queryset.none()
    if authority.regional:
        return queryset
    return queryset.filter(**{f"{path}zone__in": authority.zone_ids})


def closures(user, queryset):
    return _zone_rows(user, queryset, "municipality__")


class ClosureForm(ScopedForm):
    def scope_choices(self, user):
        self.fields["municipality"].queryset = _zone_rows(user, Municipality.objects.all(), "")
        self.fields["office"].queryset = _zone_rows(
            user, CitizenOffice.objects.all(), "municipality__"
        )


class ClosureViewSet(ScopedViewSet):
    """A zone keeps its municipalities' closures (patron saints, office closing days): a
    working-days deadline skips them."""

    model = Closure
    scope = staticmethod(closures)
    form_class = ClosureForm
    icon = "date"
    menu_label = _("Closures")
    list_display = ["municipality", "office", "when", "reason"]
    list_filter = ["municipality__zone", "every_year"]
    search_fields = ["reason", "municipality__name"]
    form_fields = ["municipality", "office", "date", "every_year", "reason"]


# Citizen offices are managed with memberships (accounts.wagtail_hooks): a zone administrator
# keeps their own zone's, which the accounts decide.
class TerritoryGroup(ModelViewSetGroup):
    menu_label = _("Territory")
    menu_icon = "site"
    menu_order = 300
    items = (
        SocialZoneViewSet("zones"),
        MunicipalityViewSet("municipalities"),
        ClosureViewSet("closures"),
    )


@hooks.register("register_admin_viewset")
def register_territory():
    return TerritoryGroup()
