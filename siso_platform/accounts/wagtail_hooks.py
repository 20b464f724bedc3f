from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Membership, Organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "kind", "tax_code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "tax_code"]
    form_fields = ["kind", "name", "tax_code", "region", "zone", "municipality", "active"]
    inspect_view_enabled = True


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    list_display = ["user", "role", "organisation", "office", "valid_from", "valid_to"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    form_fields = ["user", "organisation", "role", "office", "valid_from", "valid_to"]


class AccountsGroup(ModelViewSetGroup):
    menu_label = _("Organisations")
    menu_icon = "group"
    menu_order = 400
    items = (OrganisationViewSet("organisations"), MembershipViewSet("memberships"))


@hooks.register("register_admin_viewset")
def register_accounts():
    return AccountsGroup()
