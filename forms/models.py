"""Questionnaire definitions (edited in wagtail), their frozen versions, drafts and submissions."""

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin

from definitions.models import Adaptable, ImmutableError, Version

from .blocks import STEPS
from .checks import problems
from .rendering import try_context
from .schema import CompiledForm, compile_form, text
from .streamfield import schema_from_stream


class FormDefinition(PreviewableMixin, Adaptable):
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    based_on_version = models.ForeignKey(
        "FormVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("template version reviewed"),
    )
    body = StreamField(STEPS, blank=True, verbose_name=_("steps"))
    # The host decides who a subject's assigned partners are (in SISO: the third-sector bodies
    # a person is entrusted to); they read the answers of shared questionnaires only.
    shared_with_partners = models.BooleanField(
        _("shared with assigned partners"),
        default=False,
        help_text=_(
            "The organisations the person is entrusted to read the answers to this "
            "questionnaire. Leave it unticked for answers only the services following the "
            "person read."
        ),
    )

    class Meta(Adaptable.Meta):
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    @property
    def schema(self) -> dict:
        """The canonical schema of the current (possibly draft) content."""
        return schema_from_stream(
            self.body.raw_data, slug=self.slug, title={"it": self.title, "en": self.title_en}
        )

    def version_content(self) -> dict:
        return self.schema

    def publish_problems(self) -> list:
        return problems(self.schema)

    def get_preview_template(self, request, mode_name):
        return "forms/preview.html"

    def get_preview_context(self, request, mode_name):
        return {**super().get_preview_context(request, mode_name), **try_context(self.schema)}


class FormVersion(Version):
    content_field = "schema"

    definition = models.ForeignKey(
        FormDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    schema = models.JSONField(_("schema"))

    class Meta(Version.Meta):
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="one_version_number")
        ]

    @cached_property
    def compiled(self) -> CompiledForm:
        return compile_form(self.schema)

    def title_in(self, language: str) -> str:
        return text(self.schema.get("title"), language)


class Submission(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    # None only for a questionnaire filled in a procedure that is about no person (e.g. a
    # body's accreditation); the standalone wizard and the API always name a person.
    subject = models.ForeignKey(
        settings.FORMS_SUBJECT_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="form_submissions",
        verbose_name=_("person"),
    )
    answers = models.JSONField(_("answers"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Where the answers came from, as the host's records say it (e.g. "web", "app", "import").
    entered_via = models.CharField(_("entered via"), max_length=10, default="web")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="form_submissions"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.version} · {self.submitted_at:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("A submission cannot be changed.")
        super().save(*args, **kwargs)


class Draft(models.Model):
    """A wizard in progress, kept in the database so it resumes from any device."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="drafts")
    # None only for a draft started by a target that vouches for it (see `registry.Target`).
    subject = models.ForeignKey(
        settings.FORMS_SUBJECT_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="form_drafts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts"
    )
    state = models.JSONField(default=dict)  # formtools' wizard storage
    # What the wizard was started for (a name in `registry.targets`) and which one.
    target = models.CharField(max_length=40, blank=True)
    target_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.version} · {self.subject or '—'}"
