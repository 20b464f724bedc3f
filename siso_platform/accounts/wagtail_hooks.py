from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from . import lockouts_admin  # noqa: F401  (registers the sign-in lockouts' views)
from .models import DeviceToken, Membership, Organisation


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


class DeviceTokenViewSet(ModelViewSet):
    """The phone app's tokens: listed to be revoked (deleted); they are made at login."""

    model = DeviceToken
    icon = "key"
    menu_label = _("API tokens")
    list_display = ["user", "device", "token_key", "created", "expiry"]
    search_fields = ["user__username", "user__last_name", "device"]
    # Only deleting (revoking) is granted to anyone: the add and edit views refuse everybody.
    form_fields = ["device"]
    inspect_view_enabled = True
    copy_view_enabled = False


class AccountsGroup(ModelViewSetGroup):
    menu_label = _("Organisations")
    menu_icon = "group"
    menu_order = 400
    items = (
        OrganisationViewSet("organisations"),
        MembershipViewSet("memberships"),
        DeviceTokenViewSet("api-tokens"),
    )


@hooks.register("register_admin_viewset")
def register_accounts():
    return AccountsGroup()
