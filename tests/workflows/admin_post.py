"""The POST data wagtail's editor sends for a procedure, built from a canonical graph."""

from tests.forms.admin_post import _stream
from workflows.models import WorkflowDefinition
from workflows.streamfield import stream_from_graph


def definition_post_data(graph: dict, **fields) -> dict:
    """The add or edit form of a definition holding `graph`; `fields` add or override
    (`owner` is required; e.g. `**{"action-publish": "action-publish"}` to publish)."""
    title = graph.get("title") or {}
    data = {
        "title": title.get("it") or "",
        "title_en": title.get("en") or "",
        "slug": graph.get("slug") or "",
        "based_on": "",
        "description": "",
    }
    stream_block = WorkflowDefinition._meta.get_field("body").stream_block
    _stream(stream_block, stream_from_graph(graph), "body", data)
    data.update(fields)
    return data
