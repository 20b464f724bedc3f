from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from forms.models import FormDefinition
from siso_platform.accounts.demo_users import DEMO_PASSWORD, ensure_demo_users
from siso_platform.casework import demo_data as casework_demo
from siso_platform.imports import demo as import_demo
from siso_platform.monitoring import demo as monitoring_demo
from siso_platform.people.models import Person
from siso_platform.people.questionnaires import INTAKE_FORM
from siso_platform.territory.models import Municipality
from siso_platform.thirdsector import demo as thirdsector_demo


class Command(BaseCommand):
    help = _("Load the territory, demo persons and one demo login per role (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=3000)

    def handle(self, *args, persons, **options):
        if not settings.DEBUG:
            raise CommandError(_("Demo data and demo passwords are for DEBUG settings only."))
        call_command("load_territory", stdout=self.stdout)
        if not Person.objects.exists():
            call_command("generate_demo_data", persons=persons, stdout=self.stdout)
        if not FormDefinition.objects.filter(slug="scheda-accesso").exists():
            call_command(
                "import_form", INTAKE_FORM, owner="Regione Umbria", publish=True, stdout=self.stdout
            )
        call_command("seed_procedures", stdout=self.stdout)
        call_command("seed_service_charter", stdout=self.stdout)
        logins = ensure_demo_users()
        thirdsector_demo.register()
        accesses = casework_demo.populate()
        thirdsector_demo.populate()
        steward = get_user_model().objects.filter(username="anagrafe").first()
        perugia = Municipality.objects.get(istat_code="054039")
        for run in import_demo.import_samples(perugia, user=steward):
            self.stdout.write(
                _("Demo import %(run)s: %(inserted)d inserted, %(rejected)d rejected.")
                % {"run": run, "inserted": run.rows_inserted, "rejected": run.rows_rejected}
            )
        if accesses:
            self.stdout.write(_("Demo casework: %(count)d accesses.") % {"count": accesses})
        worker = get_user_model().objects.filter(username="assistente").first()
        run = monitoring_demo.populate(by=worker, stdout=self.stdout)
        if run is not None:
            self.stdout.write(
                _("Demo screening of %(territory)s: %(households)d households, %(alerts)d alerts.")
                % {
                    "territory": run.territory_name,
                    "households": run.households_done,
                    "alerts": run.counts.get("alerts_new", 0),
                }
            )
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password: %s) at http://127.0.0.1:8000/casework/") % DEMO_PASSWORD
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role} - {login.where}")
