"""The project's side of the form engine: who owns definitions, whom forms are about, auditing.

`settings.FORMS_HOST` names a class with the methods of `FormsHost`; the engine asks it
instead of importing domain packages.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class FormsHost:
    def owners_for(self, user):
        """Owners (organisations) whose definitions `user` may edit and publish."""
        raise NotImplementedError

    def variant_owners_for(self, user):
        """Owners `user` may create a zone variant of a template for: by default those they
        edit for; a host may let a regional administrator prepare one for a zone."""
        return self.owners_for(user)

    def owner_named(self, name: str):
        """The owner called `name` (for the command line), or None."""
        raise NotImplementedError

    def subjects_for(self, user, *, change: bool = False):
        """The subjects (persons) `user` may see, or fill forms about when `change`."""
        raise NotImplementedError

    def partner_subjects_for(self, user):
        """Of the subjects `user` sees, those they reach only as a partner assigned to them (an
        organisation the person is entrusted to): of their questionnaires the user reads only
        those shared with assigned partners and those they submitted themselves."""
        raise NotImplementedError

    def print_url(self, submission) -> str:
        """Where the submission prints as a PDF, or "" where the project prints none."""
        return ""

    def audit(self, action: str, *, user, obj, subject, purpose: str) -> None:
        """Record that `user` read (`view`) or wrote (`create`) `obj` about `subject`.

        `subject` is None for a questionnaire about no person (a procedure step about a body);
        the event is still recorded, with no person concerned."""
        raise NotImplementedError


@cache
def host() -> FormsHost:
    return import_string(settings.FORMS_HOST)()
