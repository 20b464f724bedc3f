"""The project's side of the definition core: who owns definitions and who edits them.

`settings.DEFINITIONS_HOST` names a class with the methods of `DefinitionsHost` (the forms
engine's host extends it); the core asks it instead of importing domain packages.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class DefinitionsHost:
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


@cache
def host() -> DefinitionsHost:
    return import_string(settings.DEFINITIONS_HOST)()
