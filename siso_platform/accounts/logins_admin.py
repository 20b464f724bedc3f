"""Sign-in in the wagtail admin: the list of failed sign-ins still counting, where the
regional administrator lifts a lockout (rows carry usernames and addresses: to anyone else
the views do not exist, 404, and the menu item is not shown); and the way from one's account
page to two-factor sign-in."""

from axes.models import AccessAttempt
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from . import lockouts
from .models import Membership, Role

_ACTIONS = {"view", "delete"}  # delete = lift


class RegionalAdminOnly(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in _ACTIONS and lockouts.can_lift(user)

    def user_has_any_permission(self, user, actions):
        return bool(_ACTIONS & set(actions)) and lockouts.can_lift(user)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        if not _ACTIONS & set(actions):
            return get_user_model().objects.none()
        admins = Membership.objects.active().filter(role=Role.REGIONAL_ADMIN).values("user")
        return get_user_model().objects.filter(is_active=True, pk__in=admins)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(AccessAttempt, RegionalAdminOnly(AccessAttempt))


class _RegionalAdminOnlyView:
    def dispatch(self, request, *args, **kwargs):
        if not lockouts.can_lift(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class _LockedColumn(Column):
    def get_value(self, instance):
        return _("yes") if lockouts.is_locked(instance) else _("no")


class AttemptIndexView(_RegionalAdminOnlyView, generic.IndexView):
    def get_base_queryset(self):
        return lockouts.current_attempts()


class LiftView(_RegionalAdminOnlyView, generic.DeleteView):
    page_title = gettext_lazy("Lift the lockout")

    def get_queryset(self):
        return lockouts.current_attempts()

    @property
    def confirmation_message(self):
        return _(
            "Forget the failed sign-ins of the account “%(username)s” and of the address "
            "%(address)s? Both can sign in again at once."
        ) % {"username": self.object.username or "-", "address": self.object.ip_address or "-"}

    def get_page_subtitle(self):
        return self.object.username or ""

    def delete_action(self):
        lockouts.lift(
            self.request.user, username=self.object.username, ip_address=self.object.ip_address
        )

    def get_success_message(self):
        return _("Lockout lifted.")


class LockoutViewSet(ModelViewSet):
    model = AccessAttempt
    icon = "lock"
    menu_label = gettext_lazy("Sign-in lockouts")
    menu_order = 950
    add_to_admin_menu = True
    add_to_reference_index = False
    index_view_class = AttemptIndexView
    delete_view_class = LiftView
    list_display = [
        Column("username", label=gettext_lazy("Username")),
        Column("ip_address", label=gettext_lazy("Address")),
        Column("failures_since_start", label=gettext_lazy("Failed sign-ins")),
        DateColumn("attempt_time", label=gettext_lazy("Last attempt")),
        _LockedColumn("locked", label=gettext_lazy("Locked")),
    ]
    search_fields = ["username"]
    form_fields = []
    copy_view_enabled = False
    _views = {"index", "index_results", "delete"}

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name in self._views]


@hooks.register("register_admin_viewset")
def register_lockouts():
    return LockoutViewSet("sign-in-lockouts")


@hooks.register("register_account_menu_item")
def two_factor_item(request):
    return {
        "url": reverse("two_factor:overview"),
        "label": _("Two-factor sign-in"),
        "help_text": _("A code from an app on your phone, asked at every sign-in."),
    }
