"""Memberships in the admin: scoped to the organisations the user governs, every change made
by `actions` (four eyes, no self-grants, audited), pending grants approved or rejected by a
second administrator."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.widgets import HeaderButton, ListingButton

from . import actions, rules, visibility
from .models import Membership, MembershipStatus, Role
from .scoped_admin import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedForm,
    ScopedIndexView,
    ScopedViewSet,
)

TERMS = ("user", "organisation", "role", "office", "valid_from", "valid_to")


class MembershipForm(ScopedForm):
    def scope_choices(self, user):
        self.user = user
        # The current holder stays selectable (refused below if it is you).
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(
                Q(pk__in=visibility.grantees(user).values("pk")) | Q(pk=self.instance.user_id)
            )
            .order_by("username")
        )
        self.fields["organisation"].queryset = visibility.organisations(user).filter(active=True)
        self.fields["office"].queryset = visibility.offices(user).select_related("municipality")
        authority = visibility.authority(user)
        self.fields["role"].choices = [
            (value, label)
            for value, label in self.fields["role"].choices
            if not value or rules.may_grant_role(authority, value)
        ]

    def clean_user(self):
        grantee = self.cleaned_data["user"]
        if grantee and grantee.pk == self.user.pk:
            raise ValidationError(_("You cannot give a role to yourself."))
        return grantee

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.user_id == self.user.pk:
            raise ValidationError(_("You cannot change or approve your own membership."))
        return cleaned


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _pending_message(request, membership) -> None:
    if membership.status == MembershipStatus.PENDING:
        messages.warning(
            request,
            _("The role %(role)s takes effect once a second administrator approves it.")
            % {"role": Role(membership.role).label},
        )


class MembershipIndexView(ScopedIndexView):
    @cached_property
    def decidable(self) -> set[int]:
        """The pending grants on this page the user may approve: one query."""
        return set(visibility.awaiting_decision(self.request.user).values_list("pk", flat=True))

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if instance.pk in self.decidable:
            buttons.insert(0, ListingButton(_("Approve or reject"), url=decide_url(instance)))
        return buttons


class MembershipCreateView(ScopedCreateView):
    def form_valid(self, form):
        self.form = form
        try:
            self.object = actions.grant(
                by=self.request.user, **{name: form.cleaned_data.get(name) for name in TERMS}
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        _pending_message(self.request, self.object)
        return self.save_action()


class MembershipEditView(ScopedEditView):
    def form_valid(self, form):
        self.form = form
        try:
            self.object = actions.change(
                self.object,
                by=self.request.user,
                **{name: form.cleaned_data.get(name) for name in TERMS},
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        _pending_message(self.request, self.object)
        return self.save_action()

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if visibility.awaiting_decision(self.request.user).filter(pk=self.object.pk).exists():
            buttons.append(
                HeaderButton(_("Approve or reject"), url=decide_url(self.object), icon_name="tick")
            )
        return buttons


class MembershipDeleteView(ScopedDeleteView):
    def form_valid(self, form):
        try:
            actions.revoke(self.object, by=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.index_url_name)
        messages.success(self.request, _("Membership revoked."))
        return redirect(self.get_success_url())


def decide_url(membership) -> str:
    return reverse("memberships:decide", args=[membership.pk])


def decide(request, pk):
    """Approve or reject a pending grant: only a second administrator governing its
    organisation finds it here; anyone else gets a 404."""
    membership = get_object_or_404(
        visibility.awaiting_decision(request.user).select_related("user", "organisation"), pk=pk
    )
    error = None
    if request.method == "POST":
        decision = request.POST.get("decision")
        step = {"approve": actions.approve, "reject": actions.reject}.get(decision)
        if step is None:
            error = _("Choose whether to approve or reject the grant.")
        else:
            try:
                step(membership, by=request.user)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                if decision == "approve":
                    messages.success(request, _("Grant approved: it is in effect."))
                else:
                    messages.success(request, _("Grant rejected."))
                return redirect("memberships:index")
    return TemplateResponse(
        request,
        "accounts/admin/decide.html",
        {"membership": membership, "error": error},
    )


class MembershipViewSet(ScopedViewSet):
    model = Membership
    scope = staticmethod(visibility.memberships)
    form_class = MembershipForm
    icon = "user"
    index_view_class = MembershipIndexView
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    list_display = ["user", "role", "organisation", "office", "valid_from", "valid_to", "status"]
    list_filter = ["status", "role", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    form_fields = list(TERMS)
    inspect_view_fields = [*TERMS, "status", "requested_by", "decided_by", "decided_at"]

    def get_urlpatterns(self):
        # Under the admin's URLs: login and admin access are required as for the others.
        return [*super().get_urlpatterns(), path("decide/<int:pk>/", decide, name="decide")]
