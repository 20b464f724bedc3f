"""The POST data wagtail's editor sends for a definition, built from its stored content."""

from wagtail import blocks

from forms.models import FormDefinition


def definition_post_data(definition: FormDefinition, **fields) -> dict:
    data = {
        "title": definition.title,
        "title_en": definition.title_en,
        "slug": definition.slug,
        "owner": definition.owner_id,
        "based_on": definition.based_on_id or "",
        "description": definition.description,
    }
    stream_block = FormDefinition._meta.get_field("body").stream_block
    _stream(stream_block, definition.body.raw_data, "body", data)
    data.update(fields)
    return data


def _stream(block, raw, prefix, data):
    data[f"{prefix}-count"] = len(raw)
    for index, item in enumerate(raw):
        child = block.child_blocks[item["type"]]
        data[f"{prefix}-{index}-type"] = item["type"]
        data[f"{prefix}-{index}-deleted"] = ""
        data[f"{prefix}-{index}-order"] = index
        data[f"{prefix}-{index}-id"] = item.get("id") or ""
        _value(child, item["value"], f"{prefix}-{index}-value", data)


def _value(block, value, prefix, data):
    if isinstance(block, blocks.StreamBlock):
        _stream(block, value or [], prefix, data)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            _value(child, (value or {}).get(name), f"{prefix}-{name}", data)
    elif isinstance(block, blocks.ListBlock):
        items = value or []
        data[f"{prefix}-count"] = len(items)
        for index, item in enumerate(items):
            inner = item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
            data[f"{prefix}-{index}-deleted"] = ""
            data[f"{prefix}-{index}-order"] = index
            data[f"{prefix}-{index}-id"] = ""
            _value(block.child_block, inner, f"{prefix}-{index}-value", data)
    else:
        form_value = block.value_for_form(block.to_python(value)) if value is not None else ""
        data[prefix] = "" if form_value is None else form_value
