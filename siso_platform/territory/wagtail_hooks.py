from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Municipality, SocialZone


class SocialZoneViewSet(ModelViewSet):
    model = SocialZone
    icon = "site"
    list_display = ["number", "name", "lead_municipality"]
    form_fields = ["name", "lead_municipality"]
    inspect_view_enabled = True


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    icon = "home"
    list_display = ["name", "province", "istat_code", "cadastral_code", "zone", "population_2011"]
    list_filter = ["province", "zone"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    form_fields = ["name", "province", "istat_code", "cadastral_code", "population_2011", "zone"]
    inspect_view_enabled = True


# Citizen offices are managed with memberships (accounts.wagtail_hooks): a zone administrator
# keeps their own zone's, which the accounts decide.
class TerritoryGroup(ModelViewSetGroup):
    menu_label = _("Territory")
    menu_icon = "site"
    menu_order = 300
    items = (
        SocialZoneViewSet("zones"),
        MunicipalityViewSet("municipalities"),
    )


@hooks.register("register_admin_viewset")
def register_territory():
    return TerritoryGroup()
