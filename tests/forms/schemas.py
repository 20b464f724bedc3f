"""Small schemas the form tests share, and the seeded intake questionnaire."""

import json

from siso_platform.people.questionnaires import INTAKE_FORM


def intake_document() -> dict:
    return json.loads(INTAKE_FORM.read_text())


def label(text: str) -> dict:
    return {"it": text, "en": text}


def field(key: str, kind: str = "text", **extra) -> dict:
    return {"key": key, "kind": kind, "label": label(key), **extra}


def housing_schema() -> dict:
    """Tenure with a conditional rent, a members group and a computed score."""
    return {
        "slug": "housing",
        "title": label("Housing"),
        "steps": [
            {
                "key": "home",
                "title": label("Home"),
                "fields": [
                    field(
                        "tenure",
                        "choice",
                        required=True,
                        choices=[
                            {"value": "rented", "label": label("rented")},
                            {"value": "owned", "label": label("owned")},
                        ],
                    ),
                    field(
                        "rent",
                        "decimal",
                        required=True,
                        visible_if={"==": [{"var": "tenure"}, "rented"]},
                        validations={"min": 0, "max": 5000},
                    ),
                    field(
                        "members",
                        "group",
                        fields=[
                            field("name", required=True),
                            field("birth_date", "date", required=True),
                            field(
                                "school",
                                "text",
                                required=True,
                                visible_if={"<": [{"age": [{"var": "row.birth_date"}]}, 18]},
                            ),
                        ],
                    ),
                    field(
                        "score",
                        "integer",
                        computed={"+": [{"if": [{"var": "rent"}, 2, 0]}, 1]},
                    ),
                ],
            },
            {
                "key": "children",
                "title": label("Children"),
                "visible_if": {
                    "some": [
                        {"var": "members"},
                        {"<": [{"age": [{"var": "birth_date"}]}, 18]},
                    ]
                },
                "fields": [field("nursery", "boolean", required=True)],
            },
        ],
    }


def text_form(count: int) -> dict:
    return {
        "slug": "plain",
        "title": label("Plain"),
        "steps": [
            {
                "key": "only",
                "title": label("Only"),
                "fields": [field(f"f{i}") for i in range(count)],
            }
        ],
    }


def dumps(schema) -> str:
    return json.dumps(schema)
