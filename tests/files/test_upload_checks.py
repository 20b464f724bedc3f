"""Uploads are accepted by their content, not their name, and up to a size: an HTML page, an
SVG or an HTML page renamed `.pdf` is refused on every upload path with a message naming the
field, and nothing is kept."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forms.rendering import StepForm
from forms.schema import compile_form
from siso_platform import uploads
from siso_platform.imports.models import ImportRun
from siso_platform.thirdsector.models import ReportAttachment

HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/me/')</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, "PNG")
    return out.getvalue()


REFUSED = {
    "pagina.html": (HTML, "HTML"),
    "disegno.svg": (SVG, "SVG"),
    "firme.pdf": (HTML, "HTML"),  # an HTML page renamed .pdf
    "foto.png": (b"\x00\x01binary\xff\xfe" * 10, ""),  # no known signature, not text
    "archivio.zip": (b"PK\x03\x04" + b"\x00" * 40, "ZIP"),
}


# what is accepted, decided by content


@pytest.mark.parametrize(
    "content, kind",
    [
        (PDF, uploads.PDF),
        (png(), uploads.PNG),
        ("cognome;nome\nRossi;Niccolò\n".encode(), uploads.TEXT),
        ("cognome;nome\nRossi;Niccolò\n".encode("cp1252"), uploads.TEXT),
        ("\ufeffimporto\n3 < 5\n".encode(), uploads.TEXT),  # a lone "<" is not markup
        (b"a;b\r\n1;2\r\n\x1a", uploads.TEXT),  # an old DOS export ends with Ctrl-Z
    ],
)
def test_pdf_images_and_text_are_accepted_by_content(content, kind, settings):
    upload = SimpleUploadedFile("senza-estensione", content)
    found = uploads.check(
        upload, kinds=uploads.ATTACHMENTS, limit_setting="SISO_UPLOAD_MAX_MB", field="Allegato"
    )
    assert found == kind


@pytest.mark.parametrize("name", REFUSED)
def test_markup_and_unknown_content_are_refused_naming_the_field(name):
    content, found = REFUSED[name]
    with pytest.raises(ValidationError) as refused:
        uploads.check(
            SimpleUploadedFile(name, content, "application/pdf"),
            kinds=uploads.ATTACHMENTS,
            limit_setting="SISO_UPLOAD_MAX_MB",
            field="Allegato",
        )
    message = refused.value.messages[0]
    assert message.startswith("Allegato: ") and found in message


def test_markup_far_into_a_large_text_file_is_found():
    content = b"a;b\n" * 300_000 + b"<script>alert(1)</script>"
    assert uploads.text_markup([content[:1_000_000], content[1_000_000:]]) == "HTML"
    split = b"x" * 99 + b"<scr"
    assert uploads.text_markup([split, b"ipt>"]) == "HTML"


def test_an_import_takes_csv_only():
    with pytest.raises(ValidationError):
        uploads.check(
            SimpleUploadedFile("anagrafe.csv", PDF),
            kinds=uploads.IMPORTS,
            limit_setting="SISO_IMPORT_MAX_MB",
            field="file",
        )


def test_an_oversize_upload_is_refused_with_the_limit(settings):
    settings.SISO_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("firme.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        uploads.check(
            big, kinds=uploads.ATTACHMENTS, limit_setting="SISO_UPLOAD_MAX_MB", field="Allegato"
        )
    assert refused.value.messages[0].startswith("Allegato: ")
    assert "1 MB" in refused.value.messages[0]


# every upload path


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["pagina.html", "disegno.svg", "firme.pdf"])
def test_the_app_refuses_markup_attachments(client, world, name):
    content, found = REFUSED[name]
    client.force_login(world.users["third_sector_operator"])
    url = f"/api/v1/activity-reports/{world.here.report}/attachments/"
    before = ReportAttachment.objects.count()
    response = client.post(url, {"file": SimpleUploadedFile(name, content, "application/pdf")})
    assert response.status_code == 400
    messages = str(response.json())
    assert "file" in messages and found in messages
    assert ReportAttachment.objects.count() == before


@pytest.mark.django_db
def test_the_app_keeps_a_pdf_as_a_pdf_and_refuses_an_oversize_one(client, world, settings):
    client.force_login(world.users["third_sector_operator"])
    url = f"/api/v1/activity-reports/{world.here.report}/attachments/"
    response = client.post(url, {"file": SimpleUploadedFile("firme", PDF, "text/html")})
    assert response.status_code == 201
    assert ReportAttachment.objects.get(pk=response.json()["id"]).content_type == "application/pdf"

    settings.SISO_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("firme.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "1 MB" in str(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["pagina.html", "disegno.svg", "firme.pdf"])
def test_the_bodys_page_refuses_markup_attachments(client, world, name):
    content, found = REFUSED[name]
    client.force_login(world.users["third_sector_operator"])
    url = reverse("thirdsector:attach", args=[world.here.report])
    before = ReportAttachment.objects.count()
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert any(found in message for message in shown), shown
    assert ReportAttachment.objects.count() == before


@pytest.mark.django_db
def test_the_bodys_page_attaches_a_pdf_and_lists_it(client, world):
    client.force_login(world.users["third_sector_operator"])
    url = reverse("thirdsector:attach", args=[world.here.report])
    page = client.post(url, {"file": SimpleUploadedFile("ricevuta.pdf", PDF)}, follow=True)
    attachment = ReportAttachment.objects.get(name="ricevuta.pdf")
    assert attachment.content_type == "application/pdf"
    download = reverse("thirdsector:attachment", args=[world.here.report, attachment.pk])
    assert download in page.content.decode()


@pytest.mark.django_db
def test_only_the_body_attaches_on_its_page(client, world):
    client.force_login(world.users["operator"])
    url = reverse("thirdsector:attach", args=[world.here.report])
    response = client.post(url, {"file": SimpleUploadedFile("ricevuta.pdf", PDF)})
    assert response.status_code == 404
    client.force_login(world.users["third_sector_operator"])
    url = reverse("thirdsector:attach", args=[world.there.report])
    response = client.post(url, {"file": SimpleUploadedFile("ricevuta.pdf", PDF)})
    assert response.status_code == 404
    assert not ReportAttachment.objects.filter(name="ricevuta.pdf").exists()


@pytest.mark.django_db
def test_the_imports_admin_refuses_a_page_as_import_file(client, make_member):
    from siso_platform.territory.models import Municipality

    steward = make_member("data_steward", zone_number=2)
    municipality = Municipality.objects.get(organisation__memberships__user=steward)
    client.force_login(steward)
    response = client.post(
        reverse("import_runs:new"),
        {
            "source": "registry",
            "municipality": municipality.pk,
            "profile": "",
            "reference_date": "2026-01-31",
            "file": SimpleUploadedFile("anagrafe.csv", HTML, "text/csv"),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "HTML" in errors[0]
    assert not ImportRun.objects.exists()


def test_a_questionnaire_file_field_refuses_markup():
    schema = {
        "steps": [
            {
                "key": "documenti",
                "fields": [{"key": "isee", "kind": "file", "label": "Attestazione ISEE"}],
            }
        ]
    }
    compiled = compile_form(schema)
    form = StepForm(
        data={},
        files={"isee": SimpleUploadedFile("isee.pdf", HTML)},
        step=compiled.steps[0],
        form=compiled,
    )
    assert not form.is_valid()
    assert form.errors["isee"][0].startswith("Attestazione ISEE: ")
    assert "HTML" in form.errors["isee"][0]


@pytest.mark.django_db
def test_a_charter_document_is_checked_by_content():
    from wagtail.documents import get_document_model
    from wagtail.documents.forms import get_document_form
    from wagtail.models import Collection

    form_class = get_document_form(get_document_model())
    data = {"title": "Modulo", "collection": Collection.get_first_root_node().pk, "tags": ""}
    refused = form_class(data, {"file": SimpleUploadedFile("modulo.pdf", HTML)})
    assert not refused.is_valid() and "HTML" in refused.errors["file"][0]
    accepted = form_class(data, {"file": SimpleUploadedFile("modulo.pdf", PDF)})
    assert accepted.is_valid(), accepted.errors
