"""What each role may do, as Django groups; a user's groups follow their active memberships.

Model permissions say which kinds of record a role works on; `scoping` says which rows.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.snippets.models import create_extra_permissions as create_snippet_permissions

from .models import Membership, Role

ADMIN_ACCESS = "wagtailadmin.access_admin"
# The 12 zones are set by regional law and loaded with the territory: renamed, never added.
_TERRITORY_CONFIG = [
    f"territory.{action}_{model}"
    for model in ("socialzone", "municipality", "citizenoffice")
    for action in ("add", "change", "view")
    if (action, model) != ("add", "socialzone")
]
# The days a municipality's offices are closed: each zone keeps its own, the region all.
_CLOSURES = [f"territory.{action}_closure" for action in ("add", "change", "delete", "view")]
_CASEWORK_PEOPLE = [
    f"people.{action}_{model}"
    for model in ("person", "household", "householdmembership")
    for action in ("add", "change", "view")
] + ["people.view_fact", "people.add_fact"]

# The regional catalogues: the region keeps them (entries are retired, never deleted); the
# zones record casework against them.
_CATALOGUES = ("needcategory", "catalogueitem")
_CATALOGUE_KEEPING = [
    f"casework.{action}_{model}" for model in _CATALOGUES for action in ("add", "change", "view")
]
# INPS's table of social benefits, which catalogue items are mapped to: the region's alone.
_INPS_TABLE = [f"casework.{action}_inpsbenefit" for action in ("add", "change", "view")]
_CASEWORK = [f"casework.view_{model}" for model in _CATALOGUES] + [
    f"casework.{action}_{model}"
    for model in (
        *("access", "case", "need", "careplan", "goal", "intervention", "assignment"),
        *("diarynote", "recorddocument", "appointment"),  # the daily work: zone staff only
    )
    for action in ("add", "change", "view")
]

# Questionnaires: administrators design them (editing is limited to their own by the form
# engine's owner policy); front-line roles fill them in.
_FORM_DESIGN = [
    f"forms.{action}_formdefinition"
    for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
]
_FORM_FILLING = ["forms.add_submission", "forms.view_submission"]

# Procedures: administrators design them like questionnaires; staff start them. Who works a
# task is decided by the step's assignee rule, not by a model permission.
_WORKFLOW_DESIGN = [
    f"workflows.{action}_workflowdefinition"
    for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
]
_WORKFLOW_START = ["workflows.start_process"]

# Municipal data imports: mapping profiles carry no personal data, runs and duplicates do.
_IMPORT_PROFILES = [
    f"imports.{action}_mappingprofile" for action in ("add", "change", "view", "delete")
]
_IMPORTS = [
    "imports.add_importrun",
    "imports.view_importrun",
    "imports.view_duplicatesuspicion",
    "imports.change_duplicatesuspicion",
    *_IMPORT_PROFILES,
]

# Monitoring: administrators write programmes and indicators (each editing its own, like
# questionnaires); zones screen their territory and work the alerts of their inbox.
_RULE_DESIGN = [
    f"monitoring.{action}_{model}"
    for model in ("programme", "indicator")
    for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
]
_MONITORING_CONFIG = [
    *_RULE_DESIGN,
    *[f"monitoring.{a}_complementaryitems" for a in ("add", "change", "delete", "view")],
    "monitoring.change_monitoringsettings",
    "monitoring.view_territory_analysis",
]
_ALERTS = ["monitoring.view_alert", "monitoring.change_alert"]
_SCREENING = ["monitoring.add_screeningrun", "monitoring.view_screeningrun"]

# Regional reporting: aggregates of the user's territory (no person in them); the flat export
# of interventions (personal data, for the national information system) for the region and
# the zones only.
_REPORTING = ["reporting.view_aggregates", "reporting.export_interventions"]

# Third sector: bodies apply and report; zones review applications and read the reports on
# their interventions (reviewing them is a procedure task, not a model permission).
_ACCREDITATION_REVIEW = [
    "thirdsector.view_thirdsectorbody",
    "thirdsector.view_accreditation",
    "thirdsector.change_accreditation",
]
_REPORT_READING = ["thirdsector.view_activityreport"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.REGIONAL_ADMIN: [
        ADMIN_ACCESS,
        *_TERRITORY_CONFIG,
        *_CLOSURES,
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_organisation",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "accounts.view_membership",
        "accounts.view_devicetoken",
        "accounts.delete_devicetoken",
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailcore.publish_page",
        *_FORM_DESIGN,
        *_WORKFLOW_DESIGN,
        *_CATALOGUE_KEEPING,
        *_INPS_TABLE,
        *_IMPORT_PROFILES,
        *_MONITORING_CONFIG,
        *_REPORTING,
        *_ACCREDITATION_REVIEW,
        "thirdsector.add_thirdsectorbody",
        "thirdsector.change_thirdsectorbody",
    ],
    Role.ZONE_ADMIN: [
        ADMIN_ACCESS,
        "territory.view_citizenoffice",
        "territory.change_citizenoffice",
        "territory.add_citizenoffice",
        *_CLOSURES,
        "accounts.view_organisation",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.view_membership",
        *_CASEWORK_PEOPLE,
        *_CASEWORK,
        *_FORM_DESIGN,
        *_FORM_FILLING,
        *_WORKFLOW_DESIGN,
        *_WORKFLOW_START,
        *_IMPORTS,
        *_RULE_DESIGN,
        *_ALERTS,
        *_SCREENING,
        "monitoring.view_territory_analysis",
        *_REPORTING,
        *_ACCREDITATION_REVIEW,
        *_REPORT_READING,
    ],
    Role.OPERATOR: [
        ADMIN_ACCESS,
        *_CASEWORK_PEOPLE,
        *_CASEWORK,
        *_FORM_FILLING,
        *_WORKFLOW_START,
        *_ALERTS,
        *_REPORT_READING,
    ],
    Role.SOCIAL_WORKER: [
        ADMIN_ACCESS,
        *_CASEWORK_PEOPLE,
        *_CASEWORK,
        *_FORM_FILLING,
        *_WORKFLOW_START,
        *_ALERTS,
        *_SCREENING,
        "monitoring.view_territory_analysis",
        *_REPORT_READING,
    ],
    Role.DATA_STEWARD: [
        ADMIN_ACCESS,
        "people.view_person",
        "people.view_household",
        "people.view_fact",
        "people.add_fact",
        *_IMPORTS,
    ],
    Role.THIRD_SECTOR_OPERATOR: [
        "people.view_person",
        "people.view_household",
        "casework.view_case",
        "casework.view_need",
        "casework.view_intervention",
        "thirdsector.view_thirdsectorbody",
        "thirdsector.view_accreditation",
        "thirdsector.add_accreditation",
        *_REPORT_READING,
        "thirdsector.add_activityreport",
        "thirdsector.change_activityreport",
    ],
    Role.AUDITOR: [ADMIN_ACCESS, "audit.view_auditevent", "reporting.view_aggregates"],
}


def group_name(role: str) -> str:
    return f"role:{role}"


def _permissions(names: list[str]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    known = {f"{p.content_type.app_label}.{p.codename}" for p in found}
    missing = sorted(set(names) - known)
    if missing:
        raise LookupError(f"Unknown permissions for roles: {', '.join(missing)}")
    return found


def ensure_role_groups(**kwargs) -> None:
    """Create one group per role with exactly its permissions (run after every migrate)."""
    # post_migrate reaches this app before later apps have their permissions: make them now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    create_snippet_permissions(apps.get_app_config("wagtailsnippets"))  # publish, lock, unlock
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set(_permissions(names))


def sync_user_groups(user) -> None:
    """Make the user's role groups match their active memberships."""
    roles = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    wanted = {group_name(role) for role in roles}
    role_groups = Group.objects.filter(name__startswith="role:")
    user.groups.remove(*[g for g in role_groups if g.name not in wanted])
    user.groups.add(*[g for g in role_groups if g.name in wanted])
