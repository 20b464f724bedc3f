"""The two-factor pages: set up an authenticator, enter its code after signing in, remove it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import two_factor
from .login_views import home_url


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=12,
        help_text=gettext_lazy("The 6 digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = two_factor.normalise(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits shown by your authenticator app."))
        return code


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else home_url(request.user)


@login_required
def overview(request):
    context = {
        "device": two_factor.confirmed_device(request.user),
        "required": two_factor.required_by_role(request.user),
    }
    return render(request, "accounts/two_factor/overview.html", context)


@login_required
def enrol(request):
    if two_factor.confirmed_device(request.user):
        messages.info(request, _("You already have an authenticator: remove it to set up another."))
        return redirect("two_factor:overview")
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.confirm(request, device, form.cleaned_data["code"]):
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(_next(request))
        form.add_error("code", _("This code is not right: check the time on your phone and retry."))
    context = {
        "form": form,
        "qr": mark_safe(two_factor.qr_svg(device)),  # drawn by qrcode from our own data
        "secret": two_factor.secret(device),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor/enrol.html", context)


@login_required
def verify(request):
    if two_factor.is_verified(request):
        return redirect(_next(request))
    if not two_factor.confirmed_device(request.user):
        return redirect(f"{reverse('two_factor:enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code", _("This code is not right or was already used: wait for the next one.")
        )
    return render(
        request, "accounts/two_factor/verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_POST
def remove(request):
    # The middleware has already asked a user with an authenticator for its code.
    if two_factor.remove(request):
        messages.success(request, _("Your authenticator was removed."))
    return redirect("two_factor:overview")
