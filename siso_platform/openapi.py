"""drf-spectacular hooks."""

API_PREFIX = "/api/"


def only_project_api(endpoints, **kwargs):
    """Keep the project's `/api/` endpoints; wagtail's admin API lives under `/admin/`."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
