"""drf-spectacular hooks."""

API_PREFIX = "/api/v1/"


def only_project_api(endpoints, **kwargs):
    """Keep the project's own API; wagtail's admin API and its CMS API (`/api/cms/`) stay out."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]


# Storage limits of integer columns, which Django reads from the database in use (SQLite's
# are 64-bit, PostgreSQL's depend on the column): no bound a client needs, and they would
# make the schema differ between databases.
_STORAGE_LIMITS = {32767, 2147483647, 9223372036854775807}


def _without_storage_limits(node):
    if isinstance(node, dict):
        if node.get("type") == "integer":
            if node.get("maximum") in _STORAGE_LIMITS:
                del node["maximum"]
                node.pop("format", None)
            if -node.get("minimum", 0) - 1 in _STORAGE_LIMITS:
                del node["minimum"]
        for value in node.values():
            _without_storage_limits(value)
    elif isinstance(node, list):
        for value in node:
            _without_storage_limits(value)


def portable_integers(result, generator, request, public):
    """Postprocessing hook: the same schema on SQLite and on PostgreSQL."""
    _without_storage_limits(result)
    return result
