"""PDF prints of casework: the social record, a questionnaire's answers, a case's care plan and
a closed case's closing report. Each print reads its record exactly as the page it prints
(same permission, same scope: 404 outside it) and is audited as an export naming the print.
"""

from contextlib import suppress
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from forms import visibility as forms_visibility
from forms.models import Submission
from forms.rendering import summary
from siso_platform import printing
from siso_platform.accounts import scoping
from siso_platform.audit import log as audit
from siso_platform.imports.models import Source
from siso_platform.people import fact_words
from siso_platform.people.form_hooks import QUESTIONNAIRE_SOURCE
from siso_platform.people.models import Fact, HouseholdMembership, Person

from . import visibility
from .models import Access, Case, CaseStatus

# --- what a print shows ------------------------------------------------------------------------


def fact_source(fact: Fact, questionnaires: dict[str, Submission]) -> str:
    """Where the value came from, in words: an import source, a questionnaire (by its title
    and date), an operator."""
    sources = {**dict(Source.choices), "operator": _("operator")}
    submission = questionnaires.get(fact.source_reference)
    if fact.source == QUESTIONNAIRE_SOURCE and submission is not None:
        words = _("questionnaire “%(title)s” of %(date)s") % {
            "title": submission.version.definition.title,
            "date": timezone.localtime(submission.submitted_at).strftime("%d/%m/%Y"),
        }
    else:
        words = str(sources.get(fact.source, fact.source))
        if fact.source_reference:
            words += f" · {fact.source_reference}"
    if fact.recorded_by_id:
        words += f" · {fact.recorded_by.get_full_name() or fact.recorded_by.get_username()}"
    return words


@dataclass(frozen=True)
class FactRow:
    fact: Fact
    value: str
    source: str


def fact_rows(facts) -> list[FactRow]:
    facts = list(facts)
    references = set()
    for fact in facts:
        if fact.source == QUESTIONNAIRE_SOURCE:
            with suppress(ValueError):  # a reference typed by hand
                references.add(UUID(fact.source_reference))
    questionnaires = {
        str(item.uuid): item
        for item in Submission.objects.filter(uuid__in=references).select_related(
            "version__definition"
        )
    }
    return [
        FactRow(fact, fact_words.describe(fact.value), fact_source(fact, questionnaires))
        for fact in facts
    ]


def person_facts(person: Person, *, history: bool = False) -> list[FactRow]:
    """The person's facts and their household's (current ones; all of them with `history`,
    of every household the person was a member of)."""
    facts = Fact.objects.all() if history else Fact.objects.current()
    memberships = HouseholdMembership.objects.filter(person=person)
    if not history:
        memberships = memberships.current()
    households = memberships.values("household")
    chosen = facts.filter(person=person) | facts.filter(household__in=households)
    return fact_rows(chosen.select_related("recorded_by").order_by("kind", "key", "-valid_from"))


def record_sheet(user, person: Person, *, history: bool = False) -> dict:
    """What the user reads of the person, section by section: the record's page in full."""
    whole = visibility.sees_whole_record(user, person)
    cases = list(
        visibility.cases(user)
        .filter(person=person)
        .select_related("office__municipality__zone", "social_worker", "care_plan")
        .order_by("-opened_on", "-pk")
    )
    sheet = {
        "whole": whole,
        "cases": cases,
        "needs": visibility.needs(user)
        .filter(person=person)
        .select_related("category")
        .order_by("-noted_on", "-pk"),
        "interventions": visibility.interventions(user)
        .filter(person=person)
        .select_related("item", "provider")
        .order_by("-starts_on", "-pk"),
        "accesses": [],
        "members": [],
        "household": None,
        "facts": [],
        "submissions": [],
    }
    if not whole:
        return sheet
    membership = (
        HouseholdMembership.objects.current()
        .filter(person=person)
        .select_related("household__municipality")
        .first()
    )
    if membership is not None:
        sheet["household"] = membership.household
        sheet["members"] = list(
            HouseholdMembership.objects.current()
            .filter(household=membership.household)
            .select_related("person")
            .order_by("valid_from")
        )
    sheet["accesses"] = (
        visibility.accesses(user)
        .filter(person=person)
        .select_related("office__municipality__zone", "intake__version__definition")
        .order_by("-date", "-pk")
    )
    sheet["facts"] = person_facts(person, history=history)
    sheet["submissions"] = list(
        Submission.objects.filter(subject=person)
        .select_related("version__definition", "submitted_by")
        .order_by("-submitted_at")
    )
    return sheet


def answers(submission: Submission, language: str) -> list[dict]:
    """The submission's answers by question and choice labels (the submission page's own)."""
    return summary(submission.version.compiled, submission.answers, language)


def _case_place(case: Case) -> printing.Place:
    return printing.Place(str(case.office.municipality.zone), case.office.name)


def _audited(request, response, obj, person, purpose: str):
    """The print's response, audited when a PDF was made (not when prints are unavailable)."""
    if response.status_code == 200:
        audit.record("export", actor=request.user, obj=obj, person=person, purpose=purpose)
    return response


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


# --- the prints --------------------------------------------------------------------------------


@login_required
@permission_required("casework.view_case", raise_exception=True)
def person(request, pk):
    """The social record (the person's page)."""
    subject = get_object_or_404(
        scoping.persons(request.user).select_related("residence_municipality"), pk=pk
    )
    context = {"person": subject, "sheet": record_sheet(request.user, subject)}
    response = printing.render_pdf(
        "casework/print/person.html",
        context,
        request,
        filename=f"cartella-sociale-{subject.pk}-{_stamp()}.pdf",
    )
    return _audited(request, response, subject, subject, _("print: social record"))


def _case(request, pk, **filters) -> Case:
    return get_object_or_404(
        visibility.cases(request.user)
        .filter(**filters)
        .select_related(
            "person", "household", "office__municipality__zone", "social_worker", "care_plan"
        ),
        pk=pk,
    )


@login_required
@permission_required("casework.view_case", raise_exception=True)
def care_plan(request, pk):
    """A case's care plan (the case page's plan)."""
    item = _case(request, pk)
    plan = getattr(item, "care_plan", None)
    versions = list(plan.versions.select_related("recorded_by")) if plan else []
    context = {
        "case": item,
        "plan": plan,
        "goals": list(plan.goals.all()) if plan else [],
        "current_version": versions[0] if versions else None,
        "version_count": len(versions),
        "needs": visibility.needs(request.user).filter(case=item).select_related("category"),
        "place": _case_place(item),
    }
    response = printing.render_pdf(
        "casework/print/care_plan.html",
        context,
        request,
        filename=f"progetto-personalizzato-caso-{item.pk}-{_stamp()}.pdf",
    )
    return _audited(request, response, item, item.person, _("print: care plan"))


@login_required
@permission_required("casework.view_case", raise_exception=True)
def closing_report(request, pk):
    """A closed case's closing report; an open case has none (404)."""
    item = _case(request, pk, status=CaseStatus.CLOSED)
    plan = getattr(item, "care_plan", None)
    context = {
        "case": item,
        "plan": plan,
        "goals": list(plan.goals.all()) if plan else [],
        "needs": visibility.needs(request.user).filter(case=item).select_related("category"),
        "interventions": visibility.interventions(request.user)
        .filter(case=item)
        .select_related("item", "provider")
        .order_by("starts_on", "pk"),
        "days": (item.closed_on - item.opened_on).days + 1 if item.closed_on else None,
        "place": _case_place(item),
    }
    response = printing.render_pdf(
        "casework/print/closing_report.html",
        context,
        request,
        filename=f"relazione-chiusura-caso-{item.pk}-{_stamp()}.pdf",
    )
    return _audited(request, response, item, item.person, _("print: closing report"))


@login_required
def submission(request, uuid):
    """A questionnaire's answers (the submission page: same scope, any role that reads it)."""
    item = get_object_or_404(
        forms_visibility.submissions(request.user).select_related(
            "version__definition", "subject", "submitted_by"
        ),
        uuid=uuid,
    )
    access = Access.objects.filter(intake=item).select_related("office__municipality__zone").first()
    language = request.LANGUAGE_CODE
    context = {
        "submission": item,
        "title": item.version.title_in(language),
        "steps": answers(item, language),
        "access": access,
    }
    if access is not None:
        context["place"] = printing.Place(str(access.office.municipality.zone), access.office.name)
    response = printing.render_pdf(
        "casework/print/submission.html",
        context,
        request,
        filename=f"questionario-{item.pk}-{_stamp()}.pdf",
    )
    return _audited(request, response, item, item.subject, _("print: questionnaire answers"))
