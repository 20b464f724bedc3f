"""Static files in production: hashed names and a manifest, as Django's own storage does."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class ManifestStorage(ManifestStaticFilesStorage):
    """Django's manifest storage, tolerant of a file a library's stylesheet names but does not
    ship (viewflow's Roboto CSS points at `node_modules/`): that reference stays as written
    instead of stopping `collectstatic`, and so every page of the site."""

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and not self.exists(self.clean_name(name)):
                return name
            raise
