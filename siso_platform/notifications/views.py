"""The notifications page: the user's own, newest first, each leading to its object."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from siso_platform import listing

from . import actions, visibility


class DigestForm(forms.Form):
    digest = forms.BooleanField(
        label=gettext_lazy("Send me a daily e-mail when there is something new"),
        required=False,
        help_text=gettext_lazy("The e-mail only counts what is new and links to this page."),
    )


@login_required
def notification_list(request):
    page = listing.page_of(request, visibility.own(request.user))
    unread = visibility.unread_count(request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "items": visibility.items(request.user, page.object_list),
            "unread": unread,
            "count_label": listing.counted(
                page.paginator.count, _("1 notification"), _("%(count)s notifications")
            ),
            "digest_form": listing.styled(
                DigestForm(initial={"digest": actions.wants_digest(request.user)})
            ),
        },
    )


@login_required
def open_notification(request, pk):
    """Mark the notification read and go to its object; a 404 when the object's page would
    be one for this user today (or the notification is someone else's)."""
    note = get_object_or_404(visibility.own(request.user), pk=pk)
    (item,) = visibility.items(request.user, [note])
    if not item.available:
        raise Http404
    actions.mark_read(request.user, [note.pk])
    return redirect(item.url)


@login_required
@require_POST
def mark_read(request):
    count = actions.mark_read(request.user)
    if count:
        messages.success(request, _("Notifications marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
def digest(request):
    form = DigestForm(request.POST)
    form.is_valid()  # an unticked box is valid: no digest
    actions.set_digest(request.user, bool(form.cleaned_data.get("digest")))
    messages.success(request, _("Your choice about the e-mail is saved."))
    return redirect("notifications:list")
