"""The project's side of the form engine: whom forms are about, auditing (and, as the definition
core's host, who owns definitions).

`settings.FORMS_HOST` names a class with the methods of `FormsHost`; the engine asks it
instead of importing domain packages.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from definitions.host import DefinitionsHost


class FormsHost(DefinitionsHost):
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
