"""A report and its photo in one request: what the app sends when a report written offline
carries a picture (multipart, one Idempotency-Key for the report and its files)."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from siso_platform.thirdsector.models import ActivityReport, ReportAttachment

pytestmark = pytest.mark.django_db

# A 1 by 1 pixel PNG.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def send(as_user, body_operator, accredited_body, assignment, home_care, media):
    from siso_platform.casework.procedures import seed

    seed()
    api = as_user(body_operator)

    def post(files, key):
        report = {
            "person": home_care.person_id,
            "intervention": home_care.pk,
            "date": datetime.date.today().isoformat(),
            "activity_type": "home_care",
            "hours": "1.5",
            "notes": "Spesa",
            "files": files,
        }
        return api.post(
            "/api/v1/activity-reports/", report, format="multipart", HTTP_IDEMPOTENCY_KEY=key
        )

    return post


def test_a_report_with_its_photo_is_kept_once_with_the_photo(send):
    key = str(uuid.uuid4())
    first = send([SimpleUploadedFile("foto.png", PNG)], key)
    assert first.status_code == 201, first.json()
    [attachment] = first.json()["attachments"]
    assert (attachment["name"], attachment["content_type"]) == ("foto.png", "image/png")

    again = send([SimpleUploadedFile("foto.png", PNG)], key)  # the answer was lost: a retry
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert ActivityReport.objects.count() == 1 and ReportAttachment.objects.count() == 1

    other = send([SimpleUploadedFile("foto.png", PNG + b"\x00")], key)  # another file, same key
    assert other.status_code == 422
    two = send(
        [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)], str(uuid.uuid4())
    )
    assert two.status_code == 201 and len(two.json()["attachments"]) == 2


def test_a_file_that_is_no_accepted_kind_refuses_the_whole_report(send):
    page = SimpleUploadedFile("foto.png", b"<html><script>alert(1)</script></html>")
    refused = send([page], str(uuid.uuid4()))
    assert refused.status_code == 400 and "files" in refused.json()["errors"]
    assert not ActivityReport.objects.exists() and not ReportAttachment.objects.exists()
