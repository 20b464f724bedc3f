"""Answers with files, as multipart: what a questionnaire's submission and a task's form step
share, so the app sends both the same way.

`answers` comes as JSON text, and one part per file named by its answer's path (`documents`,
`members[0].document`). Each file is checked as the web wizard checks an upload, kept where the
web keeps a person's questionnaire files and becomes the web's answer
`{name, size, content_type, path}`; answers refused keep no file.
"""

import json
import re
import uuid
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from forms.models import FormVersion
from forms.rendering import django_field
from forms.schema import FILES, GROUP
from forms.wizard import documents_folder

# A file part's name: a question's key, or a row's question (`members[0].document`).
FILE_PART = re.compile(r"^(?P<key>[A-Za-z]\w*)(?:\[(?P<row>\d{1,4})\]\.(?P<child>[A-Za-z]\w*))?$")

FILE_PART_HELP = (
    "One part per file, named by its answer's path: `documents`, or `members[0].document` for "
    "a row's question. Checked by content and size as the web's (docs/files.md, "
    "SISO_UPLOAD_MAX_MB), then by the question's extensions and size."
)


class AnswersWithFilesSerializer(serializers.Serializer):
    """Answers with files (multipart/form-data): what the app sends when a questionnaire, or a
    form step's, has a file or an image answered."""

    answers = serializers.CharField(
        help_text="The answers keyed by field key, as a JSON object (without the files)."
    )
    file = serializers.FileField(required=False, help_text=FILE_PART_HELP)


def with_files(asked: dict, uploads: dict) -> dict:
    """What a request asked, for its idempotency fingerprint: the files are part of it, so a
    retry must carry the same ones."""
    return {**asked, "files": uploads} if uploads else asked


def is_multipart(request) -> bool:
    return request.content_type.startswith("multipart/")


def multipart_answers(request):
    """The `answers` part of a multipart request, read from its JSON text."""
    try:
        return json.loads(request.data.get("answers") or "{}")
    except ValueError:
        raise ValidationError({"answers": [_("Send the answers as a JSON object.")]}) from None


def _question(version: FormVersion, match):
    """The file or image question a part's name names, or None."""
    item = version.compiled.fields.get(match["key"]) if match else None
    if item is not None and match["child"]:
        children = item.fields if item.kind == GROUP else ()
        item = next((child for child in children if child.key == match["child"]), None)
    return item if item is not None and item.kind in FILES else None


def checked_uploads(request, version: FormVersion) -> dict:
    """The files sent, by part name, each checked as the web wizard checks it (the host's
    FORMS_FILE_FIELD: type by content, size); 400 naming the part otherwise."""
    errors, found = {}, {}
    for name in request.FILES:
        uploads = request.FILES.getlist(name)
        item = _question(version, FILE_PART.match(name))
        if item is None:
            errors[name] = [
                _("This questionnaire has no file question “%(name)s”.") % {"name": name[:100]}
            ]
            continue
        if len(uploads) > 1:
            errors[name] = [_("Send one file per question.")]
            continue
        try:
            django_field(item).clean(uploads[0])
        except DjangoValidationError as error:
            errors[name] = error.messages
            continue
        found[name] = uploads[0]
    if errors:
        raise ValidationError({"answers": errors})
    return found


def _with_files(uploads: dict, answers: dict, subject_id) -> tuple[dict, list[str]]:
    answers = json.loads(json.dumps(answers))  # a copy: the request's answers stay as asked
    folder = f"{documents_folder(subject_id)}{uuid.uuid4()}/"
    saved = []
    for name, upload in uploads.items():
        path = default_storage.save(f"{folder}{upload.name}", upload)
        saved.append(path)
        value = {
            "name": upload.name,
            "size": upload.size,
            "content_type": upload.content_type or "",
            "path": path,
        }
        match = FILE_PART.match(name)
        if not match["child"]:
            answers[match["key"]] = value
            continue
        rows = answers.get(match["key"])
        rows = rows if isinstance(rows, list) else []
        index = int(match["row"])
        rows += [{} for _index in range(index + 1 - len(rows))]
        if not isinstance(rows[index], dict):
            rows[index] = {}
        rows[index][match["child"]] = value
        answers[match["key"]] = rows
    return answers, saved


@contextmanager
def kept_files(uploads: dict, answers: dict, subject_id):
    """The answers with each file saved where the web keeps the person's questionnaire files
    (`subject_id` None: a questionnaire about no person); the files are deleted again when
    what runs inside refuses the answers or fails, so a refusal keeps no file."""
    given, saved = _with_files(uploads, answers, subject_id)
    try:
        yield given
    except BaseException:
        for path in saved:
            default_storage.delete(path)
        raise
