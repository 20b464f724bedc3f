from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from forms import publishing as form_publishing
from forms.models import FormVersion
from siso_platform.casework import procedures
from siso_platform.siuss import assessments
from workflows import publishing
from workflows.models import WorkflowVersion


class Command(BaseCommand):
    help = _(
        "Publish the regional procedure templates, their questionnaires and the SINA and SINBA "
        "assessments (what is already published is left alone)."
    )

    def handle(self, *args, **options):
        forms_before = set(FormVersion.objects.values_list("pk", flat=True))
        versions_before = set(WorkflowVersion.objects.values_list("pk", flat=True))
        try:
            versions = procedures.seed()
            assessments.seed()
        except (LookupError, form_publishing.PublishRefused, publishing.PublishRefused) as error:
            raise CommandError(_("Procedures not published: %s") % error) from None
        new_forms = FormVersion.objects.exclude(pk__in=forms_before).select_related("definition")
        for version in new_forms.order_by("pk"):
            self.stdout.write(
                _("Questionnaire “%(title)s” published (version %(number)s).")
                % {"title": version.definition.title, "number": version.number}
            )
        for version in versions:
            if version.pk in versions_before:
                message = _("Procedure “%(title)s” already published (version %(number)s).")
            else:
                message = _("Procedure “%(title)s” published (version %(number)s).")
            self.stdout.write(
                message % {"title": version.definition.title, "number": version.number}
            )
