"""drf-spectacular hooks."""

API_PREFIX = "/api/v1/"


def only_project_api(endpoints, **kwargs):
    """Keep the project's own API; wagtail's admin API and its CMS API (`/api/cms/`) stay out."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
