"""The operator's forms for casework pages: input only; the rules are in `actions` and `rules`."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forms.models import FormVersion
from forms.validation import parse_number
from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Organisation, OrganisationKind, Role
from siso_platform.people.models import Person
from siso_platform.territory.models import CitizenOffice

from .models import (
    Access,
    Assignment,
    Beneficiary,
    Case,
    CatalogueItem,
    ClosingOutcome,
    Goal,
    Intervention,
    Need,
    NeedCategory,
    NeedStatus,
)

INTAKE_SLUG = "scheda-accesso"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _dates(*names):
    return {name: DateInput() for name in names}


class AmountField(forms.DecimalField):
    """An amount as Italians write it: "4.500,00", "4500,5" or "4500" (read like the
    questionnaires read numbers); shown back localized, "4500,50"."""

    default_error_messages = {"invalid": _("Write a number like 4.500,00.")}

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            number = parse_number(value)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = str(number)
        return super().to_python(value)


AMOUNTS = {
    "amount": AmountField,
    "quantity": AmountField,
    "user_share": AmountField,
    "health_share": AmountField,
}
# Who pays what, and a means test waived: what INPS's SIUSS feed reports of a benefit.
PAYMENT = ["user_share", "health_share", "means_test_waived"]


def apply(form: forms.BaseForm, action):
    """Run a domain action; its refusals become errors on the form's fields. None if refused."""
    try:
        return action()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return None


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "tax_code",
            "last_name",
            "first_name",
            "sex",
            "birth_date",
            "citizenship",
            "residence_municipality",
            "address",
            "phone",
            "email",
        ]
        widgets = _dates("birth_date")

    def validate_unique(self):
        # A tax code already on record is matched by `actions.register_person`; saying here
        # that it exists would reveal a person outside the operator's scope.
        pass


def offices_of(user):
    """The citizen offices of the user's zones."""
    scope = scoping.scope_for(user)
    offices = CitizenOffice.objects.select_related("municipality")
    return offices if scope.unrestricted else offices.filter(municipality__zone__in=scope.zone_ids)


def own_office(user) -> CitizenOffice | None:
    membership = Membership.objects.active().filter(user=user, office__isnull=False).first()
    return membership.office if membership else None


class AccessForm(forms.ModelForm):
    intake = forms.ModelChoiceField(
        label=_("Intake questionnaire"),
        queryset=FormVersion.objects.none(),
        required=False,
        empty_label=_("none for now"),
        help_text=_("Fill the guided questionnaire right after saving the access."),
    )

    class Meta:
        model = Access
        fields = ["office", "date", "channel", "reason", "outcome", "referred_to"]
        widgets = {**_dates("date"), "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_of(user)
        self.fields["office"].initial = own_office(user)
        _offer_questionnaires(self.fields["intake"])


class RegisterAccessForm(AccessForm):
    """An access for a person found on the register, whom the zone does not follow yet."""

    class Meta(AccessForm.Meta):
        fields = ["register_reason", *AccessForm.Meta.fields]
        widgets = {**AccessForm.Meta.widgets, "register_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "register_reason": _(
                "Required. Kept in the audit log and shown to every zone that follows the person."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["register_reason"]
        reason.required = True
        reason.error_messages["required"] = _("Say why your office needs this person's record.")


class IntakeForm(forms.Form):
    intake = forms.ModelChoiceField(label=_("Questionnaire"), queryset=FormVersion.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_questionnaires(self.fields["intake"])


def _offer_questionnaires(field: forms.ModelChoiceField) -> None:
    """The published questionnaires, the regional intake form first chosen."""
    versions = FormVersion.objects.newest_published().select_related("definition")
    field.queryset = versions
    field.label_from_instance = lambda version: version.definition.title
    field.initial = versions.filter(definition__slug=INTAKE_SLUG).first()


def social_workers_of(zone):
    """Users working as social workers or operators in the zone's organisations now."""
    memberships = Membership.objects.active().filter(
        Q(organisation__zone=zone) | Q(organisation__municipality__zone=zone),
        role__in=[Role.SOCIAL_WORKER, Role.OPERATOR],
    )
    users = get_user_model().objects.filter(pk__in=memberships.values("user"))
    return users.order_by("last_name", "first_name")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class OpenCaseForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Citizen office"), queryset=CitizenOffice.objects)
    social_worker = UserChoiceField(
        label=_("Responsible social worker"), queryset=get_user_model().objects.none()
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput())
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs expressed"),
        queryset=NeedCategory.objects.in_use(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, user, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_of(user)
        self.fields["office"].initial = access.office
        self.fields["social_worker"].queryset = social_workers_of(access.office.municipality.zone)
        self.fields["social_worker"].initial = user


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["category", "origin", "noted_on", "notes"]
        widgets = {**_dates("noted_on"), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = NeedCategory.objects.in_use()


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)


class EndAssignmentForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())


class CarePlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Overall objective"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    agreed_on = forms.DateField(
        label=_("Agreed with the person on"), widget=DateInput(), required=False
    )
    review_on = forms.DateField(label=_("Review date"), widget=DateInput(), required=False)


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description", "due_on", "status"]
        widgets = _dates("due_on")


GoalFormSet = forms.formset_factory(GoalForm, extra=1, can_delete=True)


class InterventionForm(forms.ModelForm):
    beneficiary = forms.ChoiceField(label=_("Beneficiary"), choices=Beneficiary.choices)

    class Meta:
        model = Intervention
        fields = [
            "item",
            "need",
            "provider",
            "starts_on",
            "ends_on",
            "amount",
            "quantity",
            *PAYMENT,
            "status",
            "notes",
        ]
        widgets = {**_dates("starts_on", "ends_on"), "notes": forms.Textarea(attrs={"rows": 2})}
        field_classes = AMOUNTS

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = CatalogueItem.objects.in_use()
        self.fields["need"].queryset = case.needs.select_related("category")
        self.fields["provider"].queryset = Organisation.objects.filter(active=True)
        if case.household_id is None:
            self.fields["beneficiary"].choices = [Beneficiary.choices[0]]
        for name in ("amount", "quantity", "user_share", "health_share"):
            self.fields[name].widget.attrs["min"] = "0"

    def _post_clean(self):
        # The domain action validates the record as a whole; skip the model's own pass.
        pass


class InterventionChangeForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["status", "starts_on", "ends_on", "amount", "quantity", *PAYMENT, "notes"]
        widgets = {**_dates("starts_on", "ends_on"), "notes": forms.Textarea(attrs={"rows": 2})}
        field_classes = AMOUNTS

    def _post_clean(self):
        pass


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["body", "starts_on", "ends_on", "purpose"]
        widgets = {**_dates("starts_on", "ends_on"), "purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.THIRD_SECTOR_BODY, active=True
        )

    def _post_clean(self):
        pass


class CloseCaseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())
    closing_outcome = forms.ChoiceField(label=_("Outcome"), choices=ClosingOutcome.choices)
    note = forms.CharField(
        label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
