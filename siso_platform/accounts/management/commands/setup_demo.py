import io
import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from forms.models import FormDefinition
from siso_platform.accounts.demo_users import DEMO_PASSWORD, ensure_demo_users
from siso_platform.casework import demo_data as casework_demo
from siso_platform.imports import demo as import_demo
from siso_platform.monitoring import demo as monitoring_demo
from siso_platform.monitoring.models import RunStatus, ScreeningRun
from siso_platform.people.models import Person
from siso_platform.people.questionnaires import INTAKE_FORM
from siso_platform.siuss import demo as siuss_demo
from siso_platform.territory.models import Municipality
from siso_platform.thirdsector import demo as thirdsector_demo


def is_built() -> bool:
    """An earlier build went to its end: its last step, the demo screening, is done."""
    return ScreeningRun.objects.filter(status=RunStatus.DONE).exists()


@contextmanager
def building():
    """What the build saves is indexed as it is saved, not queued: wagtail queues a reference-
    index and a search-index task per save, a thousand tasks the worker would log and run after
    the demo is served. Wagtail's line per page edited and published is quieted too."""
    wagtail_logger = logging.getLogger("wagtail")
    level = wagtail_logger.level
    wagtail_logger.setLevel(logging.WARNING)
    try:
        with override_settings(TASKS={"default": settings.TASK_BACKENDS["immediate"]}):
            yield
    finally:
        wagtail_logger.setLevel(level)


class Command(BaseCommand):
    help = _("Load the territory, demo persons and one demo login per role (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=3000)
        parser.add_argument(
            "--refresh",
            action="store_true",
            help=_("Run every step again on a built demo (each adds only what is missing)."),
        )

    def handle(self, *args, persons, refresh, verbosity, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo data and demo passwords are for DEBUG settings only."))
        if is_built() and not refresh:
            self.stdout.write(
                _(
                    "The demo data is already there (manage.py setup_demo --refresh adds what a "
                    "newer version brings)."
                )
            )
            self.print_logins(ensure_demo_users())
            return
        # The steps' own lines (one per page, questionnaire, procedure) only with -v 2.
        detail = self.stdout if verbosity >= 2 else OutputWrapper(io.StringIO())
        with building():
            logins = self.build(persons, detail)
        self.print_logins(logins)

    def build(self, persons, detail):
        self.stdout.write(_("Territory, demo persons and questionnaires..."))
        call_command("load_territory", stdout=detail)
        if not Person.objects.exists():
            call_command("generate_demo_data", persons=persons, stdout=detail)
        if not FormDefinition.objects.filter(slug="scheda-accesso").exists():
            call_command(
                "import_form", INTAKE_FORM, owner="Regione Umbria", publish=True, stdout=detail
            )
        self.stdout.write(_("Procedures and the service charter..."))
        call_command("seed_procedures", stdout=detail)
        call_command("seed_service_charter", stdout=detail)
        self.stdout.write(_("Demo logins, cases, imports and screening..."))
        logins = ensure_demo_users()
        thirdsector_demo.register()
        accesses = casework_demo.populate()
        thirdsector_demo.populate()
        steward = get_user_model().objects.filter(username="anagrafe").first()
        perugia = Municipality.objects.get(istat_code="054039")
        for run in import_demo.import_samples(perugia, user=steward):
            detail.write(
                _("Demo import %(run)s: %(inserted)d inserted, %(rejected)d rejected.")
                % {"run": run, "inserted": run.rows_inserted, "rejected": run.rows_rejected}
            )
        if accesses:
            detail.write(_("Demo casework: %(count)d accesses.") % {"count": accesses})
        worker = get_user_model().objects.filter(username="assistente").first()
        run = monitoring_demo.populate(by=worker, stdout=detail)
        if run is not None:
            self.stdout.write(
                _("Demo screening of %(territory)s: %(households)d households, %(alerts)d alerts.")
                % {
                    "territory": run.territory_name,
                    "households": run.households_done,
                    "alerts": run.counts.get("alerts_new", 0),
                }
            )
        flows = siuss_demo.populate()
        detail.write(
            _("Demo SIUSS flows: %(ready)d ready, %(blocked)d blocked.")
            % {"ready": flows["ready"], "blocked": flows["blocked"]}
        )
        return logins

    def print_logins(self, logins):
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password: %s) at http://127.0.0.1:8000/accedi/") % DEMO_PASSWORD
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role} - {login.where}")
