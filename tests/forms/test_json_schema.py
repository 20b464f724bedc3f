"""The JSON Schema the phone app checks answers with agrees with the engine."""

import datetime

import jsonschema
import pytest

from forms.json_schema import json_schema
from forms.validation import validate

from .schemas import housing_schema, intake_document


@pytest.fixture
def intake():
    return intake_document()["schema"]


def test_schema_is_valid_json_schema(intake):
    document = json_schema(intake)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["properties"]["tenure"]["enum"][:2] == ["owned", "rented"]
    assert document["properties"]["members"]["type"] == "array"
    # conditional fields are not unconditionally required; unconditional ones are
    assert "rent" not in document["required"]
    assert "tenure" in document["required"]
    assert document["properties"]["fragility_score"]["readOnly"] is True


def test_engine_output_conforms_to_the_json_schema():
    schema = housing_schema()
    result = validate(
        schema,
        {
            "tenure": "rented",
            "rent": "500",
            "members": [{"name": "Ada", "birth_date": "2010-01-01", "school": "media"}],
            "nursery": "false",
        },
        today=datetime.date(2026, 1, 1),
    )
    assert result.is_valid, result.errors
    jsonschema.validate(result.cleaned, json_schema(schema))


def test_json_schema_rejects_what_the_engine_rejects():
    document = json_schema(housing_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"tenure": "castle"}, document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"tenure": "owned", "rent": -5}, document)
