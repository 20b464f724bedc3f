"""Revoking an accreditation from the admin: the reviewing zone or the region, with a reason."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import actions, visibility


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it revoked?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The body's operators lose the assigned persons at once."),
    )


def revoke(request, pk):
    accreditation = get_object_or_404(visibility.accreditations(request.user), pk=pk)
    if not visibility.may_revoke(request.user, accreditation):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke(accreditation, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Accreditation revoked."))
            return redirect("accreditations:index")
    return TemplateResponse(
        request,
        "thirdsector/admin/revoke.html",
        {"accreditation": accreditation, "form": form},
    )
