from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forms import publishing, xlsform
from forms.host import host
from forms.publishing import ImportRefused, PublishRefused, import_definition, read_export


class Command(BaseCommand):
    help = _(
        "Import a questionnaire from an export (.json) or an XLSForm (.xlsx) as a draft, "
        "optionally publishing it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--owner", required=True, help=_("Name of the owning organisation."))
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, file, owner, publish: bool, **options):
        owner_obj = host().owner_named(owner)
        if owner_obj is None:
            raise CommandError(_("No region or zone named “%s”.") % owner)
        try:
            if file.suffix.lower() == ".xlsx":
                schema = xlsform.schema_from_xlsform(file)
                document = {"slug": slugify(schema["slug"]), "schema": schema}
            else:
                document = read_export(file.read_bytes())
        except (OSError, ImportRefused, xlsform.XLSFormError) as error:
            raise CommandError(f"{file}: {error}") from None
        definition = import_definition(document, owner=owner_obj)
        self.stdout.write(_("Imported “%s” as a draft.") % definition.title)
        if publish:
            try:
                version = publishing.publish(definition)
            except PublishRefused as error:
                raise CommandError(_("Not published: %s") % error) from None
            self.stdout.write(_("Published version %s.") % version.number)
