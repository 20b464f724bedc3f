"""The form engine's host (settings.FORMS_HOST): the accounts package's owners, subjects and
auditing, and the assigned partners casework's assignments decide."""

from django.urls import reverse

from siso_platform.accounts.forms_host import SisoFormsHost

from . import visibility


class CaseworkFormsHost(SisoFormsHost):
    def partner_subjects_for(self, user):
        """The persons entrusted to the user's body whom the user does not otherwise see."""
        return visibility.partner_only_persons(user)

    def print_url(self, submission):
        """The answers as a PDF (casework/prints.py), for any submission the user reads."""
        return reverse("casework:print_submission", args=[submission.uuid])
