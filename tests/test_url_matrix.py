"""Every URL the project serves, for every role: open to all, closed to the roles that do not
need it, or scoped (another zone's, an ended assignment's or an expired accreditation's record
is a 404); and no response shows a person to a user who may not read that person.

The test walks the URLconf itself. A pattern that no rule of `RULES` classifies fails it, so a
view added without a decision about who may use it cannot land. The API under `/api/v1/` has
its own matrix (tests/api/test_permission_matrix.py), which checks every operation of the
schema the same way.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from siso_platform.accounts import scoping
from siso_platform.accounts.models import Membership, Organisation, Role
from siso_platform.casework import actions as casework
from siso_platform.casework.models import Assignment, Case
from siso_platform.people.models import Person
from siso_platform.territory.models import CitizenOffice, Closure, SocialZone
from siso_platform.thirdsector.models import Accreditation, ActivityReport
from tests import factories
from tests.world import DAY, Place, _assign_and_report, _place
from tests.world import ROLES as ROLES_OF_WORLD

RA, ZA, OP, SW, DS, TS, AU = (
    Role.REGIONAL_ADMIN,
    Role.ZONE_ADMIN,
    Role.OPERATOR,
    Role.SOCIAL_WORKER,
    Role.DATA_STEWARD,
    Role.THIRD_SECTOR_OPERATOR,
    Role.AUDITOR,
)
STAFF = frozenset({ZA, OP, SW})  # the zone's casework staff
ADMINS = frozenset({RA, ZA, OP, SW, DS, AU})  # every role that enters wagtail's admin
EVERYONE = frozenset({RA, ZA, OP, SW, DS, TS, AU})
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    """How a URL pattern is decided.

    kind: `public` (anyone, no login), `api` (the API's own matrix), `roles` (the roles named
    use it; the others are refused), `scoped` (the roles named use it, on the rows of their
    scope: another zone's record is a 404).
    """

    route: str  # a regular expression over the pattern's route
    kind: str
    roles: frozenset = NOBODY
    why: str = ""


def rule(route, kind, roles=NOBODY, why=""):
    return Rule(route, kind, frozenset(roles), why)


# First match wins. `roles` are the roles that get the page; every other role is refused (a
# redirect to the login, 403 or 404) and out-of-scope records are 404 for everybody.
RULES = [
    # --- the API: its own matrix, operation by operation ---
    rule(r"^api/v1/", "api"),
    rule(r"^api/\^\.\*\$$", "public", why="the API's JSON 404 for unknown paths"),
    rule(r"^api/cms/", "public", why="published service charter pages, documents, images"),
    # --- public pages and the way in ---
    rule(r"^\^\(\(\?:", "public", why="the service charter's published pages"),
    rule(r"^documents/", "public", why="the charter's public documents"),
    rule(r"^_util/", "public", why="wagtail's login and page-password forms"),
    rule(r"^i18n/", "public", why="choosing the language"),
    rule(r"^(healthz|readyz)$", "public", why="the load balancer's probes: no personal data"),
    rule(r"^admin/(login|password_reset|jsi18n|sprite)", "public", why="login and assets"),
    rule(r"^(accedi|esci)/$", "public", why="the platform's sign-in and sign-out (POST)"),
    rule(
        r"^app/(|manifest\.webmanifest|sw\.js)$",
        "public",
        why="the field app's shell, manifest and service worker: no personal data (the app "
        "reads the API with its own token)",
    ),
    # --- one's own account ---
    rule(r"^admin/(account|logout|dismissibles)/$", "roles", ADMINS),
    rule(r"^admin/$", "roles", ADMINS, why="the dashboard"),
    rule(r"^admin/(failwhale|test404)/$", "roles", NOBODY, why="wagtail's error tests"),
    rule(r"^admin/\^\.\*/\$$", "public", why="the admin's 404 for unknown paths"),
    rule(r"^account/two-factor/", "roles", EVERYONE, why="one's own authenticator"),
    rule(r"^admin/editing-sessions/", "roles", ADMINS, why="only for objects one may edit"),
    rule(r"^admin/tag-autocomplete/", "roles", ADMINS, why="tags of charter content"),
    rule(r"^admin/block-preview/", "roles", {RA}),
    rule(r"^admin/bulk/", "roles", {RA}, why="wagtail's bulk actions on pages and media"),
    # --- the service charter (wagtail pages, media, sites): the region edits it ---
    rule(r"^admin/(pages|choose-|collections|sites|redirects|embeds)", "roles", {RA}),
    rule(r"^admin/(images|documents)/", "roles", {RA}),
    rule(r"^admin/api/main/", "roles", {RA}, why="the page explorer's own API"),
    rule(r"^admin/workflows/", "roles", {RA}, why="wagtail's page moderation"),
    rule(r"^admin/forms/", "roles", {RA}, why="wagtail form pages' submissions"),
    rule(r"^admin/settings/", "roles", {RA}),
    rule(r"^admin/reports/site-history/", "scoped", ADMINS, why="entries of readable objects"),
    rule(r"^admin/reports/", "roles", {RA}, why="pages only"),
    rule(r"^admin/(users|groups)/", "roles", NOBODY, why="accounts are made by a superuser"),
    # --- organisations, memberships, territory ---
    rule(r"^admin/(organisations|memberships)/", "scoped", {RA, ZA}),
    rule(r"^admin/api-tokens/", "roles", {RA}),
    rule(r"^admin/sign-in-lockouts/", "roles", {RA}, why="usernames and addresses"),
    rule(r"^admin/privilege-grants/", "roles", {AU}, why="the audit log's grants"),
    rule(r"^admin/(zones|municipalities)/", "roles", {RA}),
    rule(r"^admin/offices/", "scoped", {RA, ZA}),
    rule(r"^admin/closures/", "scoped", {RA, ZA}, why="the zone's municipalities' closures"),
    # --- configuration: questionnaires, procedures, rules, catalogues ---
    rule(r"^admin/(questionnaires|procedures)", "scoped", {RA, ZA}, why="owner's own"),
    rule(r"^admin/snippets/choose/(forms|workflows)/", "scoped", {RA, ZA}),
    rule(r"^admin/monitoring", "scoped", {RA, ZA}),
    rule(r"^admin/snippets/choose/monitoring/", "scoped", {RA, ZA}),
    rule(r"^admin/snippets/$", "roles", {RA, ZA}),
    rule(r"^admin/(need_categories|catalogue_items)/", "roles", {RA, ZA, OP, SW}),
    rule(r"^admin/inps_benefits/", "roles", {RA}, why="INPS's benefit table: the region's"),
    # --- personal data in the admin ---
    rule(r"^admin/(persons|households)/", "scoped", {ZA, OP, SW, DS}),
    rule(r"^admin/imports/profiles/", "roles", {RA, ZA, DS}),
    rule(r"^admin/imports/", "scoped", {ZA, DS}),
    rule(r"^admin/(third-sector-bodies|accreditations)", "scoped", {RA, ZA}),
    rule(r"^admin/activity-reports/", "scoped", {ZA, OP, SW}),
    rule(r"^admin/reporting/", "scoped", {RA, ZA, AU}),
    rule(r"^admin/audit/", "roles", {AU}),
    # --- the platform's own pages ---
    rule(r"^casework/$", "roles", {ZA, OP, SW, TS}),
    rule(r"^casework/persons/on-register/$", "roles", STAFF, why="the register card: ?code="),
    rule(r"^casework/(agenda|persons/mine)/$", "roles", STAFF, why="one's own agenda, persons"),
    rule(
        r"^casework/(agenda/|documents/|cases/\S+/(notes|documents)/|persons/\S+/(doc|app))",
        "scoped",
        STAFF,
        why="the case diary, documents and appointments: not shared with bodies",
    ),
    rule(
        r"^casework/persons/<int:pk>/access-request/$",
        "scoped",
        {ZA},
        why="the data subject's access request (art. 15 GDPR): the zone answers it",
    ),
    rule(r"^casework/submissions/", "scoped", EVERYONE, why="answers as PDF, as forms/"),
    rule(
        r"^casework/(households|persons)/<int:pk>/(isee|invalidity)/$",
        "scoped",
        STAFF,
        why="recording ISEE and civil invalidity: the zone's staff, never a body",
    ),
    rule(r"^casework/", "scoped", {ZA, OP, SW, TS}),
    rule(r"^monitoring/analysis/", "scoped", {RA, ZA, SW}),
    rule(r"^siuss-flows/$", "roles", {RA, ZA, SW}, why="the SIUSS desk; the region: counts"),
    rule(r"^siuss-flows/bulk/$", "roles", {ZA}, why="the bulk XML names every beneficiary"),
    rule(
        r"^siuss-flows/bulk/<int:pk>/",
        "scoped",
        {ZA},
        why="a zone's bulk file: its page, its progress, its download",
    ),
    rule(r"^siuss-flows/", "scoped", {ZA, SW}, why="trying a zone's flow again (POST)"),
    rule(r"^monitoring/", "scoped", {ZA, OP, SW}),
    rule(r"^third-sector/reports/\S+/attachments/\S+/$", "scoped", {ZA, OP, SW, TS}),
    rule(
        r"^third-sector/reports/new/$", "roles", {TS}, why="the body's report form: ?intervention="
    ),
    rule(r"^third-sector/", "roles", {TS}),
    rule(r"^procedures/", "scoped", EVERYONE),
    rule(r"^notifiche/", "roles", EVERYONE, why="one's own; an item out of scope is 404"),
    rule(r"^forms/", "scoped", EVERYONE),
    # --- INPS's SIUSS e-service: a PDND voucher, never a session (401 to every role) ---
    rule(r"^waas/", "roles", NOBODY, why="INPS's e-service: PDND vouchers only"),
]


# --- walking the URLconf ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    callback: Callable

    @property
    def model(self):
        initkwargs = getattr(self.callback, "view_initkwargs", None) or {}
        view_class = getattr(self.callback, "view_class", None)
        model = initkwargs.get("model") or getattr(view_class, "model", None)
        return model if hasattr(model, "_meta") else None

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route) and [
            a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route)
        ]


def patterns() -> list[Pattern]:
    def walk(items, prefix="", namespace=()):
        for item in items:
            if isinstance(item, URLResolver):
                inner = (*namespace, item.namespace) if item.namespace else namespace
                yield from walk(item.url_patterns, prefix + str(item.pattern), inner)
            elif isinstance(item, URLPattern):
                name = ":".join((*namespace, item.name or ""))
                yield Pattern(prefix + str(item.pattern), name, item.callback)

    return list(walk(get_resolver().url_patterns))


def classify(pattern: Pattern) -> Rule | None:
    return next((r for r in RULES if re.search(r.route, pattern.route)), None)


def test_every_url_pattern_is_classified(db):
    unclassified = [p.route for p in patterns() if classify(p) is None]
    assert not unclassified, "URL patterns nobody has classified:\n" + "\n".join(unclassified)


# --- the world: records in and out of each user's reach ------------------------------------


@dataclass
class Wide:
    """The API matrix's world and what the web adds: a zone 2 record whose assignment to the
    body has ended, a user whose membership has ended, a body whose accreditation expired."""

    world: object
    ended: Place  # zone 2, the body's assignment ended
    users: dict  # role (or a name of the extra users below) -> user


@pytest.fixture
def wide(world, make_member):
    operator = world.users[OP]
    ended = _place(operator, world.body)
    _assign_and_report(ended, world.body, operator, world.users[TS])
    assignment = Assignment.objects.get(case_id=ended.case)
    casework.end_assignment(assignment, by=operator, ends_on=datetime.date.today() - DAY)

    users = dict(world.users)
    # An operator of zone 2 until yesterday, who worked the zone's tasks.
    former = make_member(OP, zone_number=2)
    Membership.objects.filter(user=former).update(valid_to=datetime.date.today())
    users["former_operator"] = former
    # A body whose accreditation in zone 2 expired yesterday, with a case still assigned.
    lapsed = factories.accredited_body("Cooperativa Scaduta", 2)
    Accreditation.objects.filter(body=lapsed).update(valid_to=datetime.date.today() - DAY)
    lapsed_case = _place(operator, lapsed)
    casework.assign_case(
        Case.objects.get(pk=lapsed_case.case),
        by=operator,
        body=lapsed.organisation,
        starts_on=datetime.date.today() - 30 * DAY,
    )
    users["lapsed_body_operator"] = make_member(TS, organisation=lapsed.organisation)
    users["anonymous"] = None
    return Wide(world, ended, users)


def _role(name: str) -> str | None:
    return {"former_operator": OP, "lapsed_body_operator": TS}.get(name, name)


# Which record of a place a pattern's object parameter names, by the view's model.
PLACE_OBJECT = {
    "people.Person": lambda place: place.person,
    "people.Household": lambda place: place.household,
    "thirdsector.ActivityReport": lambda place: place.report,
}
# Records a zone owns (no person in them): the place's zone's, reached by the zone's staff.
ZONE_OBJECT = {
    "accounts.Membership": lambda zone: (
        Membership.objects.filter(organisation__municipality__zone__number=zone, role=OP)
        .order_by("pk")
        .first()
        .pk
    ),
    "accounts.Organisation": lambda zone: (
        Organisation.objects.get(
            municipality=SocialZone.objects.get(number=zone).lead_municipality
        ).pk
    ),
    "territory.CitizenOffice": lambda zone: (
        CitizenOffice.objects.filter(municipality__zone__number=zone, is_default=True)
        .order_by("pk")
        .first()
        .pk
    ),
    "territory.Closure": lambda zone: (
        Closure.objects.get_or_create(
            municipality=SocialZone.objects.get(number=zone).lead_municipality,
            date=datetime.date(2027, 3, 3),
            defaults={"reason": "Chiusura degli uffici"},
        )[0].pk
    ),
    "thirdsector.Accreditation": lambda zone: (
        Accreditation.objects.filter(zone__number=zone).order_by("pk").first().pk
    ),
}
# ... and for the project's own views, by URL name.
ZONE_OBJECT_BY_NAME = {
    "siuss_desk:bulk_file": lambda zone: _siuss_bulk_file(zone),
    "siuss_desk:bulk_file_progress": lambda zone: _siuss_bulk_file(zone),
    "siuss_desk:bulk_file_download": lambda zone: _siuss_bulk_file(zone),
}
PLACE_OBJECT_BY_NAME = {
    "casework:person": "person",
    "casework:new_access": "person",
    "casework:household": "household",
    "casework:access": "access",
    "casework:access_intake": "access",
    "casework:open_case": "access",
    "casework:case": "case",
    "casework:add_need": "case",
    "casework:need_status": "case",
    "casework:end_assignment": "case",
    "casework:care_plan": "case",
    "casework:new_intervention": "case",
    "casework:assign": "case",
    "casework:close": "case",
    "casework:change_intervention": "intervention",
    "casework:print_person": "person",
    "casework:subject_access_request": "person",
    "casework:print_care_plan": "case",
    "casework:print_closing_report": "case",
    "casework:add_note": "case",
    "casework:correct_note": "case",
    "casework:add_case_document": "case",
    "casework:add_person_document": "person",
    "casework:document": "document",
    "casework:new_appointment": "person",
    "casework:appointment": "appointment",
    "casework:cancel_appointment": "appointment",
    "casework:appointment_done": "appointment",
    "monitoring:alert": "alert",
    "monitoring:eligibility": "household",
    "import_runs:detail": "import_run",
    "import_runs:status": "import_run",
    "import_runs:rejected": "import_run",
    "import_runs:resume": "import_run",
    "import_runs:roll_back": "import_run",
    "thirdsector:attach": "report",
    "thirdsector:attachment": "attachment",
    "siuss_desk:retry": "flow",
}


def _process_of(place: Place):
    return ActivityReport.objects.get(pk=place.report).process


MISSING = Place(*([999_999] * 9))  # ids of records that do not exist
MISSING.submission = MISSING.draft = "00000000-0000-0000-0000-000000000000"
MISSING.attachment = 999_999
MISSING.note = MISSING.document = MISSING.appointment = MISSING.flow = 999_999


def _object_id(pattern: Pattern, param: str, place: Place) -> tuple[object, str] | None:
    """The id of `place`'s record that `param` names and whose it is ("person": the place's
    person's, "zone": the place's zone's), or None when the record is not a place's
    (configuration, pages): then any existing row, the same for every place."""
    value = _person_record(pattern, param, place)
    if value is not None:
        return value, "person"
    if param == "pk" and pattern.name in ZONE_OBJECT_BY_NAME:
        zone = getattr(place, "zone", None)
        return (ZONE_OBJECT_BY_NAME[pattern.name](zone) if zone else 999_999), "zone"
    model = pattern.model
    if param == "pk" and model is not None and model._meta.label in ZONE_OBJECT:
        zone = getattr(place, "zone", None)
        return (ZONE_OBJECT[model._meta.label](zone) if zone else 999_999), "zone"
    return None


def _person_record(pattern: Pattern, param: str, place: Place) -> object | None:
    name = pattern.name
    if param == "uuid":
        return place.draft if name in ("forms:fill", "forms:discard") else place.submission
    if param in ("pk", "person_pk"):
        if name in PLACE_OBJECT_BY_NAME:
            return getattr(place, PLACE_OBJECT_BY_NAME[name])
        if name.startswith("workflows:") and name != "workflows:inbox":
            if place is MISSING:
                return place.report
            process = _process_of(place)
            if name == "workflows:process":
                return process.pk
            return process.task_set.filter(flow_task_type="HUMAN").first().pk
        model = pattern.model
        if model is not None and model._meta.label in PLACE_OBJECT:
            return PLACE_OBJECT[model._meta.label](place)
    if param == "report":
        return place.report
    if param == "need_pk":
        return place.need
    if param == "note_pk":
        return place.note
    if param == "assignment_pk":
        if place is MISSING:
            return place.case
        return Assignment.objects.filter(case_id=place.case).first().pk
    return None


def _any_id(pattern: Pattern, param: str, world) -> object:
    from wagtail.models import Page

    home = Page.objects.get(depth=2)
    model = pattern.model
    if param == "pk" and model is not None:
        row = model._default_manager.order_by("pk").first()
        return row.pk if row is not None else 999_999
    values = {
        "page_id": home.pk,
        "parent_page_id": home.pk,
        "page_to_move_id": home.pk,
        "destination_id": home.pk,
        "page_pk": home.pk,
        "app_label": "people",
        "app_name": "people",
        "model_name": "person",
        "content_type_app_name": "home",
        "content_type_model_name": "homepage",
        "action": "delete",
        "action_name": "approve",
        "filter_spec": "fill-100x100",
        "kind": "programme",
        "number": 2,
        "slug": "accoglienza",
        "object_id": "1",
        "uidb64": "MQ",
        "token": "x-y",
        "key": "documento",
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "codice_ente": "G478",  # Perugia, an ente whose SIUSS e-service exists
    }
    return values.get(param, 1)


SPECIAL_URLS = {
    r"^\^\(\(\?:": "/",
    r"^documents/\^": "/documents/1/nothing.pdf",
    r"^api/\^\.\*\$$": "/api/nothing",
    r"^admin/\^\.\*/\$$": "/admin/nothing/",
}


def build_url(pattern: Pattern, place: Place, world) -> tuple[str, str | None]:
    """The URL of `pattern` for `place`'s records, and whose record it names (None: none)."""
    for regex, url in SPECIAL_URLS.items():
        if re.search(regex, pattern.route):
            return url, None
    whose = None
    values = {}
    for param in pattern.params:
        found = _object_id(pattern, param, place)
        if found is None:
            values[param] = _any_id(pattern, param, world)
        else:
            values[param], whose = found
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), pattern.route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + route, whose


def _more_records(place: Place, operator) -> None:
    """What the web adds to a place: a submitted intake questionnaire about the person, a
    draft of one, and the id of its report's attachment."""
    from forms.models import Draft, FormVersion, Submission
    from siso_platform.thirdsector.models import ReportAttachment

    place.attachment = ReportAttachment.objects.get(report=place.report).pk
    version = FormVersion.objects.filter(definition__slug="scheda-accesso").latest("number")
    person = Person.objects.get(pk=place.person)
    place.submission = Submission.objects.create(
        version=version, subject=person, answers={}, channel="web", submitted_by=operator
    ).uuid
    place.draft = Draft.objects.create(version=version, subject=person, owner=operator).uuid
    _diary_records(place, person, operator)
    place.flow = _siuss_flow(place)


def _siuss_flow(place: Place) -> int:
    """A blocked SIUSS flow of the place's benefit, on its zone's desk."""
    from siso_platform.siuss.models import Flow, FlowKind, FlowState

    case = Case.objects.select_related("office__municipality").get(pk=place.case)
    municipality = case.office.municipality
    return Flow.objects.create(
        kind=FlowKind.PS_PSA_SINA,
        state=FlowState.BLOCKED,
        ente_code=municipality.cadastral_code,
        ente_name=f"Comune di {municipality.name}",
        zone_id=case.zone_id,
        intervention_id=place.intervention,
        blocked_reason="Manca il codice INPS",
    ).pk


def _siuss_bulk_file(zone: int) -> int:
    """A bulk file the zone's administrator asked for, still waiting for the task."""
    from siso_platform.siuss.models import BulkFile, FlowKind

    return BulkFile.objects.get_or_create(
        zone=SocialZone.objects.get(number=zone),
        ente_code="G478",
        kind=FlowKind.PS_PSA_SINA,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 1, 31),
    )[0].pk


def _diary_records(place: Place, person: Person, operator) -> None:
    """A diary note on the place's case, a document on its person and an appointment with
    them in the operator's agenda."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from siso_platform import uploads

    case = Case.objects.get(pk=place.case)
    place.note = casework.write_note(by=operator, case=case, kind="note", text="Nota").pk
    upload = SimpleUploadedFile("isee.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    place.document = casework.attach_document(
        by=operator,
        person=person,
        case=case,
        upload=upload,
        kind_found=uploads.PDF,
        title="ISEE",
        kind="isee",
    ).pk
    place.appointment = casework.book_appointment(
        by=operator,
        person=person,
        case=case,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=60,
        kind="home_visit",
        place="home",
    ).pk


# --- probing ---------------------------------------------------------------------------------

REFUSED = {302, 401, 403, 404, 405}  # 401: the SIUSS e-service, which knows no session


@dataclass
class Probe:
    user: str
    method: str
    url: str
    status: int
    body: bytes
    location: str = ""


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _get(client: Client, url: str) -> tuple[int, bytes, str]:
    # Each request in its own savepoint: a view that fails leaves the test's data as it was.
    try:
        with transaction.atomic():
            response = client.get(url)
            status, body = response.status_code, b""
            if not getattr(response, "streaming", False):
                body = response.content
            location = response.get("Location", "")
            transaction.set_rollback(True)
    except Exception as error:
        return 599, repr(error).encode(), ""
    return status, body, location


def _identifying(person: Person) -> list[bytes]:
    return [person.tax_code.encode(), person.last_name.encode()]


def _post(client: Client, url: str) -> int:
    try:
        with transaction.atomic():
            status = client.post(url, {}).status_code
            transaction.set_rollback(True)
    except Exception:
        return 599
    return status


def _in_reach(whose: str, place: Place, readable: set, user) -> bool:
    if whose == "person":
        return place.person in readable
    scope = scoping.scope_for(user)
    return scope.unrestricted or _role_of(user) == RA or place.zone in _zone_numbers(scope)


def _role_of(user) -> str | None:
    return Membership.objects.active().filter(user=user).values_list("role", flat=True).first()


def _zone_numbers(scope) -> set[int]:
    return set(SocialZone.objects.filter(pk__in=scope.zone_ids).values_list("number", flat=True))


def _to_login(location: str) -> bool:
    # the platform's sign-in (LOGIN_URL, where the admin sends too) or wagtail's own
    return location.startswith("/accedi/") or "/login/" in location


USERS = [*ROLES_OF_WORLD, "former_operator", "lapsed_body_operator", "anonymous"]


# One test per user, so that the suite's processes share the matrix (pytest-xdist).
@pytest.mark.parametrize("user_name", USERS)
def test_every_url_for_every_role(wide, user_name):
    world = wide.world
    zone5_operator = (
        Membership.objects.filter(role=OP, organisation__municipality__zone__number=5).first().user
    )
    places = {"here": world.here, "there": world.there, "ended": wide.ended}
    world.here.zone, world.there.zone, wide.ended.zone = 2, 5, 2
    for name, place in places.items():
        _more_records(place, zone5_operator if name == "there" else world.users[OP])
    persons = list(Person.objects.all())
    findings, probes = [], 0
    decided = [(p, classify(p)) for p in patterns()]
    decided = [(p, r) for p, r in decided if r is not None and r.kind != "api"]
    assert set(wide.users) == set(USERS)  # a user added to the world is probed too
    user = wide.users[user_name]
    client = _client(user)
    role = _role(user_name)
    readable = set(scoping.persons(user).values_list("pk", flat=True)) if user else set()
    hidden = [p for p in persons if p.pk not in readable]
    for pattern, rule_ in decided:
        allowed = rule_.kind == "public" or (user is not None and role in rule_.roles)
        missing = None  # how the pattern answers for a record that does not exist
        for place_name, place in places.items():
            url, whose = build_url(pattern, place, world)
            if place_name != "here" and not whose:
                continue
            probes += 1
            status, body, location = _get(client, url)
            where = f"{user_name}: GET {url} ({pattern.route})"
            if status >= 500:
                findings.append(f"{where}: server error {body[:300]!r}")
                continue
            if not (role == AU and pattern.route.startswith("admin/audit/")):
                for person in hidden:
                    if any(token in body for token in _identifying(person)):
                        findings.append(f"{where}: shows person {person.pk} out of reach")
            if not allowed:
                to_login = status != 302 or user is not None or _to_login(location)
                if status not in REFUSED or not to_login:
                    findings.append(f"{where}: {status}, expected a refusal")
                continue
            if whose is None or _in_reach(whose, place, readable, user):
                continue
            # Out of reach: answered as if the record did not exist (404 where the role
            # works on such records; the role's refusal where it does not).
            if missing is None:
                probes += 2
                missing_url = build_url(pattern, MISSING, world)[0]
                missing = (_get(client, missing_url)[0], _post(client, missing_url))
            if status != missing[0] or status not in REFUSED:
                findings.append(f"{where}: {status}; a missing record: {missing[0]}")
            if status == 405:
                probes += 1
                posted = _post(client, url)
                if posted != missing[1] or posted not in REFUSED:
                    findings.append(
                        f"{user_name}: POST {url}: {posted}; a missing record: {missing[1]}"
                    )
    print(f"{len(decided)} URL patterns probed as {user_name}: {probes} requests")
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(findings)
