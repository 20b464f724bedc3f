"""Uploaded files live in private storage: no URL, nothing under /media/ but the public
renditions of the charter's images, in DEBUG too (what `make run` serves)."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from siso_platform.imports import runs
from siso_platform.thirdsector.models import ReportAttachment

pytestmark = pytest.mark.django_db

CSV = "codice_fiscale;cognome\nRSSMRA80A01G478X;Rossi\n"


@pytest.fixture
def attachment(world):
    return ReportAttachment.objects.get(report_id=world.here.report)


@pytest.fixture
def import_run(world):
    from siso_platform.imports.models import ImportRun

    run = ImportRun.objects.get(pk=world.here.import_run)
    return runs.create(
        source="registry",
        municipality=run.municipality,
        file=io.BytesIO(CSV.encode()),
        file_name="anagrafe.csv",
        reference_date=datetime.date.today(),
    )


def test_uploads_are_kept_outside_media_and_have_no_url(attachment, import_run, folders):
    for stored in (attachment.file, import_run.file):
        path = folders / "private" / stored.name
        assert path.is_file()
        assert not (folders / "media" / stored.name).exists()
        with pytest.raises(NotImplementedError):
            stored.url  # noqa: B018 - nothing may link to a private file


def test_questionnaire_documents_go_to_private_storage_too(folders):
    # the form engine saves its uploads with default_storage (forms/wizard.py)
    name = default_storage.save("form-files/1/draft/isee.pdf", ContentFile(b"%PDF-1.4"))
    assert (folders / "private" / name).is_file()
    assert not (folders / "media").exists()


@pytest.mark.parametrize("user", [None, "third_sector_operator", "operator"])
def test_no_uploaded_file_is_served_at_a_path_in_debug(
    debug_urls, client, world, attachment, import_run, folders, user
):
    if user:
        client.force_login(world.users[user])
    # even a copy left in MEDIA_ROOT by an older version is not served
    (folders / "media" / attachment.file.name).parent.mkdir(parents=True)
    (folders / "media" / attachment.file.name).write_bytes(b"%PDF-")
    for name in (attachment.file.name, import_run.file.name):
        for prefix in ("/media/", "/", "/private/", "/media/images/../"):
            response = client.get(f"{prefix}{name}")
            # a path climbing out of /media/images/ is refused (400) before any file is read
            assert response.status_code in (400, 404), f"{prefix}{name}"
            assert b"%PDF-" not in response.content and b"Rossi" not in response.content


def test_debug_serves_the_public_image_renditions_only(debug_urls, client, folders):
    rendition = storages["public"].save("images/logo.max-800x600.png", ContentFile(b"\x89PNG"))
    assert client.get(f"/media/{rendition}").status_code == 200
    assert storages["public"].url(rendition) == f"/media/{rendition}"


def test_a_charter_document_is_kept_private_and_served_only_by_wagtails_view(client, folders):
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(title="Modulo ISEE")
    document.file.save("modulo-isee.pdf", ContentFile(b"%PDF-1.4 modulo"), save=True)
    assert (folders / "private" / document.file.name).is_file()
    assert document.url == f"/documents/{document.pk}/modulo-isee.pdf"  # wagtail's view
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_charter_image_is_public_through_its_renditions_only(client, folders):
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    out = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(out, "PNG")
    image = get_image_model().objects.create(
        title="Sede", file=ContentFile(out.getvalue(), name="sede.png")
    )
    assert (folders / "private" / image.file.name).is_file()

    response = client.get(f"/api/cms/images/{image.pk}/")
    assert response.status_code == 200
    download = response.json()["meta"]["download_url"]
    assert "/media/images/" in download
    assert (folders / "media" / download.split("/media/", 1)[1]).is_file()
