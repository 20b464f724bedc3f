"""An attachment downloads only to who may read its report (404 to anyone else), as an
attachment that no browser renders, and the read is audited with the person concerned."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from siso_platform.audit.models import AuditEvent
from siso_platform.thirdsector.models import ReportAttachment

pytestmark = pytest.mark.django_db


def web_url(attachment):
    return reverse("thirdsector:attachment", args=[attachment.report_id, attachment.pk])


def api_url(attachment):
    return f"/api/v1/activity-reports/{attachment.report_id}/attachments/{attachment.pk}/"


@pytest.fixture
def here(world):
    return ReportAttachment.objects.get(report_id=world.here.report)


@pytest.fixture
def there(world):
    return ReportAttachment.objects.get(report_id=world.there.report)


def assert_safe_download(response, content_type="application/octet-stream"):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-"


@pytest.mark.parametrize("role", ["third_sector_operator", "operator", "social_worker"])
@pytest.mark.parametrize("channel", [web_url, api_url])
def test_who_reads_the_report_downloads_its_attachment_audited(client, world, here, role, channel):
    user = world.users[role]
    client.force_login(user)
    assert_safe_download(client.get(channel(here)))
    assert AuditEvent.objects.filter(
        actor=user, action="view", person_id=world.here.person
    ).exists()


@pytest.mark.parametrize(
    "role", ["third_sector_operator", "operator", "zone_admin", "regional_admin", "auditor"]
)
@pytest.mark.parametrize("channel", [web_url, api_url])
def test_an_attachment_out_of_scope_is_not_found(client, world, there, role, channel):
    user = world.users[role]
    client.force_login(user)
    response = client.get(channel(there))
    # 404; the API answers a role without the permission to read reports 403 for any id
    assert response.status_code == 404 or (channel is api_url and response.status_code == 403)
    missing = ReportAttachment(pk=there.pk + 1000, report_id=there.report_id + 1000)
    assert client.get(channel(missing)).status_code == response.status_code
    assert not AuditEvent.objects.filter(actor=user, person_id=world.there.person).exists()


@pytest.mark.parametrize("channel", [web_url, api_url])
def test_a_role_that_reads_no_reports_gets_no_attachment(client, world, here, channel):
    # the data steward's scope holds the person, but reading activity reports is not its work
    client.force_login(world.users["data_steward"])
    assert client.get(channel(here)).status_code in (403, 404)


def test_an_attachment_is_found_only_under_its_own_report(client, world, here, there):
    client.force_login(world.users["third_sector_operator"])
    url = reverse("thirdsector:attachment", args=[here.report_id, there.pk])
    assert client.get(url).status_code == 404


def test_an_anonymous_request_gets_no_file(client, here):
    response = client.get(web_url(here))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(api_url(here)).status_code in (401, 403)


def test_a_file_stored_as_html_before_the_checks_is_served_as_plain_bytes(client, world, here):
    legacy = ReportAttachment(report=here.report, name="pagina.html", content_type="text/html")
    legacy.file.save("pagina.html", ContentFile(b"%PDF-"), save=True)
    client.force_login(world.users["third_sector_operator"])
    response = client.get(web_url(legacy))
    assert_safe_download(response)
    assert 'filename="pagina.html"' in response["Content-Disposition"]


def test_a_pdf_is_served_as_a_pdf(client, world, here):
    here.content_type = "application/pdf"
    here.save()
    client.force_login(world.users["operator"])
    assert_safe_download(client.get(web_url(here)), "application/pdf")


def test_the_admin_report_page_links_its_attachments_to_the_scoped_download(client, world, here):
    client.force_login(world.users["social_worker"])
    page = client.get(f"/admin/activity-reports/inspect/{here.report_id}/")
    assert page.status_code == 200
    assert web_url(here) in page.content.decode()
