"""The platform's own sign-in and sign-out pages, and where a user lands after signing in.

Signing in goes through the same checks as everywhere (docs/logins.md): django-axes' lockout
(its backend and middleware see every `authenticate`), the password, then the second factor
(SecondFactorMiddleware sends a user who owes one to enter it before their home).
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from .homes import home_url_name
from .models import Membership

ADMIN_ACCESS = "wagtailadmin.access_admin"


def home_url(user) -> str:
    """The URL of this user's home (their active roles decide, see homes.py)."""
    roles = Membership.objects.active().filter(user=user).values_list("role", flat=True)
    return resolve_url(home_url_name(roles, superuser=user.is_superuser))


def safe_next(request, target: str) -> str:
    """`target` if it may follow a sign-in: same host, and not the admin for a user who may
    not enter it (wagtail would send them back to sign in: a loop). Otherwise ""."""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if target.startswith(resolve_url("wagtailadmin_home")) and not request.user.has_perm(
        ADMIN_ACCESS
    ):
        return ""
    return target


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The username or the password is not right. Both are case-sensitive."
        ),
        "inactive": gettext_lazy("This account is disabled."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocapitalize="none", autocomplete="username")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class SignInView(auth_views.LoginView):
    template_name = "accounts/logins/sign_in.html"
    form_class = SignInForm
    # A signed-in user who comes back here (wagtail sends a role without admin access here)
    # goes on to their home instead of seeing the form again.
    redirect_authenticated_user = True

    def get_redirect_url(self):
        target = self.request.POST.get(self.redirect_field_name) or self.request.GET.get(
            self.redirect_field_name, ""
        )
        return safe_next(self.request, target)

    def get_default_redirect_url(self):
        return home_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView); lands on the public home page."""

    next_page = "/"
