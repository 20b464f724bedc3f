from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from siso_platform.territory.models import CitizenOffice, Municipality

from . import visibility
from .admin_words import hide_snippets  # noqa: F401  (the admin menu in Italian)
from .grant_log_admin import GrantEventViewSet
from .logins_admin import register_lockouts  # noqa: F401  (the sign-in's admin views)
from .membership_admin import MembershipViewSet
from .models import DeviceToken, Organisation
from .scoped_admin import ScopedForm, ScopedViewSet


class OrganisationViewSet(ScopedViewSet):
    """The region keeps the register; a zone administrator reads its zone's organisations."""

    model = Organisation
    scope = staticmethod(visibility.organisations)
    icon = "group"
    list_display = ["name", "kind", "tax_code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "tax_code"]
    form_fields = ["kind", "name", "tax_code", "region", "zone", "municipality", "active"]


class OfficeForm(ScopedForm):
    def scope_choices(self, user):
        authority = visibility.authority(user)
        municipalities = Municipality.objects.all()
        if not authority.regional:
            municipalities = municipalities.filter(zone__in=authority.zone_ids)
        self.fields["municipality"].queryset = municipalities


class CitizenOfficeViewSet(ScopedViewSet):
    """A zone administrator keeps the offices of their zone's municipalities (registered
    here, beside memberships, because who governs which zone is the accounts' to say)."""

    model = CitizenOffice
    scope = staticmethod(visibility.offices)
    form_class = OfficeForm
    icon = "doc-empty"
    list_display = ["name", "municipality", "phone", "email"]
    list_filter = ["municipality__zone"]
    search_fields = ["name"]
    form_fields = ["municipality", "name", "address", "phone", "email"]


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
        CitizenOfficeViewSet("offices"),
        DeviceTokenViewSet("api-tokens"),
    )


@hooks.register("register_admin_viewset")
def register_accounts():
    return AccountsGroup()


@hooks.register("register_admin_viewset")
def register_grant_log():
    return GrantEventViewSet("privilege-grants")
