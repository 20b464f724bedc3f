import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from home import charter


class Command(BaseCommand):
    help = _(
        "Build and publish the public service charter under the site's home page: one page "
        "per active catalogue item, one per citizen office with demo opening hours, two news "
        "items (pages that exist are left alone)."
    )

    def handle(self, *args, verbosity, **options):
        # Wagtail logs three lines per page created and published: keep them for -v 2.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        if verbosity < 2:
            wagtail_log.setLevel(logging.WARNING)
        try:
            report = charter.seed()
        except LookupError as error:
            raise CommandError(_("Service charter not built: %s") % error) from None
        finally:
            wagtail_log.setLevel(level)
        if not report.total:
            self.stdout.write(_("Service charter: every page already exists."))
            return
        self.stdout.write(
            _(
                "Service charter: %(services)d service pages, %(offices)d office pages, "
                "%(news)d news items and %(indexes)d index pages published."
            )
            % {
                "services": report.services,
                "offices": report.offices,
                "news": report.news,
                "indexes": report.indexes,
            }
        )
